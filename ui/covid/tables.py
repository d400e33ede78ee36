"""Tables on /covid: every period against its baseline, and newsletters / information sessions."""
from __future__ import annotations

import pandas as pd

from data_access.definitions import Suppressor
from data_access.queries import contacts
from data_access.queries.contacts import METRIC_LABELS, PeriodReport
from ui.covid import format as cf
from ui import format as fmt
from ui.labels import CHANNEL_LABELS


def comparison_table(reports: list[PeriodReport], suppressor: Suppressor | None) -> pd.DataFrame:
    """One row per period × figure: the period, its baseline and the difference, in Dutch text."""
    frame = contacts.comparison_frame(reports, suppressor)
    return pd.DataFrame({
        "Periode": frame["period"],
        "Van – tot": [f"{fmt.date(s)} – {fmt.date(e)}" for s, e in zip(frame["start"], frame["end"])],
        "Maatstaf": frame["metric"].map(METRIC_LABELS),
        "In de periode": [cf.shown_text(k, v, h) for k, v, h in zip(frame["metric"], frame["value"],
                                                                    frame["value_hidden"])],
        "Basis": [cf.shown_text(k, v, h) for k, v, h in zip(frame["metric"], frame["baseline"],
                                                            frame["baseline_hidden"])],
        "Verschil": [cf.difference_text(k, d) or "–" for k, d in zip(frame["metric"], frame["difference"])],
        "Toelichting": frame["reason"],
    })


def comparison_sections(table: pd.DataFrame) -> tuple[tuple[str, pd.DataFrame], ...]:
    """The comparison table per period: (heading, its rows without the period columns)."""
    return tuple((f"**{period}** · {dates}", rows.drop(columns=["Periode", "Van – tot"]))
                 for (period, dates), rows in table.groupby(["Periode", "Van – tot"], sort=False))


def mass_contacts_table(frame: pd.DataFrame, suppressor: Suppressor | None) -> pd.DataFrame:
    shown = contacts.suppressed_mass_contacts(frame, suppressor)
    return pd.DataFrame({
        "Periode": shown["period"],
        "Van – tot": [f"{fmt.date(s)} – {fmt.date(e)}" for s, e in zip(shown["period_start"], shown["period_end"])],
        "Soort": shown["channel"].map(lambda c: CHANNEL_LABELS.get(c, c)),
        "Aantal keer": [cf.count_text(v) for v in shown["occasions"]],
        "Scholen bereikt": [cf.schools_text(v) for v in shown["schools"]],
        "Onderwerp": shown["topic"],
    })
