"""The council appendix's content (data_access.exports.council_report) from the same functions
as the page's tiles: the same lights, the same "einddatum verstreken" flag, the same evidence
lines and the same "het bewijs wijst op …" warnings, as plain text."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from data_access.exports.council_report import COLOURS, ActionEntry, CouncilReport
from data_access.queries.status import LIGHT_COLUMNS, Period, count_colours, explanation_lines, no_report_text
from ui.status.tiles import evidence_heading, evidence_warning, kpi_line, past_end_flag


def council_report(period: Period, overview: pd.DataFrame, evidence: pd.DataFrame, today: dt.date) -> CouncilReport:
    """Every action of the period (``overview`` of queries.status, in its order) with its KPI rows
    (``evidence`` of queries.status.evidence, as the role sees them) and the colour counts."""
    lights = overview[["programme", "portfolio_holder", *LIGHT_COLUMNS]].itertuples(index=False, name=None)
    counts = count_colours(lights).set_index(["light", "colour"])["actions"]
    evidence_of = {int(a): part for a, part in evidence.groupby("action_id", sort=False)} if not evidence.empty else {}
    actions = []
    for _, row in overview.iterrows():
        reported = row["quality"] if isinstance(row["quality"], str) else None
        kpis = evidence_of.get(int(row["action_id"]), evidence.iloc[:0])
        actions.append(ActionEntry(
            code=str(row["code"]), title=str(row["title"]), programme=str(row["programme"]),
            portfolio_holder=str(row["portfolio_holder"]),
            lights=tuple(row[key] if isinstance(row[key], str) else None for key in LIGHT_COLUMNS),
            past_end=past_end_flag(row, period, today) if reported else None,
            explanation=tuple(explanation_lines(row)) if reported else (),
            no_report=None if reported else no_report_text(row["planned_end"], period),
            evidence=tuple(kpi_line(k, plain_text=True) for k in kpis.itertuples()),
            warning=evidence_warning(kpis, reported),
        ))
    return CouncilReport(
        period=period,
        counts=tuple((label, tuple(int(counts[(label, colour)]) for colour in COLOURS))
                     for label in LIGHT_COLUMNS.values()),
        actions=tuple(actions),
        evidence_heading=evidence_heading(period),
    )
