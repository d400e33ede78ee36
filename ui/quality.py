"""Registration quality in the users' words: why a school is greyed out of a ranking (/scholen
comparison, /keten). The rule is data_access.definitions.quality."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from data_access.definitions import quality as rule
from data_access.queries import quality as quality_queries
from ui import format as fmt
from ui.db import engine

LABEL = "Registratiekwaliteit"
FLAGGED_LABEL = "registratie twijfelachtig"  # the greyed-out dots' legend entry


def reason_text(row: pd.Series, compliance_days: int) -> str:
    """The reasons of one school (a row of queries.quality.school_quality) as one Dutch sentence,
    each with its numbers; "" when the school is not flagged."""
    parts = []
    for reason in row["reasons"]:
        if reason == rule.STALE:
            parts.append(f"laatste registratie {fmt.date(row['last_registration'])}, "
                         f"{row['stale_school_days']} schooldagen voor de nieuwste van alle scholen")
        elif reason == rule.UNKNOWN:
            parts.append(f"{fmt.percent(row['unknown_hours'] / row['hours'])} van de verzuimuren met een onbekende code "
                         f"(meer dan {fmt.percent(rule.UNKNOWN_SHARE, 0)})")
        elif reason == rule.LOW_COMPLIANCE_FLAG:
            parts.append(f"meldtrouw {row['on_time']} van {row['signals']} signalen binnen {compliance_days} schooldagen "
                         f"(minder dan {fmt.percent(rule.LOW_COMPLIANCE, 0)})")
        elif reason == rule.DROP:
            parts.append(f"geregistreerde uren per schooldag gedaald van {fmt.number(row['earlier_per_day'], 1)} naar "
                         f"{fmt.number(row['recent_per_day'], 1)} in de laatste {rule.RECENT_WEEKS} schoolweken")
    return "; ".join(parts)


def explanation(compliance_days: int) -> str:
    return (f"{LABEL}: een school staat grijs buiten de rangorde als haar laatste registratie meer dan "
            f"{rule.STALE_SCHOOL_DAYS} schooldagen achterloopt, meer dan {fmt.percent(rule.UNKNOWN_SHARE, 0)} van haar "
            f"verzuimuren een onbekende code heeft, haar meldtrouw onder {fmt.percent(rule.LOW_COMPLIANCE, 0)} ligt "
            f"(minstens {rule.MIN_SIGNALS} signalen, melding binnen {compliance_days} schooldagen) of haar "
            f"geregistreerde uren per schooldag in de laatste {rule.RECENT_WEEKS} schoolweken onder de helft van de "
            f"{rule.EARLIER_WEEKS} weken daarvoor zakten. Haar cijfers staan er wel, maar zijn niet te vergelijken.")


@st.cache_data(ttl=600, show_spinner=False)
def school_quality(start: dt.date, end: dt.date, compliance_days: int) -> pd.DataFrame:
    """queries.quality.school_quality, cached (shared by /scholen and /keten)."""
    with engine().connect() as conn:
        return quality_queries.school_quality(conn, start, end, compliance_days)


def flagged_reasons(school_ids, start: dt.date, end: dt.date, compliance_days: int) -> pd.Series:
    """Per school id (in the order given) the reason it is greyed out of a ranking, or ""."""
    frame = school_quality(start, end, compliance_days)
    reasons = {row["school_id"]: reason_text(row, compliance_days) for _, row in frame.iterrows()}
    return pd.Series([reasons.get(s, "") for s in school_ids])
