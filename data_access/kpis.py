"""Evidence for the status lights: KPIs computed from the database, and the colour they suggest.

A policy action can be linked to KPIs (table ``action_kpi``: key, target, higher_is_better).
For a reporting period every KPI is measured over the period's own school days (DESIGN,
Definitions: "Evidence for a status light"): from its first to its last day, with the pupils
enrolled in the school year of its last school day. A period without school days (a summer
holiday) has no evidence — "geen schooldagen" — rather than a red light from zero counts.

The KPIs are evidence for the **Kwaliteit** light (what the action achieves). The suggested
colour never replaces the reported one: the officer decides, the page only shows both and
flags a mismatch.

Suggested colour rule (:func:`suggested_colour`):

* ``groen``  — the target is met (value ≥ target, or ≤ target when lower is better);
* ``oranje`` — the target is missed by at most 10 % of the target (relative);
  with a target of 0 every miss is ``rood``;
* ``rood``   — the target is missed by more.

Small-cell suppression follows what each count counts (``suppression.COUNTS_PEOPLE``, the rule
of every page): a KPI built on a count of people — pupils, meldingen, 16-hour signals — is hidden
for every role but leerplicht when that count is 1 … threshold − 1 (then no colour is suggested
either, since the colour would give the value away). Counts of schools, school visits and
newsletters are the officers' own work and never hidden. The pilot's effect (LEA-02) is the
figure of the Registratiepilot tab on /scholen and is hidden exactly when that tab hides it
(``queries.pilot.suppressed_groups`` / ``metric_hidden``).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd
from sqlalchemy import Connection, TextClause, text

from data_access.definitions.settings import Settings, load_settings
from data_access.definitions.suppression import Suppressor, applies
from data_access.definitions.calendar import load_school_calendars, school_year_of
from data_access.definitions.sixteen_hours import on_time_sql
from data_access.metrics import per_thousand, share
from data_access.queries import chain as chain_queries
from data_access.queries import pilot as pilot_queries

TOLERANCE = 0.10
PRIMARY_SECTORS = ("BAO", "SBAO", "SO")
COLOUR_RANK = {"groen": 0, "oranje": 1, "rood": 2}


@dataclass(frozen=True)
class KpiValue:
    """A computed KPI: the value and the counts it is built from (Dutch label → count).

    ``counted``: what each count counts, a key of ``suppression.COUNTS_PEOPLE`` per count;
    ``missing``: why there is no value, when a reason better than "geen gegevens" is known;
    ``groups``: for the pilot's effect, the evaluation's group table (hidden as on the pilot tab).
    """

    key: str
    value: float | None
    counts: tuple[tuple[str, float], ...] = ()
    counted: tuple[str, ...] = ()
    missing: str = ""
    groups: pd.DataFrame | None = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        if len(self.counted) != len(self.counts):  # a count nobody classified could show a person
            raise ValueError(f"{self.key}: say what each count counts (suppression.COUNTS_PEOPLE)")


@dataclass(frozen=True)
class KpiDefinition:
    key: str
    label: str
    unit: str  # "share" (0–1), "per_thousand", "points" (difference of two shares), "count"
    explanation: str  # may name "{days}": the configured compliance school days
    counts_query: str | None  # the key in COUNT_QUERIES of the counts this KPI is built from
    value_of: Callable[[Mapping[str, int]], KpiValue] | None
    # a KPI that is not built from one-row counts (the pilot's effect) measures itself
    measure: Callable[[Connection, EvidenceWindow, int], KpiValue] | None = None

    def compute(self, conn: Connection, window: EvidenceWindow, compliance_days: int) -> KpiValue:
        """This KPI alone over the window (:func:`evaluate` computes all linked KPIs at once)."""
        if self.measure is not None:
            return self.measure(conn, window, compliance_days)
        return self.value_of(window_counts(conn, [self.counts_query], window, compliance_days))

    def explain(self, compliance_days: int) -> str:
        return self.explanation.format(days=compliance_days)


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


@dataclass(frozen=True)
class EvidenceWindow:
    """The dates a period's evidence is measured over, and its school days."""

    start: dt.date
    end: dt.date
    school_days: int
    school_year: int  # holding most of its school days (``start``'s without any): its pupils count

    NO_SCHOOL_DAYS = "geen schooldagen in deze periode"


