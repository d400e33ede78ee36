import streamlit as st

from ui.guard import require

user = require("status")

st.title("status")
