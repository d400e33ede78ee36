"""What an officer records on a youth: a contact, a case note, a status change (closing with its
outcome), an intervention, a new case.

Every form writes in one transaction together with its audit row (data_access.cases), then
clears the cached list so the change shows at once, and reruns with a confirmation.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from data_access import cases
from data_access.definitions.calendar import EARLIEST_DATE, as_date, date_bounds
from data_access.models import CASE_OUTCOMES, CONTACT_CHANNELS, INTERVENTION_KINDS, OUTCOME_EXPLANATIONS
from data_access.users import User
from ui.db import engine
from ui.guard import origin
from ui.cache import invalidate
from ui.labels import (
    CHANNEL_LABELS, INTERVENTION_LABELS, OUTCOME_EXPLANATION_LABELS, OUTCOME_LABELS, TARGET_LABELS,
)
from ui.youths.labels import SOURCE_LABELS, STATUS_LABELS, label

FLASH = "youths_flash"
TARGETS = ("family", "youth", "school", "partner")  # a youth's contact is mostly with the family
NOT_SAVED = "Niet opgeslagen: de database is nu niet bereikbaar. Probeer het opnieuw."


def show_flash() -> None:
    """The confirmation of the last change (kept across the rerun that follows it)."""
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(message, icon=":material/check_circle:")


def contact_form(user: User, pupil_id: int, open_case_id: int | None, default_day: dt.date) -> None:
    with st.form(f"contact_{pupil_id}", clear_on_submit=True, border=True):
        st.markdown("**Contact vastleggen**")
        a, b, c = st.columns(3)
        day = a.date_input("Datum", value=default_day, min_value=EARLIEST_DATE,
                           max_value=max(default_day, dt.date.today()), format="DD-MM-YYYY")
        target = b.selectbox("Met wie", TARGETS, format_func=TARGET_LABELS.get)
        channel = c.selectbox("Kanaal", CONTACT_CHANNELS[:6], format_func=CHANNEL_LABELS.get)
        purpose = a.selectbox("Doel", cases.CONTACT_PURPOSES)
        reached = b.checkbox("Bereikt", value=True)
        notes = st.text_area("Verslag (optioneel)", max_chars=cases.MAX_NOTE, height=90)
        if open_case_id:
            st.caption(f"Het contact wordt gekoppeld aan de open zaak (nr. {open_case_id}).")
        if st.form_submit_button("Contact opslaan", type="primary", icon=":material/save:"):
            _save(lambda conn: cases.add_contact(
                conn, pupil_id=pupil_id, officer=user.username, role=user.role_label, on=day, target=target,
                channel=channel, reached=reached, purpose=purpose, notes=notes, concern_id=open_case_id,
                today=max(default_day, dt.date.today()), origin=origin()),
                  f"Contact van {day.strftime('%d-%m-%Y')} is opgeslagen.")


def note_form(user: User, concern_id: int) -> None:
    with st.form(f"note_{concern_id}", clear_on_submit=True, border=True):
        st.markdown("**Notitie bij de zaak**")
        note = st.text_area("Notitie", max_chars=cases.MAX_NOTE, height=90)
        if st.form_submit_button("Notitie opslaan", icon=":material/note_add:"):
            _save(lambda conn: cases.add_case_note(conn, concern_id=concern_id, author=user.username,
                                                   role=user.role_label, note=note, origin=origin()),
                  "Notitie is toegevoegd aan de zaakgeschiedenis.")


def status_form(user: User, case: pd.Series, default_day: dt.date) -> None:
    concern_id = int(case["concern_id"])
    statuses = _with_current(cases.CASE_STATUSES, case["status"])
    phases = _with_current(cases.CASE_PHASES, case["phase"])
    routes = _with_current(cases.MAS_ROUTES, case["mas_route"])
    # The case's version when the officer started on this form: a save by someone else in between
    # is refused with what changed (cases.StaleCase), and the input stays for a retry.
    version_key = f"status_{concern_id}_versie"
    if version_key not in st.session_state:
        with engine().connect() as conn:
            st.session_state[version_key] = cases.case_version(conn, concern_id)
    with st.form(f"status_{concern_id}", border=True):
        st.markdown("**Status, fase en volgende actie**")
        a, b, c = st.columns(3)
        status = a.selectbox("Status", statuses, index=statuses.index(case["status"]),
                             format_func=lambda s: label(STATUS_LABELS, s))
        phase = b.selectbox("Fase", phases, index=_index(phases, case["phase"]))
        route = c.selectbox("MAS-route", routes, index=_index(routes, case["mas_route"]))
        next_action = a.text_input("Volgende actie", value=_text(case["next_action"]), max_chars=200)
        current = as_date(case["next_action_on"])
        next_on = b.date_input("Datum volgende actie", value=current, format="DD-MM-YYYY",
                               **_planned_bounds(current))
        note = st.text_area("Toelichting (optioneel)", max_chars=cases.MAX_NOTE, height=70)
        # In the columns above the note: a form cannot show these only once "gesloten" is picked
        # (nothing reruns before the submit), so they are always there and cases refuses them otherwise.
        outcome = a.selectbox("Uitkomst (bij sluiten)", (None, *CASE_OUTCOMES), format_func=_outcome_label)
        explanation = b.selectbox("Toelichting uitkomst (bij sluiten)", (None, *OUTCOME_EXPLANATIONS),
                                  format_func=_explanation_label)
        if st.form_submit_button("Wijziging opslaan", icon=":material/published_with_changes:"):
            _save(lambda conn: cases.change_case_status(
                conn, concern_id=concern_id, author=user.username, role=user.role_label, status=status, phase=phase,
                mas_route=route, next_action=next_action, next_action_on=next_on, note=note, on=default_day,
                origin=origin(), expected_version=st.session_state[version_key], outcome=outcome,
                outcome_explanation=explanation),
                  f"Zaak bijgewerkt: status '{label(STATUS_LABELS, status)}'.", version_key=version_key)


def intervention_form(user: User, case: pd.Series, default_day: dt.date) -> None:
    """Record what the officer did in the case (a kind and a date), and list what is recorded."""
    concern_id = int(case["concern_id"])
    version_key = f"status_{concern_id}_versie"  # the status form's: both change the same case
    with engine().connect() as conn:
        if version_key not in st.session_state:
            st.session_state[version_key] = cases.case_version(conn, concern_id)
        done = cases.interventions(conn, concern_id)
    opened = as_date(case["opened_on"])
    latest = max(default_day, dt.date.today())
    with st.form(f"intervention_{concern_id}", clear_on_submit=True, border=True):
        st.markdown("**Interventie vastleggen**")
        a, b = st.columns(2)
        kind = a.selectbox("Interventie", INTERVENTION_KINDS, format_func=INTERVENTION_LABELS.get)
        day = b.date_input("Datum interventie", value=min(max(default_day, opened), latest), min_value=opened,
                           max_value=latest, format="DD-MM-YYYY")
        if done.empty:
            st.caption("Nog geen interventies in deze zaak.")
        else:
            st.caption("Vastgelegd: " + "; ".join(
                f"{d:%d-%m-%Y} {INTERVENTION_LABELS.get(k, k)}" for d, k in zip(done["date"].map(as_date), done["kind"])))
        if st.form_submit_button("Interventie opslaan", icon=":material/add_task:"):
            _save(lambda conn: cases.add_intervention(
                conn, concern_id=concern_id, officer=user.username, role=user.role_label, kind=kind, on=day,
                expected_version=st.session_state[version_key], today=latest, origin=origin()),
                  f"Interventie '{INTERVENTION_LABELS[kind]}' van {day.strftime('%d-%m-%Y')} is vastgelegd.",
                  version_key=version_key)


def open_case_form(user: User, pupil_id: int, default_day: dt.date) -> None:
    with st.form(f"open_case_{pupil_id}", border=True):
        st.markdown("**Zaak openen**")
        a, b, c = st.columns(3)
        opened = a.date_input("Geopend op", value=default_day, min_value=EARLIEST_DATE,
                              max_value=max(default_day, dt.date.today()), format="DD-MM-YYYY")
        source = b.selectbox("Bron", cases.CASE_SOURCES, format_func=lambda s: SOURCE_LABELS.get(s, s))
        route = c.selectbox("MAS-route", cases.MAS_ROUTES)
        reason = st.text_input("Reden", max_chars=200, placeholder="bijv. ongeoorloofd verzuim boven de 16 uur")
        next_action = a.text_input("Volgende actie", max_chars=200)
        next_on = b.date_input("Datum volgende actie", value=default_day + dt.timedelta(days=7), format="DD-MM-YYYY",
                               **_planned_bounds(default_day + dt.timedelta(days=7)))
        if st.form_submit_button("Zaak openen", type="primary", icon=":material/create_new_folder:"):
            _save(lambda conn: cases.open_case(
                conn, pupil_id=pupil_id, officer=user.username, role=user.role_label, opened_on=opened,
                source=source, reason=reason, mas_route=route, phase="intake", next_action=next_action,
                next_action_on=next_on, origin=origin()),
                  "De zaak is geopend; u bent behandelaar.")


def _save(write, success: str, version_key: str | None = None) -> None:
    try:
        with engine().begin() as conn:
            write(conn)
    except cases.StaleCase as error:
        st.error(str(error))
        if version_key:  # the officer has now been told what changed: the retry saves on it
            st.session_state[version_key] = error.current_version
        return
    except cases.CaseError as error:
        st.error(str(error))
        return
    except SQLAlchemyError:
        st.error(NOT_SAVED)
        return
    invalidate()  # the list, its choices and the /covid and /status figures count contacts and cases
    if version_key:  # read again on the next draw: this save moved it on
        st.session_state.pop(version_key, None)
    st.session_state[FLASH] = success
    st.rerun()


def _planned_bounds(current: dt.date | None) -> dict[str, dt.date]:
    """A planned date lies within calendar.date_bounds (2000 up to a year from now); a date already
    stored outside them stays choosable, else the form could not be drawn."""
    earliest, latest = date_bounds(dt.date.today())
    if current is not None:
        earliest, latest = min(earliest, current), max(latest, current)
    return {"min_value": earliest, "max_value": latest}


def _outcome_label(code: str | None) -> str:
    return "–" if code is None else OUTCOME_LABELS[code]


def _explanation_label(code: str | None) -> str:
    return "–" if code is None else OUTCOME_EXPLANATION_LABELS[code]


def _with_current(options: tuple[str, ...], current) -> list[str]:
    values = list(options)
    if isinstance(current, str) and current not in values:
        values.append(current)
    return values


def _index(options: list[str], current) -> int:
    return options.index(current) if current in options else 0


def _text(value) -> str:
    return value if isinstance(value, str) else ""