def evidence_window(conn: Connection, start: dt.date, end: dt.date) -> EvidenceWindow:
    """The period ``start``–``end`` with its school days: a day is one when it is a school day for
    any sector of the municipality's schools. A period across the summer (May – August) takes the
    pupils of the school year that holds most of its school days, whose enrolment is known when
    the report is due."""
    sectors = conn.execute(text("SELECT DISTINCT sector FROM school WHERE in_scope = :yes"), {"yes": True}).scalars()
    calendars = load_school_calendars(conn, list(sectors))
    days = sorted({day for calendar in calendars.values() for day in calendar.school_days(start, end)})
    years = Counter(school_year_of(day) for day in days)
    year = max(years, key=lambda y: (years[y], -y)) if years else school_year_of(start)
    return EvidenceWindow(start, end, len(days), year)


def _in_list(values: Iterable[str]) -> str:
    """A literal SQL IN list of fixed, code-defined strings (never user input)."""
    return ", ".join(f"'{v}'" for v in values)


# --- the counts the KPIs are built from -------------------------------------------------------
#
# Each count query returns one row of named counts for the window :start – :end; several KPIs
# share one (the two contact KPIs, the two compliance KPIs). evaluate() runs the ones it needs
# side by side as one statement, so the evidence of a period costs one round trip whatever the
# number of KPIs. Plain SQL that reads the same on SQLite and PostgreSQL.

_PRIMARY_IN_SCOPE = f"s.in_scope = :yes AND s.sector IN ({_in_list(PRIMARY_SECTORS)})"

COUNT_QUERIES: dict[str, str] = {
    # One pass over the window's contacts (date index) for both contact KPIs: the in-scope primary
    # schools (BAO/SBAO/SO) with ≥ 1 school visit by an officer, and the newsletters sent
    # (distinct dates of contacts with channel 'newsletter': a newsletter may be recorded once
    # per receiving school, so rows are not counted); with the number of in-scope primary schools.
    "contacts": f"""
        SELECT (SELECT COUNT(*) FROM school s WHERE {_PRIMARY_IN_SCOPE}) AS schools,
               COUNT(DISTINCT CASE WHEN c.channel = 'school_visit' AND c.target = 'school'
                                        AND c.school_id IN (SELECT s.id FROM school s WHERE {_PRIMARY_IN_SCOPE})
                                   THEN c.school_id END) AS visited,
               COUNT(DISTINCT CASE WHEN c.channel = 'newsletter' THEN c.date END) AS newsletters
        FROM contact c
        WHERE c.date >= :start AND c.date <= :end AND c.channel IN ('school_visit', 'newsletter')""",
    # Verzuimmeldingen (all kinds) at in-scope schools in the window, and the pupils enrolled at
    # in-scope schools in the school year of the window.
    "meldingen": """
        SELECT (SELECT COUNT(*) FROM verzuimmelding m JOIN school s ON s.id = m.school_id
                WHERE s.in_scope = :yes AND m.reported_on >= :start AND m.reported_on <= :end) AS meldingen,
               (SELECT COALESCE(SUM(e.pupils), 0) FROM school_enrolment e JOIN school s ON s.id = e.school_id
                WHERE s.in_scope = :yes AND e.school_year = :year) AS pupils""",
    # 16-hour signals at in-scope schools and those reported within N school days, for the pilot
    # (the school's pilot had started on the signal's date) and the other signals.
    "compliance": f"""
        SELECT COUNT(CASE WHEN p.pilot = 1 THEN 1 END) AS pilot_signals,
               COUNT(CASE WHEN p.pilot = 1 AND p.on_time = 1 THEN 1 END) AS pilot_on_time,
               COUNT(CASE WHEN p.pilot = 0 THEN 1 END) AS other_signals,
               COUNT(CASE WHEN p.pilot = 0 AND p.on_time = 1 THEN 1 END) AS other_on_time
        FROM (SELECT CASE WHEN s.pilot_start IS NOT NULL AND s.pilot_start <= g.signal_on
                          THEN 1 ELSE 0 END AS pilot,
                     CASE WHEN {on_time_sql("g.school_days_to_melding")} THEN 1 ELSE 0 END AS on_time
              FROM signal16 g JOIN school s ON s.id = g.school_id
              WHERE s.in_scope = :yes AND g.signal_on >= :start AND g.signal_on <= :end) p""",
}


def window_parameters(start: dt.date, end: dt.date, compliance_days: int, school_year: int) -> dict:
    """The bind parameters of the count queries for a window; ``compliance_days``: a signal is
    reported on time when its melding came within this many school days (setting);
    ``school_year``: whose enrolment is the denominator of meldingen per 1,000."""
    return {"start": start, "end": end, "yes": True, "days": compliance_days, "year": school_year}


