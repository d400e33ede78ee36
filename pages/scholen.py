from ui.guard import require

user = require("scholen")

import streamlit as st  # noqa: E402

from ui.schools.comparison import comparison_section, registration_section  # noqa: E402
from ui.schools.controls import TAB_KEY, page_header  # noqa: E402
from ui.schools.pilot import pilot_section  # noqa: E402
from ui.schools.trends import trends_section  # noqa: E402

context = page_header(user)

if context.scope is not None:
    # Only the open tab runs (its data loads when it is first opened); the tab is in the URL.
    trends, comparison, registration, pilot = st.tabs(
        ["Trends", "Scholen vergelijken", "Registratieverschillen", "Registratiepilot"],
        key=TAB_KEY, bind="query-params")
    if trends.open is not False:
        with trends:
            trends_section(context)
    if comparison.open:
        with comparison:
            comparison_section(context)
    if registration.open:
        with registration:
            registration_section(context)
    if pilot.open:
        with pilot:
            pilot_section(context)
