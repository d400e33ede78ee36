import streamlit as st

from ui.guard import require

user = require("beheer")

st.title("beheer")
