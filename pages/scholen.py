import streamlit as st

from ui.guard import require

user = require("scholen")

st.title("scholen")
