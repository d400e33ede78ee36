from ui.guard import require

user = require("scholen")

import streamlit as st  # noqa: E402

from ui.schools_comparison import comparison_section, registration_section  # noqa: E402
from ui.schools_controls import page_header  # noqa: E402
from ui.schools_pilot import pilot_section  # noqa: E402
from ui.schools_trends import trends_section  # noqa: E402

context = page_header(user)

if context.scope is not None:
    trends, comparison, registration, pilot = st.tabs(
        ["Trends", "Scholen vergelijken", "Registratieverschillen", "Registratiepilot"])
    with trends:
        trends_section(context)
    with comparison:
        comparison_section(context)
    with registration:
        registration_section(context)
    with pilot:
        pilot_section(context)
