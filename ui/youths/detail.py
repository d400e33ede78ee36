"""The file (dossier) of one youth: absence calendar, meldingen, contacts, case and access log."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from data_access import access
from data_access import audit as audit_log
from data_access.definitions.calendar import as_date, school_year_of
from data_access.definitions import Settings
from data_access.queries import youths
from data_access.users import User
from ui import format as fmt
from ui.db import engine
from ui.downloads import chart_downloads, session_grant
from ui.text import plain
from ui.youths.chain import chain_timeline
from ui.youths.charts import calendar_grid, calendar_heatmap, hours_by_category
from ui.youths.data import details_summary
from ui.labels import CHANNEL_LABELS, MELDING_STATUS_LABELS, TARGET_LABELS
from ui.youths.forms import contact_form, intervention_form, note_form, open_case_form, status_form
from ui.youths.labels import (
    ACTION_LABELS,
    MELDING_LABELS,
    SOURCE_LABELS,
    STATUS_LABELS,
    label,
)

LOCAL = ZoneInfo("Europe/Amsterdam")


def load(pupil_id: int, today: dt.date) -> dict:
    """Everything about one youth, read fresh (small, and the access log must be current)."""
    with engine().connect() as conn:
        profile = youths.youth_profile(conn, pupil_id, today)
        return {
            "profile": profile,
            "absence": youths.absence_days(conn, pupil_id, today),
            "school_days": youths.school_days(conn, profile.sector if profile else None, today),
            "meldingen": youths.meldingen(conn, pupil_id),
            "signals": youths.signals_of(conn, pupil_id, today),
            "contacts": youths.contacts(conn, pupil_id),
            "cases": youths.cases(conn, pupil_id),
            "history": youths.case_history(conn, pupil_id),
            "access": youths.access_log(conn, pupil_id),
            "names": youths.officer_names(conn),
        }


def header(profile: youths.YouthProfile, row: pd.Series | None, today: dt.date, settings: Settings) -> None:
    st.subheader(f"{plain(profile.pseudonym)} — {plain(profile.name)}")  # imported text: never markdown
    st.caption(" · ".join([
        plain(profile.school) or "school onbekend", f"groep/leerjaar {plain(profile.grade) or '–'}",
        f"{profile.age} jaar (geboren {fmt.date(profile.birth_date)})",
        f"samenwerkingsverband {plain(profile.swv_code) or '–'}",
    ]))
    labels = row["signal_labels"] if row is not None else ""
    case = label(STATUS_LABELS, row["case_status"]) if row is not None else "geen zaak"
    st.markdown(f"**Signalen:** {labels if isinstance(labels, str) and labels else 'geen'}  \n"
                f"**Zaak:** {case}")
    if row is None:
        st.caption(f"Geen signalen en geen zaak in dit schooljaar tot {fmt.date(today)}.")
        return
    a, b, c, d = st.columns(4)
    a.metric(f"Ongeoorloofd, {settings.signal_weeks} schoolweken", f"{fmt.number(row['window_hours'], 1)} uur",
             help=f"Sinds het laatste 16-urensignaal; vanaf {_plain(settings.approaching_hours)} uur "
                  f"'bijna {_plain(settings.signal_hours)} uur'.")
    b.metric("Ongeoorloofd dit schooljaar", f"{fmt.number(row['unauthorised_hours'], 1)} uur")
    c.metric("Verzuim dit schooljaar", fmt.percent(row["absence_share"]),
             help=f"{fmt.number(row['absence_hours'], 1)} van {fmt.number(row['possible_hours'], 1)} "
                  f"lesuren tot {fmt.date(today)}; langdurig vanaf {_plain(settings.persistent_share * 100)}%, "
                  f"ernstig vanaf {_plain(settings.severe_share * 100)}%.")
    d.metric("Keren te laat dit schooljaar", fmt.number(row["late_count"]))


def _plain(threshold: float) -> str:
    """A threshold as written in a sentence: 16.0 → "16", 12.5 → "12,5"."""
    threshold = round(float(threshold), 6)  # 0.1 × 100 is 10.000000000000002
    return fmt.number(threshold, 0 if threshold.is_integer() else 1)


def absence_calendar(data: dict, today: dt.date, pseudonym: str) -> None:
    grid = calendar_grid(data["school_days"], data["absence"], today)
    if grid.empty:
        st.info("Er zijn nog geen schooldagen in dit schooljaar tot de peildatum.")
        return
    st.markdown(f"**Verzuim per schooldag, schooljaar {fmt.school_year(school_year_of(today))} "
                f"tot {fmt.date(today)}**")
    chart = calendar_heatmap(grid)
    st.altair_chart(chart, width="content")
    # personal data: each PNG/SVG is checked again and audited when it is made (issue 17 #5)
    db = engine()
    who = session_grant(db, access.PERSONAL_DATA_ROLES)
    personal = (db, who, {"object_type": audit_log.OBJECT_PUPIL, "object_id": data["profile"].pupil_id,
                          "bestand": "verzuimkalender"}) if who is not None else None
    chart_downloads(chart, f"verzuimkalender-{pseudonym}", key=f"cal-{pseudonym}", personal=personal)
    totals = hours_by_category(data["absence"])
    if totals.empty:
        st.info("Geen geregistreerd verzuim dit schooljaar.")
    else:
        st.dataframe(totals, hide_index=True, placeholder="–", width="content")


def meldingen_and_signals(data: dict, settings: Settings) -> None:
    meldingen, signals = data["meldingen"], data["signals"]
    st.markdown("**Verzuimmeldingen**")
    if meldingen.empty:
        st.info("Voor deze jongere zijn geen verzuimmeldingen gedaan.")
    else:
        st.dataframe(pd.DataFrame({
            "Gemeld op": pd.to_datetime(meldingen["reported_on"]),
            "Soort": meldingen["kind"].map(lambda k: label(MELDING_LABELS, k)),
            "Verzuim vanaf": pd.to_datetime(meldingen["absence_start"]),
            "Uren": meldingen["hours"].map(lambda v: fmt.number(v, 1)),
            "Status": meldingen["status"].map(lambda s: label(MELDING_STATUS_LABELS, s)),
            "Uitkomst": meldingen["outcome"].fillna("–"),
            "Behandelaar": _names(meldingen["officer"], data["names"]),
        }), hide_index=True, placeholder="–", width="stretch", column_config=_date_columns("Gemeld op", "Verzuim vanaf"))
    st.markdown(f"**16-urensignalen** (meer dan {_plain(settings.signal_hours)} uur ongeoorloofd in "
                f"{settings.signal_weeks} schoolweken)")
    if signals.empty:
        st.info("Geen 16-urensignalen.")
    else:
        st.dataframe(pd.DataFrame({
            "Signaal op": pd.to_datetime(signals["signal_on"]),
            "Venster vanaf": pd.to_datetime(signals["window_start"]),
            "Uren": signals["hours"].map(lambda v: fmt.number(v, 1)),
            "Gemeld": signals["melding_id"].map(lambda m: "nee" if pd.isna(m) else "ja"),
            "Schooldagen tot melding": signals["school_days_to_melding"].astype("Int64"),
            "Afgehandeld": [_answered(bool(m), bool(c)) for m, c in
                            zip(signals["handled_melding"], signals["case_taken_up"])],
        }), hide_index=True, placeholder="–", width="stretch", column_config=_date_columns("Signaal op", "Venster vanaf"))


def _answered(handled_melding: bool, case_taken_up: bool) -> str:
    """Whether a signal is done on the reference date (definitions.open_work), and by what."""
    if handled_melding and case_taken_up:
        return "ja (melding afgehandeld, zaak)"
    if handled_melding:
        return "ja (melding afgehandeld)"
    if case_taken_up:
        return "ja (zaak)"
    return "nee"


def contacts_timeline(user: User, data: dict, open_case_id: int | None, default_day: dt.date) -> None:
    contact_form(user, data["profile"].pupil_id, open_case_id, default_day)
    contacts = data["contacts"]
    st.markdown("**Contacten, nieuwste eerst**")
    if contacts.empty:
        st.info("Er is nog geen contact over deze jongere vastgelegd.")
        return
    st.dataframe(pd.DataFrame({
        "Datum": pd.to_datetime(contacts["date"]),
        "Met wie": contacts["target"].map(lambda t: label(TARGET_LABELS, t)),
        "Kanaal": contacts["channel"].map(lambda c: label(CHANNEL_LABELS, c)),
        "Doel": contacts["purpose"].fillna("–"),
        "Bereikt": contacts["reached"].map(lambda r: "ja" if r else "nee"),
        "Door": _names(contacts["officer"], data["names"]),
        "Zaak": contacts["concern_id"].astype("Int64"),
        "Verslag": contacts["notes"].fillna(""),
    }), hide_index=True, placeholder="–", width="stretch", column_config=_date_columns("Datum"))


def case_panel(user: User, data: dict, default_day: dt.date) -> None:
    case_rows, history = data["cases"], data["history"]
    chain_timeline(data["profile"].pupil_id, default_day)  # the youth's chain, steps dated (issue 18)
    open_cases = case_rows[case_rows["closed_on"].isna()]
    if open_cases.empty:
        st.info("Deze jongere heeft geen open zaak.")
        open_case_form(user, data["profile"].pupil_id, default_day)
    else:
        case = open_cases.iloc[0]
        st.markdown(f"**Open zaak nr. {case['concern_id']}** — {_or_dash(case['reason'])}")  # _or_dash escapes
        st.caption(" · ".join([
            f"geopend {fmt.date(as_date(case['opened_on']))} (bron: {label(SOURCE_LABELS, case['source'])})",
            f"route {_or_dash(case['mas_route'])}", f"fase {_or_dash(case['phase'])}",
            f"behandelaar {_or_dash(data['names'].get(case['officer'], case['officer']))}",
            f"volgende actie: {_or_dash(case['next_action'])} op {fmt.date(as_date(case['next_action_on']))}",
        ]))
        status_form(user, case, default_day)
        intervention_form(user, case, default_day)
        note_form(user, int(case["concern_id"]))
    st.markdown("**Zaakgeschiedenis, nieuwste eerst**")
    if history.empty:
        st.info("Nog geen geschiedenis vastgelegd.")
        return
    st.dataframe(pd.DataFrame({
        "Tijd": history["at"].map(_local_time),
        "Zaak": history["concern_id"],
        "Status": history["status"].map(lambda s: label(STATUS_LABELS, s)),
        "Fase": history["phase"].fillna("–"),
        "MAS-route": history["mas_route"].fillna("–"),
        "Door": _names(history["author"], data["names"]),
        "Notitie": history["note"].fillna(""),
    }), hide_index=True, placeholder="–", width="stretch")


def access_panel(data: dict) -> None:
    log = data["access"]
    st.caption("Wie dit dossier bekeek of wijzigde, en wanneer (uit het auditlog; nieuwste eerst).")
    if log.empty:
        st.info("Nog geen inzage vastgelegd.")
        return
    st.dataframe(pd.DataFrame({
        "Tijd": log["at"].map(_local_time),
        "Gebruiker": _names(log["username"], data["names"]),
        "Rol": log["role"],
        "Handeling": log["action"].map(lambda a: label(ACTION_LABELS, a)),
        "Details": log["details"].map(details_summary),
    }), hide_index=True, placeholder="–", width="stretch")


def _names(usernames: pd.Series, names: dict[str, str]) -> pd.Series:
    """Officers by their display name (youths.officer_names); a username without an account
    as it is, none as a dash."""
    return usernames.map(lambda u: names.get(u, u) if isinstance(u, str) and u else "–")


def _or_dash(value) -> str:
    """People's text (reason, route, phase, officer, next action) as literal text, or a dash."""
    return plain(value) if isinstance(value, str) and value.strip() else "–"


def _date_columns(*names: str) -> dict:
    return {n: st.column_config.DateColumn(format="DD-MM-YYYY") for n in names}


def _local_time(value) -> str:
    if value is None or pd.isna(value):
        return "–"
    moment = pd.Timestamp(value).to_pydatetime().replace(tzinfo=dt.UTC).astimezone(LOCAL)
    return moment.strftime("%d-%m-%Y %H:%M")

