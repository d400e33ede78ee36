"""Login (temporary minimal version until the login issue lands)."""
from __future__ import annotations

import streamlit as st

from data_access import users
from ui.db import engine
from ui.guard import SESSION_USER


def current_user() -> users.User | None:
    username = st.session_state.get(SESSION_USER)
    if not username:
        return None
    with engine().connect() as conn:
        user = users.get_user(conn, username)
    return user if user and user.active else None


def login_page() -> None:
    st.title("Inloggen")


def no_access_page() -> None:
    st.error("Uw account heeft geen rol met toegang tot een pagina. Neem contact op met beheer.")


def user_box(user: users.User) -> None:
    st.caption(f"Ingelogd als **{user.name}** ({user.role_label})")
