"""Evaluation of the registration pilot: difference-in-differences with a bootstrap over schools.

Pilot schools are schools with ``school.pilot_start``; the comparison group is every other
school in the sectors that have pilot schools. The phases of a school year, from the pilot's
own ``period`` row (kind ``pilot``) and the school's start (for the comparison group the
earliest pilot start):
- *voor* (before): school years that ended before the start;
- *tijdens* (during): school years whose 1 October count date lies inside the pilot's period;
- *na* (after): school years whose 1 October lies after the pilot's end.
A year in which the pilot started after 1 October belongs to none. Only schools with pupils
before and in the compared phase count (a balanced panel), so the same schools are compared.

Per group and phase the figures are pooled (Σ numerators / Σ denominators):
- reporting compliance = signals with a melding within N school days / signals;
- meldingen per 1,000 = meldingen / pupils (summed over the years in the phase) × 1,000,
  i.e. per 1,000 pupils per school year.

DiD for a phase = (pilot in phase − pilot before) − (others in phase − others before), for
*tijdens* and, once the pilot has ended, for *na*. The 95 % interval comes from resampling
schools with replacement within each group (a seeded, deterministic bootstrap).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Connection, case, func, literal_column, select

from data_access import metrics
from data_access.definitions.calendar import as_date, day_in_school_year, school_year_of, school_year_sql
from data_access.definitions.suppression import COMPLEMENTARY_REASON, Suppressor
from data_access.models import Period, School, SchoolEnrolment, Signal16, Verzuimmelding
from data_access.queries.schools import query_frame, school_register

BEFORE, DURING, AFTER = "voor", "tijdens", "na"
PHASES = (BEFORE, DURING, AFTER)
PILOT, OTHERS = "pilotscholen", "overige scholen"
BOOTSTRAP_REPS = 2000
BOOTSTRAP_SEED = 20240501

# metric → (numerator, denominator, scale)
METRICS: dict[str, tuple[str, str, float]] = {
    "compliance": ("on_time", "signals", 1.0),
    "per_1000": ("meldingen", "pupils", 1000.0),
}


def phase_of(school_year: int, pilot_start: dt.date, pilot_end: dt.date | None) -> str | None:
    """'voor', 'tijdens', 'na' or None (the year the pilot started after the 1 October count date)."""
    count_date = day_in_school_year(school_year, 10, 1)  # 1 October: the enrolment count date
    if school_year < school_year_of(pilot_start):
        return BEFORE
    if pilot_end is not None and count_date > pilot_end:
        return AFTER
    if pilot_start <= count_date:
        return DURING
    return None


def pilot_end(conn: Connection) -> dt.date | None:
    """The last day of the pilot's period (kind ``pilot``); None while no end is recorded."""
    # MAX() loses the column's Date type: SQLite hands back text
    return as_date(conn.execute(select(func.max(Period.end)).where(Period.kind == "pilot")).scalar())


