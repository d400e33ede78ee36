"""Beheer: the thresholds the definitions use (the "Instellingen" tab of /beheer).

Shows every setting with their value in force and their default, and saves the ones beheer
changes through data_access.setting_changes (validated, audited, the 16-hour signals rebuilt
when the rule changes). After a save every cache is cleared, so every page shows the new
figures on its next run.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from data_access import setting_changes, users
from data_access.definitions.settings import LABELS, SETTING_KEYS, SettingError, format_value
from ui.cache import invalidate
from ui.db import engine
from ui.guard import origin

NOTICE = "settings_admin_notice"
FORM = "settings_form"
KEY = "setting_"  # + field: the text input of one setting
DRAWN = "settings_admin_drawn"  # field → the stored value the input was last given

# What each setting changes, in the words of the pages (docs/definitions.md has the functions).
EFFECTS = {
    "signal_hours": "16-uurssignalen en meldtrouw (/scholen, /status), signaal '16 uur' (/jongeren)",
    "signal_weeks": "16-uurssignalen en meldtrouw (/scholen, /status), uren in het venster (/jongeren)",
    "approaching_hours": "signaal 'bijna 16 uur' (/jongeren)",
    "persistent_share": "langdurig verzuim (/scholen vergelijking, /jongeren)",
    "severe_share": "ernstig verzuim (/jongeren, werkvoorraad)",
    "suppression_threshold": "kleine aantallen verbergen (/scholen, /covid, /status; niet voor leerplicht)",
    "compliance_school_days": "meldtrouw (/scholen, standaard van de meldtermijn) en KPI meldtrouw (/status)",
    "late_count": "signaal 'vaak te laat' (/jongeren, standaard van het filter)",
    "no_contact_days": "werkvoorraad: geen contact sinds (/jongeren, standaard van het filter)",
    "hours_per_day": "verzuimpercentage en langdurig verzuim (/scholen, /jongeren)",
    "contact_within_days": "keten: melding zonder contact binnen de termijn (/keten, tijdlijn op /jongeren)",
    "back_in_class_weeks": "keten: stap 'terug in de klas' (/keten, tijdlijn op /jongeren)",
    "recidive_months": "keten: recidive na afsluiten (/keten)",
}


def render_settings_admin(user: users.User) -> None:
    st.subheader("Instellingen")
    if not user.has("beheer"):
        st.error("Alleen functioneel beheer kan de instellingen wijzigen.")
        return
    st.caption("De drempels van de definities. Een wijziging geldt meteen op elke pagina en wordt vastgelegd "
               "in het auditlog. Een wijziging van de 16-uursregel berekent alle 16-uurssignalen opnieuw.")
    try:
        with engine().connect() as conn:
            stored = setting_changes.stored_settings(conn)
    except SQLAlchemyError:
        st.error("De database is op dit moment niet bereikbaar. Probeer het later opnieuw.")
        return
    if notice := st.session_state.pop(NOTICE, None):
        st.success(notice, icon=":material/check:")
    st.dataframe(overview(stored), hide_index=True, width="stretch")
    for field, s in stored.items():
        if s.value is None:
            st.warning(f"De opgeslagen waarde van '{LABELS[field]}' is onbruikbaar ('{s.text}'): de pagina's "
                       "tonen niets tot u hem hier verbetert.", icon=":material/warning:")
    drawn = seed_inputs(stored)
    with st.form(FORM):
        left, right = st.columns(2)
        for i, field in enumerate(SETTING_KEYS):
            (left if i % 2 == 0 else right).text_input(
                LABELS[field], key=KEY + field,
                help=f"Standaard: {format_value(stored[field].default)}. Verandert: {EFFECTS[field]}.")
        submitted = st.form_submit_button("Instellingen opslaan", type="primary", icon=":material/save:")
    if submitted:
        # only what beheer edited: an input left alone never writes back a value another
        # beheer account changed meanwhile
        _save(user, {field: st.session_state[KEY + field] for field in SETTING_KEYS
                     if st.session_state[KEY + field].strip() != drawn[field]})


def seed_inputs(stored: dict[str, setting_changes.Stored]) -> dict[str, str]:
    """Give each input the stored value, unless beheer has edited it (then it keeps the typed
    text); an input left alone follows a change saved elsewhere. Returns the values drawn."""
    drawn = st.session_state.setdefault(DRAWN, {})
    for field, s in stored.items():
        key = KEY + field
        if key not in st.session_state or st.session_state[key] == drawn.get(field):
            st.session_state[key] = s.shown
            drawn[field] = s.shown
    return drawn


def overview(stored: dict[str, setting_changes.Stored]) -> pd.DataFrame:
    return pd.DataFrame([{
        "Instelling": LABELS[field],
        "Huidige waarde": s.shown,
        "Standaard": format_value(s.default),
        "Verandert": EFFECTS[field],
    } for field, s in stored.items()])


def _save(user: users.User, typed: dict[str, str]) -> None:
    try:
        with engine().begin() as conn:
            changes = setting_changes.save_settings(conn, typed, username=user.username, role=user.role_label,
                                                    origin=origin())
    except SettingError as problem:
        st.error(f"Niets opgeslagen. {problem}", icon=":material/error:")
        return
    except SQLAlchemyError:
        st.error("Opslaan is niet gelukt: de database is niet bereikbaar. Probeer het later opnieuw.")
        return
    if not changes:
        st.info("Er is niets gewijzigd.", icon=":material/info:")
        return
    invalidate()  # every page's figures depend on these thresholds
    for field in SETTING_KEYS:  # the inputs start again from the stored values
        st.session_state.pop(KEY + field, None)
    st.session_state.pop(DRAWN, None)
    st.session_state[NOTICE] = "Opgeslagen: " + "; ".join(
        f"{LABELS[c.field]} {c.old} → {c.new}" for c in changes) + "."
    st.rerun()
