"""The work queue and the list of youths: Dutch columns, a row click opens the youth."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from data_access.queries.youths import days_since_contact
from ui import format as fmt
from ui.youths_labels import STATUS_LABELS, label

DATE = "DD-MM-YYYY"


def list_frame(rows: pd.DataFrame, today: dt.date, officers: dict[str, str]) -> pd.DataFrame:
    """The list as the officer reads it (also the export): one row per youth, Dutch headings."""
    return pd.DataFrame({
        "Pseudoniem": rows["pseudonym"],
        "Naam": rows["name"],
        "Signalen": rows["signal_labels"].replace("", "–"),
        "Zaak": rows["case_status"].map(lambda s: label(STATUS_LABELS, s)),
        "Volgende actie": _dates(rows["next_action_on"]),
        "Laatste contact": _dates(rows["last_contact_on"]),
        "Dagen sinds contact": days_since_contact(rows, today).astype("Int64"),
        "Behandelaar": rows["officer"].map(lambda u: "–" if pd.isna(u) else officers.get(u, u)),
        "School": rows["school"],
        "Groep": rows["grade"].astype("Int64"),
        "Leeftijd": rows["age"].astype("Int64"),
        "Ongeoorloofd 4 wk (u)": rows["window_hours"].map(lambda v: fmt.number(v, 1)),
        "Ongeoorloofd jaar (u)": rows["unauthorised_hours"].map(lambda v: fmt.number(v, 1)),
        "Verzuim jaar": rows["absence_share"].map(fmt.percent),
        "Keren te laat": rows["late_count"].astype("Int64"),
        "MAS-route": rows["mas_route"].fillna("–"),
        "Fase": rows["phase"].fillna("–"),
    }).reset_index(drop=True)


COLUMN_CONFIG = {
    "Laatste contact": st.column_config.DateColumn(format=DATE),
    "Volgende actie": st.column_config.DateColumn(format=DATE),
    "Groep": st.column_config.NumberColumn(format="%d", width="small"),
    "Leeftijd": st.column_config.NumberColumn(format="%d", width="small"),
    "Keren te laat": st.column_config.NumberColumn(format="%d", width="small"),
    "Dagen sinds contact": st.column_config.NumberColumn(format="%d"),
    "Signalen": st.column_config.TextColumn(width="medium"),
    "Reden": st.column_config.TextColumn(width="medium"),
}


def youth_table(rows: pd.DataFrame, today: dt.date, officers: dict[str, str], key: str) -> str | None:
    """The list; returns the pseudonym of the row the officer clicked, if any."""
    shown = list_frame(rows, today, officers)
    event = st.dataframe(shown, hide_index=True, width="stretch", column_config=COLUMN_CONFIG,
                         on_select="rerun", selection_mode="single-row", key=key,
                         height=min(38 + 35 * len(shown), 560))
    return _picked(event, shown)


def queue_table(queue: pd.DataFrame, today: dt.date, officers: dict[str, str], key: str) -> str | None:
    """The work queue: why each youth is here first, then who and when."""
    shown = list_frame(queue, today, officers)
    shown.insert(0, "Reden", queue["reasons"].to_numpy())
    shown = shown[["Reden", "Pseudoniem", "Naam", "School", "Signalen", "Zaak", "Volgende actie",
                   "Laatste contact", "Behandelaar"]]
    event = st.dataframe(shown, hide_index=True, width="stretch", column_config=COLUMN_CONFIG,
                         on_select="rerun", selection_mode="single-row", key=key,
                         height=min(38 + 35 * len(shown), 460))
    return _picked(event, shown)


def open_by_pseudonym(rows: pd.DataFrame, key: str) -> str | None:
    """A second way in (keyboard, screen readers): choose a youth by pseudonym."""
    choices = rows["pseudonym"].tolist()
    picked = st.selectbox("Open dossier van jongere (pseudoniem)", choices, index=None, key=key,
                          placeholder="kies een pseudoniem")
    return picked


def youths_count(n: int) -> str:
    """'1 jongere', '16 jongeren'."""
    return f"{fmt.number(n)} {'jongere' if n == 1 else 'jongeren'}"


def _picked(event, shown: pd.DataFrame) -> str | None:
    selected = getattr(getattr(event, "selection", None), "rows", None) or []
    if not selected or selected[0] >= len(shown):
        return None
    return shown.iloc[selected[0]]["Pseudoniem"]


def _dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, errors="coerce")