def pilot_panel(conn: Connection, compliance_days: int, until: dt.date | None = None) -> pd.DataFrame:
    """Per school × school year: pupils, meldingen, 16-hour signals, signals reported in time.

    Columns also say whether the school is a pilot school, the reference start used for it and
    the phase of the year. Empty when there are no pilot schools. ``until``: only what was known
    on that day — school years up to its own, meldingen and signals up to it (the evaluation as
    it stood at the end of a reporting period, for the status evidence).
    """
    register = school_register(conn)
    pilots = register[register["pilot_start"].notna()]
    if pilots.empty:
        return pd.DataFrame(columns=["school_id", "name", "sector", "group", "reference_start", "school_year",
                                     "pupils", "meldingen", "signals", "on_time", "pilot_end", "phase"])
    register = register[register["sector"].isin(set(pilots["sector"]))].copy()
    first_start = min(pilots["pilot_start"])
    register["group"] = np.where(register["pilot_start"].notna(), PILOT, OTHERS)
    register["reference_start"] = register["pilot_start"].where(register["pilot_start"].notna(), first_start)

    in_scope = select(School.id).where(School.in_scope.is_(True))
    enrolled = [SchoolEnrolment.school_id.in_(in_scope)]
    reported = [Verzuimmelding.school_id.in_(in_scope)]
    signalled = [Signal16.school_id.in_(in_scope)]
    if until is not None:
        enrolled.append(SchoolEnrolment.school_year <= school_year_of(until))
        reported.append(Verzuimmelding.reported_on <= until)
        signalled.append(Signal16.signal_on <= until)
    enrolment = query_frame(conn, (
        select(SchoolEnrolment.school_id, SchoolEnrolment.school_year, SchoolEnrolment.pupils)
        .where(*enrolled)), ["school_id", "school_year", "pupils"])
    melding_year = literal_column(school_year_sql(conn, "verzuimmelding.reported_on"))
    meldingen = query_frame(conn, (
        select(Verzuimmelding.school_id, melding_year, func.count())
        .where(*reported)
        .group_by(Verzuimmelding.school_id, melding_year)), ["school_id", "school_year", "meldingen"])
    signal_year = literal_column(school_year_sql(conn, "signal16.signal_on"))
    on_time = case((Signal16.school_days_to_melding <= compliance_days, 1), else_=0)
    signals = query_frame(conn, (
        select(Signal16.school_id, signal_year, func.count(), func.sum(on_time))
        .where(*signalled)
        .group_by(Signal16.school_id, signal_year)), ["school_id", "school_year", "signals", "on_time"])

    panel = (enrolment.merge(meldingen, on=["school_id", "school_year"], how="left")
             .merge(signals, on=["school_id", "school_year"], how="left"))
    panel[["meldingen", "signals", "on_time"]] = panel[["meldingen", "signals", "on_time"]].fillna(0)
    # inner join: only schools of the sectors with pilot schools
    panel = register[["school_id", "name", "sector", "group", "reference_start"]].merge(panel, on="school_id")
    end = pilot_end(conn)
    panel["pilot_end"] = end
    panel["phase"] = [phase_of(int(y), s, end) for y, s in zip(panel["school_year"], panel["reference_start"])]
    return panel.sort_values(["group", "school_id", "school_year"], ignore_index=True)


def school_phase_totals(panel: pd.DataFrame) -> pd.DataFrame:
    """Per school × phase sums, for the schools that have pupils before and in a later phase."""
    counted = panel[panel["phase"].notna() & (panel["pupils"] > 0)]
    totals = counted.groupby(["school_id", "group", "phase"], as_index=False)[
        ["pupils", "meldingen", "signals", "on_time"]].sum()
    has_before = set(totals.loc[totals["phase"] == BEFORE, "school_id"])
    later = set(totals.loc[totals["phase"] != BEFORE, "school_id"])
    return totals[totals["school_id"].isin(has_before & later)].reset_index(drop=True)


def group_table(totals: pd.DataFrame) -> pd.DataFrame:
    """Group × phase: schools, the pooled sums and both metrics."""
    table = totals.groupby(["group", "phase"], as_index=False).agg(
        schools=("school_id", "nunique"), pupils=("pupils", "sum"), meldingen=("meldingen", "sum"),
        signals=("signals", "sum"), on_time=("on_time", "sum"))
    table["compliance"] = [metrics.share(n, d) for n, d in zip(table["on_time"], table["signals"])]
    table["per_1000"] = [metrics.per_thousand(n, d) for n, d in zip(table["meldingen"], table["pupils"])]
    table["order"] = [(group != PILOT) * 10 + PHASES.index(phase) for group, phase in zip(table["group"], table["phase"])]
    return table.sort_values("order").drop(columns="order").reset_index(drop=True)


GROUP_COUNTS = ["pupils", "meldingen", "signals", "on_time"]
GROUP_RATES = {"compliance": ("on_time", "signals"), "per_1000": ("meldingen", "pupils")}


def suppressed_groups(groups: pd.DataFrame, suppressor: Suppressor | None) -> pd.DataFrame:
    """The group table as shown: with a ``suppressor`` small counts of pupils, meldingen and signals
    become its marker and a rate built on them is hidden, its reason in ``<rate>_reden`` (the
    pilot tab on /scholen and the status evidence of the pilot decide with this one table)."""
    if suppressor is None:
        return groups.assign(compliance_reden="", per_1000_reden="")
    return suppressor.frame(groups, counts=GROUP_COUNTS, rates=GROUP_RATES)


def metric_hidden(shown: pd.DataFrame, metric: str) -> str:
    """Why the pilot's effect on ``metric`` cannot be shown ("" when it can): some group × phase of
    :func:`suppressed_groups` has its rate hidden — the effect would give that cell away."""
    reasons = [r for r in shown[f"{metric}_reden"] if r]
    direct = [r for r in reasons if r != COMPLEMENTARY_REASON]
    return (direct or reasons or [""])[0]