@lru_cache(maxsize=32)
def _counts_statement(names: tuple[str, ...]) -> TextClause:
    """One SELECT joining the one-row count queries ``names`` side by side."""
    parts = [f"({COUNT_QUERIES[name]}) AS {name}" for name in names]
    return text("SELECT * FROM " + " CROSS JOIN ".join(parts))


def window_counts(conn: Connection, names: Iterable[str], window: EvidenceWindow,
                  compliance_days: int) -> dict[str, int]:
    """The counts of the queries ``names`` over the window, in one round trip (0 for NULL)."""
    names = tuple(sorted(set(names)))
    if not names:
        return {}
    parameters = window_parameters(window.start, window.end, compliance_days, window.school_year)
    row = conn.execute(_counts_statement(names), parameters).mappings().one()
    return {key: int(value or 0) for key, value in row.items()}


# --- the KPIs -------------------------------------------------------------------------------


def schools_visited_share(counts: Mapping[str, int]) -> KpiValue:
    """In-scope primary schools (BAO/SBAO/SO) with ≥ 1 school visit by an officer / all of them."""
    schools, visited = counts["schools"], counts["visited"]
    return KpiValue("schools_visited_share", share(visited, schools),
                    (("scholen bezocht", visited), ("basisscholen", schools)), ("schools", "schools"))


def meldingen_per_1000(counts: Mapping[str, int]) -> KpiValue:
    """Verzuimmeldingen (all kinds) at in-scope schools / pupils enrolled that school year × 1,000."""
    meldingen, pupils = counts["meldingen"], counts["pupils"]
    return KpiValue("meldingen_per_1000", per_thousand(meldingen, pupils),
                    (("meldingen", meldingen), ("leerlingen", pupils)), ("meldingen", "pupils"))


def reporting_compliance(counts: Mapping[str, int]) -> KpiValue:
    """Meldtrouw: 16-hour signals followed by a 16_uur melding within N school days (setting) /
    all signals."""
    signals = counts["pilot_signals"] + counts["other_signals"]
    on_time = counts["pilot_on_time"] + counts["other_on_time"]
    return KpiValue("reporting_compliance", share(on_time, signals),
                    (("tijdig gemeld", on_time), ("16-uurssignalen", signals)), ("signals", "signals"))


NOT_YET_COMPARABLE = ("nog niet te vergelijken: daarvoor zijn schooljaren vóór en tijdens de pilot nodig, bij "
                      "pilotscholen en overige scholen")


def pilot_compliance_gap(conn: Connection, window: EvidenceWindow, compliance_days: int) -> KpiValue:
    """The pilot's effect on meldtrouw, as the Registratiepilot tab on /scholen computes it: the
    difference-in-differences (pilot schools' change in meldtrouw from before to during the pilot,
    minus the other schools' change), with what was known at the end of the window.

    A reporting period of four months holds a handful of signals per group, too few to compare
    and to show; the evaluation pools the school years of each phase (queries.pilot), so this
    figure, its decision to be shown or hidden and the tab's are one. No value before the pilot
    has a school year during it (``missing`` says so)."""
    panel = pilot_queries.pilot_panel(conn, compliance_days, until=window.end)
    if panel.empty:
        return KpiValue("pilot_compliance_gap", None, missing="geen pilotscholen vastgelegd")
    totals = pilot_queries.school_phase_totals(panel)
    groups = pilot_queries.group_table(totals)
    if pilot_queries.DURING not in pilot_queries.compared_phases(totals):
        return KpiValue("pilot_compliance_gap", None, missing=NOT_YET_COMPARABLE, groups=groups)
    effect = pilot_queries.did_estimate(totals, "compliance", pilot_queries.DURING, reps=0)
    cells = groups.set_index(["group", "phase"])
    counts = tuple((f"{label} {who} {when}", int(cells.loc[(group, phase), column]))
                   for group, who in ((pilot_queries.PILOT, "pilot"), (pilot_queries.OTHERS, "overig"))
                   for phase, when in ((pilot_queries.BEFORE, "vóór"), (pilot_queries.DURING, "tijdens"))
                   for column, label in (("on_time", "tijdig gemeld"), ("signals", "signalen")))
    return KpiValue("pilot_compliance_gap", effect.did, counts, ("signals",) * len(counts), groups=groups)


