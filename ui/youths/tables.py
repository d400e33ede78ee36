"""The work queue and the list of youths: Dutch columns, a row click opens the youth."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import streamlit as st

from ui import format as fmt
from ui.youths.labels import STATUS_LABELS, label

SHOWN_ROWS = 1000  # rows sent to the browser per table (and pseudonym choices); the export holds all

DATE = "DD-MM-YYYY"


def list_frame(rows: pd.DataFrame, today: dt.date, officers: dict[str, str], weeks: int) -> pd.DataFrame:
    """The list as the officer reads it (also the export): one row per youth, Dutch headings
    (``weeks``: the setting ``signal_weeks``, named in the window's heading). Vectorised: at the
    region tier the list holds tens of thousands of youths."""
    return pd.DataFrame({
        "Pseudoniem": rows["pseudonym"],
        "Naam": rows["name"],
        "Signalen": rows["signal_labels"].replace("", "–"),
        "Zaak": _labels(rows["case_status"], STATUS_LABELS),
        "Volgende actie": _dates(rows["next_action_on"]),
        "Laatste contact": _dates(rows["last_contact_on"]),
        "Dagen sinds contact": _days_since(rows["last_contact_on"], today),
        "Behandelaar": _labels(rows["officer"], officers),
        "School": rows["school"],
        "Groep": rows["grade"].astype("Int64"),
        "Leeftijd": rows["age"].astype("Int64"),
        f"Ongeoorloofd {weeks} wk (u)": dutch_decimals(rows["window_hours"], 1),
        "Ongeoorloofd jaar (u)": dutch_decimals(rows["unauthorised_hours"], 1),
        "Verzuim jaar": dutch_decimals(rows["absence_share"] * 100, 1, suffix="%"),
        "Keren te laat": rows["late_count"].astype("Int64"),
        "MAS-route": rows["mas_route"].fillna("–"),
        "Fase": rows["phase"].fillna("–"),
    }).reset_index(drop=True)


def dutch_decimals(values: pd.Series, decimals: int, suffix: str = "") -> pd.Series:
    """Numbers as Dutch text (1.234,5), like ui.format.number, for a whole column at once: each
    distinct (rounded) number is written once."""
    numbers = pd.to_numeric(values, errors="coerce").astype(float).round(decimals).to_numpy()
    known = ~np.isnan(numbers)
    text = np.full(len(numbers), "–", dtype=object)
    distinct, positions = np.unique(numbers[known], return_inverse=True)
    if not len(distinct):
        return pd.Series(text, index=values.index, dtype=object)
    written = np.char.add(np.char.replace(np.char.mod(f"%.{decimals}f", distinct), ".", ","), suffix).astype(object)
    large = np.abs(distinct) >= 1000  # thousands separator: the few, one by one
    written[large] = [fmt.number(v, decimals) + suffix for v in distinct[large]]
    text[known] = written[positions]
    return pd.Series(text, index=values.index, dtype=object)


def _labels(codes: pd.Series, mapping: dict) -> pd.Series:
    """Dutch labels of codes; an unknown code readable, a missing one '–' (see youths_labels.label),
    worked out once per distinct code."""
    codes = codes.astype(object)
    positions, distinct = pd.factorize(codes, use_na_sentinel=False)
    readable = np.array([label(mapping, c) for c in distinct], dtype=object)
    return pd.Series(readable[positions] if len(distinct) else [], index=codes.index, dtype=object, name=codes.name)


def _days_since(dates: pd.Series, today: dt.date) -> pd.Series:
    return (pd.Timestamp(today) - _dates(dates)).dt.days.astype("Int64")


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


def youth_table(shown: pd.DataFrame, key: str) -> str | None:
    """The list (from :func:`list_frame`); returns the pseudonym of the row clicked, if any."""
    event = st.dataframe(shown, hide_index=True, placeholder="–", width="stretch", column_config=COLUMN_CONFIG,
                         on_select="rerun", selection_mode="single-row", key=key,
                         height=min(38 + 35 * len(shown), 560))
    return _picked(event, shown)


def queue_frame(queue: pd.DataFrame, today: dt.date, officers: dict[str, str], weeks: int) -> pd.DataFrame:
    """The work queue as shown: why each youth is here first, then who and when."""
    shown = list_frame(queue, today, officers, weeks)
    shown.insert(0, "Reden", queue["reasons"].to_numpy())
    return shown[["Reden", "Pseudoniem", "Naam", "School", "Signalen", "Zaak", "Volgende actie",
                  "Laatste contact", "Behandelaar"]]


def queue_table(shown: pd.DataFrame, key: str) -> str | None:
    """The work queue (from :func:`queue_frame`); returns the pseudonym of the row clicked, if any."""
    event = st.dataframe(shown, hide_index=True, placeholder="–", width="stretch", column_config=COLUMN_CONFIG,
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
