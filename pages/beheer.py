import streamlit as st

from ui.guard import require
from ui.user_admin import render_user_admin

user = require("beheer")

st.title("beheer")

render_user_admin(user)