def newsletters_per_year(counts: Mapping[str, int]) -> KpiValue:
    """Newsletters sent: distinct dates of contacts with channel 'newsletter' (a newsletter may be
    recorded once per receiving school, so rows are not counted)."""
    sent = counts["newsletters"]
    return KpiValue("newsletters_per_year", float(sent), (("nieuwsbrieven", sent),), ("newsletters",))


def _chains_at(conn: Connection, window: EvidenceWindow, compliance_days: int) -> chain_queries.ChainData:
    """The chains as known at the window's end. The two chain KPIs depend on no threshold (the
    stored signals are the triggers); the others a chain needs are read as stored."""
    settings = dataclasses.replace(load_settings(conn), compliance_school_days=compliance_days)
    return chain_queries.load_chains(conn, window.end, settings)


def chain_signal_to_contact(conn: Connection, window: EvidenceWindow, compliance_days: int) -> KpiValue:
    """Median school days from the chain's signal to the first contact with the family or youth,
    over the chains whose signal fell in the window and that had contact by its end (the figure
    "signaal → eerste contact" of /keten)."""
    median, chains = chain_queries.median_signal_to_contact(_chains_at(conn, window, compliance_days),
                                                           window.start, window.end)
    return KpiValue("chain_signal_to_contact_days", median, (("ketens met contact", chains),), ("youths",))


def chain_help_first(conn: Connection, window: EvidenceWindow, compliance_days: int) -> KpiValue:
    """Hulp vóór straf (/keten): closed cases in the window with help before any HALT or
    proces-verbaal ÷ closed cases with help or punishment."""
    helped, counted, value = chain_queries.help_first_in(_chains_at(conn, window, compliance_days),
                                                         window.start, window.end)
    return KpiValue("chain_help_first_share", value,
                    (("hulp vóór straf", helped), ("afgesloten zaken met hulp of straf", counted)), ("youths", "youths"))


KPIS: dict[str, KpiDefinition] = {d.key: d for d in (
    KpiDefinition("schools_visited_share", "Basisscholen bezocht in de periode", "share",
                  "Aandeel basisscholen (BAO, SBAO, SO) met minstens één schoolbezoek van een "
                  "leerplichtambtenaar.", "contacts", schools_visited_share),
    KpiDefinition("meldingen_per_1000", "Verzuimmeldingen per 1.000 leerlingen", "per_thousand",
                  "Verzuimmeldingen in de periode gedeeld door het aantal ingeschreven leerlingen "
                  "(teldatum 1 oktober van dat schooljaar), maal 1.000.", "meldingen", meldingen_per_1000),
    KpiDefinition("reporting_compliance", "Meldtrouw 16-uursregel", "share",
                  "Aandeel 16-uurssignalen gevolgd door een 16-uursmelding binnen {days} schooldagen.",
                  "compliance", reporting_compliance),
    KpiDefinition("pilot_compliance_gap",
                  "Meldtrouw: effect van de registratiepilot (schooljaren vóór en tijdens de pilot)", "points",
                  "Verandering in meldtrouw bij de pilotscholen van vóór naar tijdens de pilot, min dezelfde "
                  "verandering bij de overige scholen (verschil-in-verschillen, in procentpunten), met de "
                  "gegevens tot het einde van de periode; hetzelfde cijfer als op het tabblad Registratiepilot "
                  "van Verzuim per school.", None, None, measure=pilot_compliance_gap),
    KpiDefinition("newsletters_per_year", "Nieuwsbrieven in de periode", "count",
                  "Aantal verstuurde nieuwsbrieven (verschillende verzenddata).", "contacts",
                  newsletters_per_year),
    # the chain (issue 18): evidence for an action on "recht op leren"
    KpiDefinition("chain_signal_to_contact_days", "Mediaan schooldagen signaal → eerste contact", "count",
                  "Mediaan van de schooldagen van een signaal (16-uurssignaal, melding of zaak) tot het eerste "
                  "bereikte contact met gezin of jongere, over de signalen in de periode met contact; dezelfde "
                  "keten als op de pagina Keten.", None, None, measure=chain_signal_to_contact),
    KpiDefinition("chain_help_first_share", "Aandeel hulp vóór straf", "share",
                  "Afgesloten zaken in de periode met hulp (verwijzing jeugdconsulent, GGD of wijkteam, of het "
                  "zorgadviesteam) vóór een eventuele HALT of proces-verbaal, gedeeld door de afgesloten zaken met "
                  "hulp of straf; zaken met geen van beide tellen niet mee.", None, None, measure=chain_help_first),
)}


