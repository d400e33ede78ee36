"""LEA-dashboard entry point: page config, login, role-based navigation — nothing else."""
import streamlit as st

from ui import auth, shell
from ui.db import database_problem, has_data, is_demo, trouble

st.set_page_config(page_title="LEA-dashboard", page_icon=":material/school:", layout="wide")

if problem := database_problem():
    trouble(problem)  # st.navigation with one page, then stop: no raw file names in the sidebar

user = auth.current_user()
empty = not has_data()
navigation = shell.navigation(user, empty=empty)

if is_demo():
    st.info("**Demo — fictieve gegevens.** Alle namen, scholen en cijfers zijn verzonnen.",
            icon=":material/science:")
if empty and user is not None and "beheer" in user.roles:
    st.info("**Nog geen gegevens** — maak de demo (`lea demo`) of importeer bestanden op Beheer → Import.",
            icon=":material/upload_file:")

navigation.run()
