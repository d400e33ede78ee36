"""Beheer: the list of periods (holidays, COVID closures, …) with forms to add or correct one.

Used on the /beheer page: ``render_periods_admin(user)``. Every change is validated and audited
by data_access.periods; the form only shows the outcome in Dutch.
"""
from __future__ import annotations

import datetime as dt

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from data_access import periods, users
from data_access.definitions.calendar import EARLIEST_DATE
from data_access.models import PERIOD_KINDS, SECTORS
from ui import format as fmt
from ui.cache import invalidate
from ui.db import engine

ALL_SECTORS = "alle"
NOTICE = "periods_admin_notice"
EARLIEST = EARLIEST_DATE  # calendar.date_bounds; a holiday or pilot may be planned years ahead, hence:
LATEST = dt.date(2100, 12, 31)


def render_periods_admin(user: users.User) -> None:
    st.subheader("Perioden")
    if not user.has("beheer"):
        st.error("Alleen functioneel beheer kan perioden toevoegen of corrigeren.")
        return
    st.caption("Vakanties, studiedagen en COVID-19-sluitingen per sector. Ze bepalen de schooldagen, de "
               "16-uursregel en de vergelijkingsweken op de pagina Contact tijdens COVID-19.")
    try:
        with engine().connect() as conn:
            frame = periods.all_periods_frame(conn)
    except SQLAlchemyError:
        st.error("De database is op dit moment niet bereikbaar. Probeer het later opnieuw.")
        return
    if notice := st.session_state.pop(NOTICE, None):
        st.success(notice, icon=":material/check:")
    _render_list(frame)
    add_tab, correct_tab = st.tabs(["Periode toevoegen", "Periode corrigeren"])
    with add_tab:
        _render_add_form(user)
    with correct_tab:
        _render_correct_form(user, frame)
    st.caption("Na het toevoegen of wijzigen van een vakantie of studiedag worden de 16-uurssignalen "
               "meteen opnieuw berekend, zodat ze de nieuwe schooldagen volgen.")


def _render_list(frame) -> None:
    if frame.empty:
        st.info("Er zijn nog geen perioden vastgelegd.", icon=":material/event_busy:")
        return
    shown = frame.assign(begin=frame["begin"].map(fmt.date), einde=frame["einde"].map(fmt.date))
    st.dataframe(shown.drop(columns=["id"]), hide_index=True, placeholder="–", width="stretch", height=300)


def _sector_label(sector: str) -> str:
    return "Alle sectoren" if sector == ALL_SECTORS else sector


def _period_fields(prefix: str, current: periods.PeriodRow | None = None) -> dict:
    """The input fields of a period; ``prefix`` keeps the widgets of both forms apart."""
    name = st.text_input("Naam", value=current.name if current else "", key=f"{prefix}_name",
                         placeholder="bijvoorbeeld: Eerste schoolsluiting (COVID-19)")
    kind_col, sector_col = st.columns(2)
    kinds = list(PERIOD_KINDS)
    kind = kind_col.selectbox("Soort", kinds, index=kinds.index(current.kind) if current else 0,
                              format_func=lambda k: periods.KIND_LABELS.get(k, k), key=f"{prefix}_kind")
    sectors = [ALL_SECTORS, *SECTORS]
    sector = sector_col.selectbox("Sector", sectors,
                                  index=sectors.index(current.sector or ALL_SECTORS) if current else 0,
                                  format_func=_sector_label, key=f"{prefix}_sector")
    start_col, end_col = st.columns(2)
    start = start_col.date_input("Begin", value=current.start if current else None, min_value=EARLIEST,
                                 max_value=LATEST, format="DD-MM-YYYY", key=f"{prefix}_start")
    end = end_col.date_input("Einde (laatste dag)", value=current.end if current else None, min_value=EARLIEST,
                             max_value=LATEST, format="DD-MM-YYYY", key=f"{prefix}_end")
    return dict(name=name, kind=kind, sector=None if sector == ALL_SECTORS else sector, start=start, end=end)


def _render_add_form(user: users.User) -> None:
    with st.form("period_add", clear_on_submit=False):
        fields = _period_fields("period_add")
        submitted = st.form_submit_button("Toevoegen", type="primary", icon=":material/add:")
    if submitted:
        _save(lambda conn: periods.add_period(conn, username=user.username, role=user.role_label, **fields),
              "De periode is toegevoegd.")


def _render_correct_form(user: users.User, frame) -> None:
    if frame.empty:
        st.info("Er is nog niets te corrigeren.", icon=":material/info:")
        return
    labels = {int(row.id): f"{row.naam} ({fmt.date(row.begin)} t/m {fmt.date(row.einde)}, {row.sector})"
              for row in frame.itertuples()}
    period_id = st.selectbox("Welke periode?", list(labels), format_func=labels.get, key="period_edit_id")
    with engine().connect() as conn:
        current = periods.period_by_id(conn, period_id)
    if current is None:
        st.info("Deze periode bestaat niet meer.", icon=":material/info:")
        return
    with st.form(f"period_edit_{period_id}"):
        fields = _period_fields(f"period_edit_{period_id}", current)
        submitted = st.form_submit_button("Correctie opslaan", type="primary", icon=":material/save:")
    if submitted:
        _save(lambda conn: periods.update_period(conn, period_id, username=user.username, role=user.role_label,
                                                 **fields),
              "De correctie is opgeslagen.")


def _save(write, success: str) -> None:
    """Run one change in its own transaction; show the Dutch outcome."""
    try:
        with engine().begin() as conn:
            write(conn)
    except periods.PeriodError as problem:
        st.error(str(problem), icon=":material/error:")
        return
    except SQLAlchemyError:
        st.error("Opslaan is niet gelukt: de database is niet bereikbaar. Probeer het later opnieuw.")
        return
    invalidate()  # calendars and COVID figures everywhere depend on the periods
    st.session_state[NOTICE] = success
    st.rerun()