# --- evidence for the actions of a period -----------------------------------------------------

EVIDENCE_COLUMNS = ["action_id", "kpi", "label", "unit", "explanation", "target", "higher_is_better",
                    "value", "counts", "suggested", "reason"]


# A hidden KPI's reason names what was too few (suppression.COUNTS_PEOPLE keys → Dutch).
FEWER_THAN = {"pupils": "leerlingen", "meldingen": "meldingen", "signals": "16-uurssignalen", "youths": "jongeren"}


def hidden_reason(suppressor: Suppressor, value: KpiValue) -> str:
    """Why the KPI is hidden for a role with ``suppressor`` ("" when it is shown).

    The pilot's effect is hidden exactly when the Registratiepilot tab hides it; any other KPI
    when one of its counts of people is small. Counts of schools, visits and newsletters are no
    people (suppression.COUNTS_PEOPLE) and never hide a KPI."""
    if value.groups is not None and value.value is not None:
        return pilot_queries.metric_hidden(pilot_queries.suppressed_groups(value.groups, suppressor), "compliance")
    for (_, count), counted in zip(value.counts, value.counted):
        rule = applies(suppressor, counted)
        if rule is not None and rule.hides(count):
            return suppressor.fewer_than(FEWER_THAN.get(counted, "personen"))
    return ""


def hides(suppressor: Suppressor, value: KpiValue) -> bool:
    return bool(hidden_reason(suppressor, value))


def evaluate(conn: Connection, links: pd.DataFrame, window: EvidenceWindow, settings: Settings,
             suppressor: Suppressor | None) -> pd.DataFrame:
    """One row per linked KPI (``links``: action_id, kpi, target, higher_is_better) with the value
    over the window and the colour it suggests (see :func:`evaluate_links`)."""
    columns = ["action_id", "kpi", "target", "higher_is_better"]
    return evaluate_links(conn, links[columns].itertuples(index=False, name=None), window, settings, suppressor)


def evaluate_links(conn: Connection, links: Iterable[tuple], window: EvidenceWindow, settings: Settings,
                   suppressor: Suppressor | None) -> pd.DataFrame:
    """:func:`evaluate` for links as (action_id, kpi, target, higher_is_better) tuples.

    Each KPI is computed once, however many actions link to it, and the counts of all linked KPIs
    built on counts come from one statement. Unknown KPI keys get a row with a reason instead of a
    value, so a typo in the configuration shows instead of breaking the page. ``settings``: the
    compliance school days; ``suppressor``: small-cell suppression, None for roles that see every
    count. A window without school days gives every KPI the reason "geen schooldagen" and no colour.
    """
    links = list(links)
    known = {kpi: KPIS[kpi] for _, kpi, _, _ in links if kpi in KPIS}
    days = settings.compliance_school_days
    if not window.school_days:
        return pd.DataFrame([(action_id, kpi, known[kpi].label if kpi in known else kpi,
                              known[kpi].unit if kpi in known else "count",
                              known[kpi].explain(days) if kpi in known else "", target, bool(higher), None, (), None,
                              window.NO_SCHOOL_DAYS if kpi in known else "onbekende KPI")
                             for action_id, kpi, target, higher in links], columns=EVIDENCE_COLUMNS)
    counts = window_counts(conn, (d.counts_query for d in known.values() if d.measure is None), window, days)
    computed = {kpi: definition.measure(conn, window, days) if definition.measure is not None
                else definition.value_of(counts) for kpi, definition in known.items()}
    rows = []
    for action_id, kpi, target, higher_is_better in links:
        higher_is_better = bool(higher_is_better)
        definition = known.get(kpi)
        if definition is None:
            rows.append((action_id, kpi, kpi, "count", "", target, higher_is_better, None, (), None,
                         "onbekende KPI"))
            continue
        value = computed[kpi]
        hidden = hidden_reason(suppressor, value) if suppressor is not None else ""
        shown = None if hidden else value.value
        reason = hidden or ("" if shown is not None else value.missing or "geen gegevens in deze periode")
        rows.append((action_id, kpi, definition.label, definition.unit, definition.explain(days), target,
                     higher_is_better, shown, () if hidden else value.counts,
                     suggested_colour(shown, target, higher_is_better), reason))
    return pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)
