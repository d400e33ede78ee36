import streamlit as st

from ui.guard import require

user = require("audit")

st.title("audit")
