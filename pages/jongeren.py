"""Jongeren in beeld: the officers' daily work list (role leerplicht only; every view audited).

The list and the work queue, filtered through the URL; a click opens a youth's file, where the
officer logs contacts and keeps the case up to date.
"""
import datetime as dt

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from ui.guard import require

user = require("jongeren")

# imports after the guard: nothing below runs for other roles
from data_access.definitions.calendar import school_year_of  # noqa: E402
from data_access.queries import youths  # noqa: E402
from ui import cache  # noqa: E402
from ui import format as fmt  # noqa: E402
from ui.youths import data  # noqa: E402
from ui.youths import detail  # noqa: E402
from ui.db import engine, is_demo  # noqa: E402
from ui.youths.export import export_panel  # noqa: E402
from ui.youths.filters import (  # noqa: E402
    SELECTED, empty_cause, empty_list_text, empty_queue_text, file_settings, filter_bar,
)
from ui.youths.forms import show_flash  # noqa: E402
from ui.youths import tables as youths_tables  # noqa: E402
from ui.youths.tables import (  # noqa: E402
    open_by_pseudonym, queue_table, youth_table, youths_count,
)

TABLE_GENERATION = "youths_table_generation"


def open_youth(pseudonym: str) -> None:
    st.query_params[SELECTED] = pseudonym
    st.session_state[TABLE_GENERATION] = st.session_state.get(TABLE_GENERATION, 0) + 1
    st.rerun()


def back_to_list() -> None:
    del st.query_params[SELECTED]


def more_rows_note(total: int) -> None:
    shown = youths_tables.SHOWN_ROWS
    if total > shown:
        st.caption(f"De eerste {fmt.number(shown)} van {fmt.number(total)} in deze volgorde. Verfijn de filters of "
                   "zoek op naam of pseudoniem; de export bevat de hele lijst.")


def show_list() -> None:
    filters, settings = filter_bar(user.username, options, default_today, configured)
    source = today_source if settings.today == default_today else "zelf gekozen"
    st.caption(f"Peildatum **{fmt.date(settings.today)}** ({source}) · schooljaar "
               f"{fmt.school_year(school_year_of(settings.today))} · vaak te laat vanaf {settings.late_threshold} keer")
    view = data.list_view(settings.today, settings.thresholds(configured), filters, filters.search,
                          options.officers)
    rows, queue = view.rows, view.queue
    data.audit_list_view(user, filters, settings.today, list(view.pupil_ids))
    generation = st.session_state.get(TABLE_GENERATION, 0)
    first = youths_tables.SHOWN_ROWS

    # an empty result names the search and filters that caused it (never a bare "leeg")
    cause = empty_cause(filters, options, user.username, configured,
                        settings.today if settings.today != default_today else None)
    picked = None
    # fixed tab labels: a label that changes (a count) makes the browser jump back to the first tab
    queue_tab, list_tab = st.tabs(["Werkvoorraad", "Alle jongeren in beeld"])
    with queue_tab:
        names = youths.signal_labels(configured)
        kinds = ", ".join(names[k] for k in (filters.signals or youths.QUEUE_SIGNALS))
        st.caption(f"**{youths_count(len(queue))}.** Eerst verlopen volgende acties, dan signalen zonder open zaak "
                   f"({kinds}; kies bij 'Signaal' andere signalen; een 16-urensignaal alleen zolang geen "
                   "afgehandelde melding of zaak het heeft opgepakt), dan zaken zonder contact sinds "
                   f"{settings.contact_days} dagen. Klik op een rij om het dossier te openen.")
        if queue.empty:
            st.info(empty_queue_text(cause, rows.empty))
        else:
            picked = queue_table(view.queue_shown.head(first), key=f"yt_queue_{generation}")
            more_rows_note(len(queue))
    with list_tab:
        if rows.empty:
            st.info(empty_list_text(filters, cause))
        else:
            st.caption(f"**{youths_count(len(rows))}** met een signaal of een zaak dit schooljaar. "
                       "Klik op een rij om het dossier te openen.")
            picked = youth_table(view.shown.head(first), key=f"yt_list_{generation}") or picked
            more_rows_note(len(rows))
            export_panel(user, filters, settings.today, view.shown, list(view.pupil_ids))
    if not rows.empty:
        picked = open_by_pseudonym(rows.head(first), key=f"yt_pick_{generation}") or picked
    if picked:
        open_youth(picked)


def show_youth(pseudonym: str) -> None:
    settings = file_settings(default_today, configured)
    st.button("Terug naar de lijst", icon=":material/arrow_back:", on_click=back_to_list)
    with engine().connect() as conn:
        pupil_id = youths.pupil_id_of(conn, pseudonym)
    if pupil_id is None:
        st.warning("Geen jongere gevonden met dit pseudoniem.")
        return
    data.audit_detail_view(user, pupil_id)
    show_flash()
    loaded = detail.load(pupil_id, settings.today)
    everyone = data.youth_list(settings.today, settings.thresholds(configured))
    match = everyone[everyone["pupil_id"] == pupil_id]
    row = match.iloc[0] if not match.empty else None
    detail.header(loaded["profile"], row, settings.today, configured)
    open_cases = loaded["cases"][loaded["cases"]["closed_on"].isna()]
    open_case_id = int(open_cases.iloc[0]["concern_id"]) if not open_cases.empty else None
    # the demo lives on its own "today"; a real officer logs today's contact
    contact_day = settings.today if is_demo() else dt.date.today()
    tabs = st.tabs(["Contacten", "Zaak", "Verzuimkalender", "Meldingen en signalen", "Inzage (wie keek)"])
    with tabs[0]:
        detail.contacts_timeline(user, loaded, open_case_id, contact_day)
    with tabs[1]:
        detail.case_panel(user, loaded, contact_day)
    with tabs[2]:
        detail.absence_calendar(loaded, settings.today, pseudonym)
    with tabs[3]:
        detail.meldingen_and_signals(loaded, configured)
    with tabs[4]:
        detail.access_panel(loaded)


st.title("Jongeren in beeld")
st.caption("Persoonsgegevens — alleen voor leerplichtambtenaren. Elke inzage en export wordt vastgelegd "
           "in het auditlog.")
try:
    configured = cache.settings()
    default_today, today_source = data.defaults()
    options = data.filter_options()
    if selected := st.query_params.get(SELECTED):
        show_youth(selected)
    else:
        show_list()
except SQLAlchemyError as error:
    data.stop_when_database_down(error)
