"""Everything that touches the LEA database. No Streamlit import anywhere in this package."""
