from ui.guard import require

user = require("beheer")

import streamlit as st  # noqa: E402

from ui.admin.imports import render_code_table, render_import_admin, render_templates  # noqa: E402
from ui.admin.periods import render_periods_admin  # noqa: E402
from ui.admin.settings import render_settings_admin  # noqa: E402
from ui.admin.users import render_user_admin  # noqa: E402

st.title("Beheer")

import_tab, templates_tab, codes_tab, periods_tab, settings_tab, users_tab = st.tabs(
    ["Import", "Sjablonen", "Codetabel", "Perioden", "Instellingen", "Gebruikers"])
with import_tab:
    render_import_admin(user)
with templates_tab:
    render_templates()
with codes_tab:
    render_code_table(user)
with periods_tab:
    render_periods_admin(user)
with settings_tab:
    render_settings_admin(user)
with users_tab:
    render_user_admin(user)
