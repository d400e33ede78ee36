from ui.guard import require

user = require("status")

import datetime as dt  # noqa: E402

import streamlit as st  # noqa: E402
from sqlalchemy.exc import InterfaceError, OperationalError  # noqa: E402

from data_access import access, status_reports  # noqa: E402
from data_access.exports.status_docx import council_appendix_docx  # noqa: E402
from data_access.exports.status_html import council_appendix_html  # noqa: E402
from data_access.queries import status as q  # noqa: E402
from ui import status_charts, status_tiles  # noqa: E402
from ui.db import engine  # noqa: E402

DATABASE_DOWN = (OperationalError, InterfaceError)


# A rerun reads a few small cached values (plain texts and a ready chart spec): st.cache_data
# copies a cached value out on every read, so frames and Altair charts there cost every session
# time on every rerun. The cache keys are the small filter values, never a frame.


@st.cache_data(ttl=600, show_spinner=False)
def load_basics():
    with engine().connect() as conn:
        periods = q.reporting_periods(conn)
        return periods, q.default_period(conn, periods), status_tiles.action_index(q.actions(conn))


@st.cache_data(ttl=600, max_entries=256, show_spinner="Status wordt geladen…")
def load_overview_view(period_id: int, previous_id: int | None, programme: str | None, holder: str | None,
                       suppress: bool) -> status_tiles.OverviewView:
    """Summary and tiles of a period and programme/portfolio holder selection (a few kB)."""
    with engine().connect() as conn:
        by_id = {p.id: p for p in q.reporting_periods(conn)}
        period, previous = by_id[period_id], by_id.get(previous_id)
        overview, counts = q.period_status(conn, period_id, previous_id, programme, holder)
        evidence = q.evidence(conn, period, suppress=suppress)
        return status_tiles.overview_view(overview, counts, evidence, period, previous, programme, holder,
                                          lambda action_id: q.report_versions(conn, action_id, period_id))


@st.cache_data(ttl=600, show_spinner=False)
def load_overview(period_id: int, previous_id: int | None):
    """The overview frame, for the council appendix (built on a download click only)."""
    with engine().connect() as conn:
        return q.overview(conn, period_id, previous_id)


@st.cache_data(ttl=600, max_entries=64, show_spinner=False)
def load_history_view(action_id: int, title: str, code: str) -> status_charts.HistoryView | None:
    """The Verloop tab of one action: chart spec, chart rows and explanations."""
    with engine().connect() as conn:
        history = q.history(conn)
        periods = q.reporting_periods(conn)
    return status_charts.history_view(history[history["action_id"] == action_id], periods, title, code)


def database_unreachable() -> None:
    st.error("De database is niet bereikbaar. Probeer het over enkele minuten opnieuw; blijft dit zo, "
             "neem dan contact op met beheer.", icon=":material/cloud_off:")
    st.stop()


def save_report(report: status_reports.NewReport) -> None:
    try:
        with engine().begin() as conn:
            status_reports.add_report(conn, report, username=user.username, roles=user.roles)
    except status_reports.StatusReportError as refused:
        st.error("De rapportage is niet opgeslagen:\n\n" + "\n".join(f"- {m}" for m in refused.messages))
        return
    except DATABASE_DOWN:
        database_unreachable()
    st.cache_data.clear()
    st.session_state["status_saved"] = "De statusrapportage is toegevoegd."
    st.rerun()


st.title("Status LEA-acties")
st.caption("Kwaliteit, Tijd en Geld per actie van de Lokaal Educatieve Agenda, met de toelichting bij "
           "elk licht dat niet groen is.")
if saved := st.session_state.pop("status_saved", None):
    st.success(saved, icon=":material/check_circle:")

try:
    periods, default, actions = load_basics()
except DATABASE_DOWN:
    database_unreachable()

if actions.empty:
    st.info("Er zijn nog geen LEA-acties vastgelegd.")
    st.stop()
if not periods:
    st.info("Er zijn nog geen rapportageperioden vastgelegd.")
    st.stop()

selection = status_tiles.selection_bar(periods, default, actions)
previous = q.previous_period(periods, selection.period.id)
previous_id = previous.id if previous else None
suppress = not access.sees_personal_data(user.roles)
try:
    view = load_overview_view(selection.period.id, previous_id, selection.programme, selection.portfolio_holder,
                              suppress)
except DATABASE_DOWN:
    database_unreachable()

tab_names = ["Overzicht", "Verloop", "Export"]
editing = status_reports.may_edit(user.roles)
tabs = st.tabs(tab_names + (["Rapportage toevoegen"] if editing else []))

with tabs[0]:
    status_tiles.colour_summary(view.summary, selection.period)
    shown = status_tiles.visible_tiles(view, selection.only_not_green)
    if not view.any_report:
        st.info(f"Voor {selection.period.name} is nog geen statusrapportage vastgelegd.")
    if not shown:
        st.info("Geen acties in deze selectie. Pas de selectie aan.")
    else:
        status_tiles.tile_grid(shown)

with tabs[1]:
    st.subheader("Verloop per actie")
    try:
        status_charts.history_section(
            actions.titles, lambda action_id: load_history_view(action_id, actions.titles[action_id],
                                                                actions.codes[action_id]))
    except DATABASE_DOWN:
        database_unreachable()

with tabs[2]:
    st.subheader(f"Raadsbijlage {selection.period.name}")
    st.caption("Alle acties van de periode (de selectie op programma en portefeuillehouder telt hier niet), "
               "met de drie lichten als vorm en woord, ook leesbaar in zwart-wit.")
    stamp = f"lea-status-{selection.period.name}".replace(" ", "-").replace("/", "-")
    today = dt.date.today()
    period = selection.period
    left, right = st.columns(2)
    left.download_button("Download Word (.docx)",
                         lambda: council_appendix_docx(period, load_overview(period.id, previous_id), today),
                         f"{stamp}.docx", key="export-docx", on_click="ignore", icon=":material/description:",
                         mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    right.download_button("Download afdrukversie (HTML)",
                          lambda: council_appendix_html(period, load_overview(period.id, previous_id),
                                                        today).encode("utf-8"),
                          f"{stamp}.html", "text/html", key="export-html", on_click="ignore",
                          icon=":material/print:")

if editing:
    with tabs[3]:
        st.subheader("Statusrapportage toevoegen")
        if report := status_tiles.report_form(actions, periods, selection.period):
            save_report(report)
