"""Tables on /covid: every period against its baseline, and newsletters / information sessions."""
from __future__ import annotations

import pandas as pd

from data_access.periods import KIND_LABELS
from data_access.queries import contacts
from data_access.queries.contacts import METRIC_LABELS, PeriodReport
from ui import covid_format as cf
from ui import format as fmt


def comparison_table(reports: list[PeriodReport], suppress: bool) -> pd.DataFrame:
    """One row per period × figure: the period, its baseline and the difference, in Dutch text."""
    frame = contacts.comparison_frame(reports, suppress)
    return pd.DataFrame({
        "Periode": [f"{name} ({fmt.date(s)} t/m {fmt.date(e)})"
                    for name, s, e in zip(frame["period"], frame["start"], frame["end"])],
        "Soort": frame["kind"].map(lambda k: KIND_LABELS.get(k, k)),
        "Maatstaf": frame["metric"].map(METRIC_LABELS),
        "In de periode": [cf.shown_text(k, v, h) for k, v, h in zip(frame["metric"], frame["value"],
                                                                    frame["value_hidden"])],
        "Basis": [cf.shown_text(k, v, h) for k, v, h in zip(frame["metric"], frame["baseline"],
                                                            frame["baseline_hidden"])],
        "Verschil": [cf.difference_text(k, d) or "–" for k, d in zip(frame["metric"], frame["difference"])],
        "Toelichting": frame["reason"],
    })


def mass_contacts_table(frame: pd.DataFrame, suppress: bool) -> pd.DataFrame:
    shown = contacts.suppressed_mass_contacts(frame, suppress)
    return pd.DataFrame({
        "Periode": [f"{name} ({fmt.date(s)} t/m {fmt.date(e)})"
                    for name, s, e in zip(shown["period"], shown["start"], shown["end"])],
        "Soort": shown["channel"].map(lambda c: contacts.CHANNEL_LABELS.get(c, c)),
        "Onderwerp": shown["topic"],
        "Aantal keer": [cf.count_text(v) for v in shown["occasions"]],
        "Scholen bereikt": [cf.schools_text(v) for v in shown["schools"]],
    })
