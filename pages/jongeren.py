import streamlit as st

from ui.guard import require

user = require("jongeren")

st.title("jongeren")
