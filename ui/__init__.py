"""The Streamlit layer. Importing it enables the charts' house style (ui.chart_theme)."""
from ui import chart_theme  # noqa: F401  (registers and enables the Altair theme)