def compared_phases(totals: pd.DataFrame) -> list[str]:
    """The phases after 'voor' that both groups have: 'tijdens' and, once the pilot ended, 'na'."""
    present = {(g, p) for g, p in zip(totals["group"], totals["phase"])}
    if not {(PILOT, BEFORE), (OTHERS, BEFORE)} <= present:
        return []
    return [phase for phase in (DURING, AFTER) if {(PILOT, phase), (OTHERS, phase)} <= present]


@dataclass(frozen=True)
class PilotEffect:
    """The difference-in-differences of one metric between 'voor' and ``phase``."""

    metric: str
    phase: str
    pilot_before: float | None
    pilot_then: float | None
    others_before: float | None
    others_then: float | None
    did: float | None
    low: float | None
    high: float | None
    pilot_schools: int
    other_schools: int
    reps: int
    seed: int

    @property
    def expected_without_pilot(self) -> float | None:
        """Pilot schools' level in ``phase`` had they followed the trend of the other schools."""
        if None in (self.pilot_before, self.others_then, self.others_before):
            return None
        return self.pilot_before + (self.others_then - self.others_before)

    @property
    def interval_excludes_zero(self) -> bool:
        return self.low is not None and self.high is not None and (self.low > 0 or self.high < 0)


def _pooled(num: np.ndarray, den: np.ndarray, scale: float) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1) * scale, np.nan)


def _arrays(totals: pd.DataFrame, group: str, metric: str, phase: str) -> np.ndarray:
    """Per school of ``group`` with pupils in both phases: numerator and denominator before and
    in ``phase`` (n × 4)."""
    num, den, _ = METRICS[metric]
    part = totals[(totals["group"] == group) & totals["phase"].isin([BEFORE, phase])]
    wide = part.pivot_table(index="school_id", columns="phase", values=[num, den], aggfunc="sum")
    if part.empty or (num, phase) not in wide or (num, BEFORE) not in wide:
        return np.zeros((0, 4))
    wide = wide.dropna()  # the balanced panel of this comparison
    return np.column_stack([wide[(num, BEFORE)], wide[(den, BEFORE)], wide[(num, phase)], wide[(den, phase)]]
                           ).astype(float)


def did_estimate(totals: pd.DataFrame, metric: str, phase: str = DURING, reps: int = BOOTSTRAP_REPS,
                 seed: int = BOOTSTRAP_SEED) -> PilotEffect:
    """Difference-in-differences of a pooled metric between 'voor' and ``phase``, with a
    school-level bootstrap 95 % interval."""
    _, _, scale = METRICS[metric]
    pilot, others = _arrays(totals, PILOT, metric, phase), _arrays(totals, OTHERS, metric, phase)

    def levels(a: np.ndarray) -> tuple[float | None, float | None]:
        sums = a.sum(axis=0)
        before, after = _pooled(sums[0:1], sums[1:2], scale)[0], _pooled(sums[2:3], sums[3:4], scale)[0]
        return (None if np.isnan(before) else float(before)), (None if np.isnan(after) else float(after))

    pb, pa = levels(pilot) if len(pilot) else (None, None)
    ob, oa = levels(others) if len(others) else (None, None)
    did = low = high = None
    if None not in (pb, pa, ob, oa):
        did = (pa - pb) - (oa - ob)
        rng = np.random.default_rng(seed)
        draws = _bootstrap_change(pilot, reps, rng, scale) - _bootstrap_change(others, reps, rng, scale)
        draws = draws[~np.isnan(draws)]
        if len(draws):
            low, high = (float(v) for v in np.percentile(draws, [2.5, 97.5]))
    return PilotEffect(metric, phase, pb, pa, ob, oa, did, low, high, len(pilot), len(others), reps, seed)


def _bootstrap_change(arrays: np.ndarray, reps: int, rng: np.random.Generator, scale: float) -> np.ndarray:
    """Phase − before of the pooled metric, for ``reps`` resamples of the schools."""
    n = len(arrays)
    picks = rng.integers(0, n, size=(reps, n))
    sums = arrays[picks].sum(axis=1)  # reps × 4
    return _pooled(sums[:, 2], sums[:, 3], scale) - _pooled(sums[:, 0], sums[:, 1], scale)


def reference_start(panel: pd.DataFrame) -> dt.date | None:
    """The earliest pilot start (the reference for the other schools)."""
    starts = panel.loc[panel["group"] == PILOT, "reference_start"]
    return min(starts) if len(starts) else None

