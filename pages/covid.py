import streamlit as st

from ui.guard import require

user = require("covid")

st.title("covid")
