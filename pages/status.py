from ui.guard import require

user = require("status")

import datetime as dt  # noqa: E402

import streamlit as st  # noqa: E402
from sqlalchemy.exc import InterfaceError, OperationalError  # noqa: E402

from data_access import status_reports  # noqa: E402
from data_access.queries import status as q  # noqa: E402
from ui import cache  # noqa: E402
from ui.status import charts as status_charts  # noqa: E402
from ui.status import data as status_data  # noqa: E402
from ui.status import export as status_export  # noqa: E402
from ui.status import tiles as status_tiles  # noqa: E402
from ui.db import engine  # noqa: E402
from ui.text import plain  # noqa: E402

DATABASE_DOWN = (OperationalError, InterfaceError)
SEEN_VERSIONS = "status_versions_seen"  # (action, period) → version, as the form was last drawn


def database_unreachable() -> None:
    st.error("De database is niet bereikbaar. Probeer het over enkele minuten opnieuw; blijft dit zo, "
             "neem dan contact op met beheer.", icon=":material/cloud_off:")
    st.stop()


def save_report(report: status_reports.NewReport, seen: dict[tuple[int, int], int]) -> None:
    """Append the report, unless another was added for its action and period since the form was
    drawn (``seen``): then say what changed; the form keeps the input for a retry."""
    try:
        with engine().begin() as conn:
            status_reports.add_report(conn, report, username=user.username, roles=user.roles,
                                      expected_version=seen.get((report.action_id, report.period_id), 0))
    except status_reports.StatusReportError as refused:
        st.error("De rapportage is niet opgeslagen:\n\n" + "\n".join(f"- {m}" for m in refused.messages))
        return
    except DATABASE_DOWN:
        database_unreachable()
    cache.invalidate()
    st.session_state["status_saved"] = "De statusrapportage is toegevoegd."
    st.rerun()


st.title("Status LEA-acties")
st.caption("Kwaliteit, Tijd en Geld per actie van de Lokaal Educatieve Agenda, met de toelichting bij "
           "elk licht dat niet groen is.")
if saved := st.session_state.pop("status_saved", None):
    st.success(saved, icon=":material/check_circle:")

try:
    periods, default, actions = status_data.basics()
except DATABASE_DOWN:
    database_unreachable()

if actions.empty:
    st.info("Er zijn nog geen LEA-acties vastgelegd.")
    st.stop()
if not periods:
    st.info("Er zijn nog geen rapportageperioden vastgelegd.")
    st.stop()

today = dt.date.today()
selection = status_tiles.selection_bar(periods, default, actions)
previous = q.previous_period(periods, selection.period.id)
previous_id = previous.id if previous else None
settings = cache.settings()
suppressor = cache.suppressor_for(user.roles, settings)  # None: leerplicht sees every count
try:
    view = status_data.overview_view(selection.period.id, previous_id, selection.programme,
                                     selection.portfolio_holder, settings, suppressor, today)
except DATABASE_DOWN:
    database_unreachable()
if view is None:  # the selected reporting period is gone: read the periods again
    status_data.basics.clear()
    status_data.overview_view.clear()
    st.rerun()

tab_names = ["Overzicht", "Verloop", "Export"]
editing = status_reports.may_edit(user.roles)
tabs = st.tabs(tab_names + (["Rapportage toevoegen"] if editing else []))

with tabs[0]:
    status_tiles.colour_summary(view.summary, selection.period)
    shown = status_tiles.visible_tiles(view, selection.only_not_green)
    if not view.any_report:
        st.info(f"Voor {plain(selection.period.name)} is nog geen statusrapportage vastgelegd.")
    if not shown:
        st.info("Geen acties in deze selectie. Pas de selectie aan.")
    else:
        status_tiles.tile_grid(shown)

with tabs[1]:
    st.subheader("Verloop per actie")
    try:
        status_charts.history_section(
            actions.titles, lambda action_id: status_data.history_view(action_id, actions.titles[action_id],
                                                                       actions.codes[action_id]))
    except DATABASE_DOWN:
        database_unreachable()

with tabs[2]:
    status_export.export_section(selection.period, settings, suppressor, today, user)

if editing:
    with tabs[3]:
        st.subheader("Statusrapportage toevoegen")
        seen = st.session_state.get(SEEN_VERSIONS, {})
        with engine().connect() as conn:  # what this form shows now; a save checks against it
            st.session_state[SEEN_VERSIONS] = status_reports.versions(conn)
        if report := status_tiles.report_form(actions, periods, selection.period):
            save_report(report, seen)
