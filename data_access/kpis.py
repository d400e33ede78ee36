"""Evidence for the status lights: KPIs computed from the database, and the colour they suggest.

A policy action can be linked to KPIs (table ``action_kpi``: key, target, higher_is_better).
For a reporting period every KPI is computed over the school year that holds the period's end
date, from 1 August up to and including that end date ("schooljaar tot en met"), so the
figure is what was known when the report was due.

The KPIs are evidence for the **Kwaliteit** light (what the action achieves). The suggested
colour never replaces the reported one: the officer decides, the page only shows both and
flags a mismatch.

Suggested colour rule (:func:`suggested_colour`):

* ``groen``  — the target is met (value ≥ target, or ≤ target when lower is better);
* ``oranje`` — the target is missed by at most 10 % of the target (relative);
  with a target of 0 every miss is ``rood``;
* ``rood``   — the target is missed by more.

Small-cell suppression: KPIs built from counts of pupils or their meldingen/signals are hidden
for every role but leerplicht when one of those counts is below the threshold (then no colour
is suggested either, since the colour would give the value away). Counts of schools and
newsletters describe no person and are not suppressed.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, text

from data_access.metrics import (
    COMPLIANCE_SCHOOL_DAYS, SUPPRESSION_THRESHOLD, is_small, per_thousand, school_year_bounds,
    school_year_of, share,
)

TOLERANCE = 0.10
PRIMARY_SECTORS = ("BAO", "SBAO", "SO")
COLOUR_RANK = {"groen": 0, "oranje": 1, "rood": 2}


@dataclass(frozen=True)
class KpiValue:
    """A computed KPI: the value and the counts it is built from (Dutch label → count)."""

    key: str
    value: float | None
    counts: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class KpiDefinition:
    key: str
    label: str
    unit: str  # "share" (0–1), "per_thousand", "points" (difference of two shares), "count"
    counts_persons: bool
    explanation: str
    compute: Callable[[Connection, dt.date, dt.date], KpiValue]


# --- the colour rule ------------------------------------------------------------------------


def suggested_colour(value: float | None, target: float, higher_is_better: bool = True,
                     tolerance: float = TOLERANCE) -> str | None:
    """groen when the target is met, oranje when missed by at most ``tolerance`` × |target|,
    rood otherwise; None when there is no value."""
    if value is None or pd.isna(value):
        return None
    shortfall = (target - value) if higher_is_better else (value - target)
    if shortfall <= 1e-9:
        return "groen"
    if shortfall <= tolerance * abs(target) + 1e-9:
        return "oranje"
    return "rood"


def worst_colour(colours: Iterable[str | None]) -> str | None:
    known = [c for c in colours if c in COLOUR_RANK]
    return max(known, key=COLOUR_RANK.__getitem__) if known else None


def evidence_mismatch(suggested: str | None, reported: str | None) -> bool:
    """A KPI misses its target (suggests oranje/rood) and the reported Kwaliteit differs."""
    return suggested in ("oranje", "rood") and reported is not None and suggested != reported


# --- the window -----------------------------------------------------------------------------


def kpi_window(period_end: dt.date) -> tuple[dt.date, dt.date]:
    """From 1 August of the school year holding ``period_end`` up to and including it."""
    start, _ = school_year_bounds(school_year_of(period_end))
    return start, period_end


# --- the KPIs -------------------------------------------------------------------------------


def schools_visited_share(conn: Connection, start: dt.date, end: dt.date) -> KpiValue:
    """In-scope primary schools (BAO/SBAO/SO) with ≥ 1 school visit by an officer / all of them."""
    row = conn.execute(text(f"""
        SELECT COUNT(*) AS schools,
               SUM(CASE WHEN EXISTS (
                       SELECT 1 FROM contact c
                       WHERE c.school_id = s.id AND c.target = 'school' AND c.channel = 'school_visit'
                         AND c.date >= :start AND c.date <= :end)
                   THEN 1 ELSE 0 END) AS visited
        FROM school s
        WHERE s.in_scope = :yes AND s.sector IN ({_in_list(PRIMARY_SECTORS)})"""),
        {"start": start, "end": end, "yes": True}).one()
    schools, visited = int(row.schools or 0), int(row.visited or 0)
    return KpiValue("schools_visited_share", share(visited, schools),
                    (("scholen bezocht", visited), ("basisscholen", schools)))


def meldingen_per_1000(conn: Connection, start: dt.date, end: dt.date) -> KpiValue:
    """Verzuimmeldingen (all kinds) at in-scope schools / pupils enrolled that school year × 1,000."""
    year = school_year_of(end)
    meldingen = conn.execute(text("""
        SELECT COUNT(*) FROM verzuimmelding m JOIN school s ON s.id = m.school_id
        WHERE s.in_scope = :yes AND m.reported_on >= :start AND m.reported_on <= :end"""),
        {"start": start, "end": end, "yes": True}).scalar_one()
    pupils = conn.execute(text("""
        SELECT COALESCE(SUM(e.pupils), 0) FROM school_enrolment e JOIN school s ON s.id = e.school_id
        WHERE s.in_scope = :yes AND e.school_year = :year"""), {"year": year, "yes": True}).scalar_one()
    return KpiValue("meldingen_per_1000", per_thousand(meldingen, pupils),
                    (("meldingen", int(meldingen)), ("leerlingen", int(pupils))))


def _compliance_by_group(conn: Connection, start: dt.date, end: dt.date) -> dict[str, tuple[int, int]]:
    """Group ('pilot' / 'overig') → (16-hour signals, signals reported within N school days).

    A signal counts for the pilot when its school's pilot had started on the signal's date.
    """
    rows = conn.execute(text("""
        SELECT CASE WHEN s.pilot_start IS NOT NULL AND s.pilot_start <= g.signal_on
                    THEN 'pilot' ELSE 'overig' END AS grp,
               COUNT(*) AS signals,
               SUM(CASE WHEN g.school_days_to_melding IS NOT NULL AND g.school_days_to_melding <= :days
                        THEN 1 ELSE 0 END) AS on_time
        FROM signal16 g JOIN school s ON s.id = g.school_id
        WHERE s.in_scope = :yes AND g.signal_on >= :start AND g.signal_on <= :end
        GROUP BY CASE WHEN s.pilot_start IS NOT NULL AND s.pilot_start <= g.signal_on
                      THEN 'pilot' ELSE 'overig' END"""),
        {"start": start, "end": end, "yes": True, "days": COMPLIANCE_SCHOOL_DAYS}).all()
    found = {r.grp: (int(r.signals), int(r.on_time or 0)) for r in rows}
    return {group: found.get(group, (0, 0)) for group in ("pilot", "overig")}


def reporting_compliance(conn: Connection, start: dt.date, end: dt.date) -> KpiValue:
    """16-hour signals followed by a 16_uur melding within 5 school days / all signals."""
    groups = _compliance_by_group(conn, start, end)
    signals = sum(s for s, _ in groups.values())
    on_time = sum(o for _, o in groups.values())
    return KpiValue("reporting_compliance", share(on_time, signals),
                    (("tijdig gemeld", on_time), ("16-uurssignalen", signals)))


def pilot_compliance_gap(conn: Connection, start: dt.date, end: dt.date) -> KpiValue:
    """Reporting compliance of pilot schools minus that of the other schools (in shares)."""
    groups = _compliance_by_group(conn, start, end)
    (pilot_signals, pilot_on_time), (other_signals, other_on_time) = groups["pilot"], groups["overig"]
    pilot, other = share(pilot_on_time, pilot_signals), share(other_on_time, other_signals)
    gap = None if pilot is None or other is None else pilot - other
    return KpiValue("pilot_compliance_gap", gap, (
        ("tijdig gemeld pilot", pilot_on_time), ("signalen pilot", pilot_signals),
        ("tijdig gemeld overig", other_on_time), ("signalen overig", other_signals)))


def newsletters_per_year(conn: Connection, start: dt.date, end: dt.date) -> KpiValue:
    """Newsletters sent: distinct dates of contacts with channel 'newsletter' (a newsletter may be
    recorded once per receiving school, so rows are not counted)."""
    sent = conn.execute(text("""
        SELECT COUNT(DISTINCT c.date) FROM contact c
        WHERE c.channel = 'newsletter' AND c.date >= :start AND c.date <= :end"""),
        {"start": start, "end": end}).scalar_one()
    return KpiValue("newsletters_per_year", float(sent), (("nieuwsbrieven", int(sent)),))


KPIS: dict[str, KpiDefinition] = {d.key: d for d in (
    KpiDefinition("schools_visited_share", "Basisscholen bezocht dit schooljaar", "share", False,
                  "Aandeel basisscholen (BAO, SBAO, SO) met minstens één schoolbezoek van een "
                  "leerplichtambtenaar.", schools_visited_share),
    KpiDefinition("meldingen_per_1000", "Verzuimmeldingen per 1.000 leerlingen", "per_thousand", True,
                  "Verzuimmeldingen dit schooljaar gedeeld door het aantal ingeschreven leerlingen "
                  "(teldatum 1 oktober), maal 1.000.", meldingen_per_1000),
    KpiDefinition("reporting_compliance", "Meldcompliance 16-uursregel", "share", True,
                  "Aandeel 16-uurssignalen gevolgd door een 16-uursmelding binnen "
                  f"{COMPLIANCE_SCHOOL_DAYS} schooldagen.", reporting_compliance),
    KpiDefinition("pilot_compliance_gap", "Meldcompliance pilotscholen t.o.v. overige scholen",
                  "points", True,
                  "Meldcompliance van pilotscholen (signalen vanaf de start van hun pilot) min die van "
                  "de overige scholen, in procentpunten.", pilot_compliance_gap),
    KpiDefinition("newsletters_per_year", "Nieuwsbrieven dit schooljaar", "count", False,
                  "Aantal verstuurde nieuwsbrieven (verschillende verzenddata).", newsletters_per_year),
)}


# --- evidence for the actions of a period -----------------------------------------------------

EVIDENCE_COLUMNS = ["action_id", "kpi", "label", "unit", "explanation", "target", "higher_is_better",
                    "value", "counts", "suggested", "reason"]


def is_suppressed(definition: KpiDefinition, value: KpiValue,
                  threshold: int = SUPPRESSION_THRESHOLD) -> bool:
    return definition.counts_persons and any(is_small(count, threshold) for _, count in value.counts)


def evaluate(conn: Connection, links: pd.DataFrame, period_end: dt.date,
             suppress: bool = True) -> pd.DataFrame:
    """One row per linked KPI (``links``: action_id, kpi, target, higher_is_better) with the value
    over the school year up to ``period_end`` and the colour it suggests.

    Each KPI is computed once, however many actions link to it. Unknown KPI keys get a row with a
    reason instead of a value, so a typo in the configuration shows instead of breaking the page.
    """
    start, end = kpi_window(period_end)
    computed: dict[str, KpiValue] = {}
    rows = []
    for link in links.itertuples(index=False):
        definition = KPIS.get(link.kpi)
        if definition is None:
            rows.append({"action_id": link.action_id, "kpi": link.kpi, "label": link.kpi, "unit": "count",
                         "explanation": "", "target": link.target,
                         "higher_is_better": bool(link.higher_is_better), "value": None, "counts": (),
                         "suggested": None, "reason": "onbekende KPI"})
            continue
        if link.kpi not in computed:
            computed[link.kpi] = definition.compute(conn, start, end)
        value = computed[link.kpi]
        hidden = suppress and is_suppressed(definition, value)
        shown = None if hidden else value.value
        reason = (f"verborgen: minder dan {SUPPRESSION_THRESHOLD} leerlingen of meldingen" if hidden
                  else ("" if shown is not None else "geen gegevens in deze periode"))
        rows.append({
            "action_id": link.action_id, "kpi": link.kpi, "label": definition.label,
            "unit": definition.unit, "explanation": definition.explanation, "target": link.target,
            "higher_is_better": bool(link.higher_is_better), "value": shown,
            "counts": () if hidden else value.counts,
            "suggested": suggested_colour(shown, link.target, bool(link.higher_is_better)),
            "reason": reason,
        })
    return pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)


def _in_list(values: Iterable[str]) -> str:
    """A literal SQL IN list of fixed, code-defined strings (never user input)."""
    return ", ".join(f"'{v}'" for v in values)
