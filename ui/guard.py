"""The role guard every page module calls first.

Streamlit's legacy ``pages/`` router can run a page file before app.py ever ran in a session,
so the page itself must refuse to render unless the session holds a user whose *current*
roles (read from the database now, not from the session or a cookie) allow the page.
"""
from __future__ import annotations

import streamlit as st

from data_access import access, audit, users
from ui.db import engine

SESSION_USER = "lea_username"


def require(page: str) -> users.User:
    username = st.session_state.get(SESSION_USER)
    with engine().connect() as conn:
        user = users.get_user(conn, username) if username else None
    if user is None or not user.active:
        st.warning("Log eerst in om deze pagina te zien.")
        st.page_link("app.py", label="Naar inloggen", icon=":material/login:")
        st.stop()
    if not access.may_open(user.roles, page):
        with engine().begin() as conn:
            audit.record(conn, "toegang_geweigerd", username=user.username, role=",".join(user.roles),
                         object_type="pagina", object_id=page, result="geweigerd")
        st.error("U heeft geen toegang tot deze pagina.")
        st.stop()
    return user
