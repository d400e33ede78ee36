"""The chain monitor (/keten) and one youth's chain (the timeline on /jongeren): loaders.

:func:`load_chains` reads every event once (signals, meldingen, cases, interventions, contacts with
families and youths, and the unauthorised absence after an outcome "terug naar school"), builds
each youth's chains with ``definitions.chain`` and returns them as one frame per chain and one
per closed case. The page caches that (it holds pupil ids, never names) and derives each view
from it with the functions below, which apply small-cell suppression for every role but
leerplicht: the counts are counts of youths (people), ``suppression.COUNTS_PEOPLE["youths"]``.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, func, literal, or_, select

from data_access.definitions import chain as definition
from data_access.definitions.calendar import (
    as_date,
    load_school_calendar,
    school_year_end,
    school_year_of,
    school_year_start,
)
from data_access.definitions.settings import Settings
from data_access.definitions.sixteen_hours import UNAUTHORISED
from data_access.definitions.suppression import Suppressor, applies
from data_access.metrics import median_or_none
from data_access.models import (
    Absence,
    AppUser,
    Concern,
    Contact,
    Intervention,
    Pupil,
    PupilEnrolment,
    School,
    Signal16,
    Verzuimmelding,
)

WITHDRAWN = "ingetrokken"  # a withdrawn melding starts no chain
LEVELS = ("school", "board", "officer")  # drop-out per …; "officer" only for leerplicht
NO_GROUP = {"school": "school onbekend", "board": "bestuur onbekend", "officer": "geen behandelaar"}


@dataclass(frozen=True)
class ChainData:
    """Every chain (one row each, ``definition.CHAIN_COLUMNS``) and every closed case (its
    hulp-vóór-straf category), as of ``today``."""

    chains: pd.DataFrame
    cases: pd.DataFrame
    today: dt.date


@dataclass(frozen=True)
class YouthChain:
    chains: tuple[definition.Chain, ...]
    flags: tuple[tuple[definition.Flag, ...], ...]  # per chain
    today: dt.date


# --- reading ---------------------------------------------------------------------------------


def _events(conn: Connection, today: dt.date, pupil_id: int | None):
    """Every event up to ``today`` per pupil (all pupils, or one)."""
    def only(column):
        return column == pupil_id if pupil_id is not None else literal(True)

    signals: dict[int, list] = defaultdict(list)
    for pid, school, on, melding, reported, delay in conn.execute(
            select(Signal16.pupil_id, Signal16.school_id, Signal16.signal_on, Signal16.melding_id,
                   Verzuimmelding.reported_on, Signal16.school_days_to_melding)
            .outerjoin(Verzuimmelding, Verzuimmelding.id == Signal16.melding_id)
            .where(only(Signal16.pupil_id), Signal16.signal_on <= today)):
        signals[pid].append(definition.SignalEvent(as_date(on), school, melding, as_date(reported), delay))
    meldingen: dict[int, list] = defaultdict(list)
    for mid, pid, on, kind, school, officer in conn.execute(
            select(Verzuimmelding.id, Verzuimmelding.pupil_id, Verzuimmelding.reported_on, Verzuimmelding.kind,
                   Verzuimmelding.school_id, Verzuimmelding.officer)
            .where(only(Verzuimmelding.pupil_id), Verzuimmelding.reported_on <= today,
                   or_(Verzuimmelding.status.is_(None), Verzuimmelding.status != WITHDRAWN))):
        meldingen[pid].append(definition.MeldingEvent(mid, as_date(on), kind, school, officer))
    # the youth's school when the case was opened: its enrolment that school year, else its school now
    cases: dict[int, list] = defaultdict(list)
    rows = conn.execute(
        select(Concern.id, Concern.pupil_id, Concern.opened_on, Concern.closed_on, Concern.outcome, Concern.source,
               Concern.officer, Pupil.school_id)
        .join(Pupil, Pupil.id == Concern.pupil_id)
        .where(only(Concern.pupil_id), Concern.opened_on <= today)).all()
    enrolled = _enrolments(conn, {r[1] for r in rows}, pupil_id)
    for cid, pid, opened, closed, outcome, source, officer, school_now in rows:
        opened = as_date(opened)
        closed = as_date(closed)
        school = enrolled.get((pid, school_year_of(opened)), school_now)
        cases[pid].append(definition.CaseEvent(cid, opened, closed if closed and closed <= today else None,
                                               outcome if closed and closed <= today else None,
                                               source, officer, school))
    interventions: dict[int, list] = defaultdict(list)
    for cid, pid, on, kind, officer in conn.execute(
            select(Intervention.concern_id, Concern.pupil_id, Intervention.date, Intervention.kind,
                   Intervention.officer)
            .join(Concern, Concern.id == Intervention.concern_id)
            .where(only(Concern.pupil_id), Intervention.date <= today)):
        interventions[pid].append(definition.InterventionEvent(cid, as_date(on), kind, officer))
    contacts: dict[int, list] = defaultdict(list)
    about = func.coalesce(Contact.pupil_id, Concern.pupil_id)
    for pid, on, target, reached, officer in conn.execute(
            select(about, Contact.date, Contact.target, Contact.reached, Contact.officer)
            .outerjoin(Concern, Concern.id == Contact.concern_id)
            .where(Contact.target.in_(definition.CONTACT_TARGETS), Contact.reached.is_(True),
                   Contact.date <= today, about.is_not(None),
                   about == pupil_id if pupil_id is not None else literal(True))):
        contacts[pid].append(definition.ContactEvent(as_date(on), target, bool(reached), officer))
    return signals, meldingen, cases, interventions, contacts


def _enrolments(conn: Connection, pupils: set[int], pupil_id: int | None) -> dict[tuple[int, int], int]:
    if not pupils:
        return {}
    query = select(PupilEnrolment.pupil_id, PupilEnrolment.school_year, PupilEnrolment.school_id)
    if pupil_id is not None:
        query = query.where(PupilEnrolment.pupil_id == pupil_id)
    return {(p, y): s for p, y, s in conn.execute(query) if p in pupils}


def _absences_after(conn: Connection, first: dt.date | None, today: dt.date,
                    pupil_id: int | None) -> dict[int, list[tuple[dt.date, float]]]:
    """Unauthorised absence after ``first`` (the earliest outcome "terug naar school") per pupil."""
    found: dict[int, list] = defaultdict(list)
    if first is None:
        return found
    query = (select(Absence.pupil_id, Absence.date, Absence.hours)
             .where(Absence.category == UNAUTHORISED, Absence.date > first, Absence.date <= today))
    if pupil_id is not None:
        query = query.where(Absence.pupil_id == pupil_id)
    for pid, day, hours in conn.execute(query):
        found[pid].append((as_date(day), float(hours)))
    return found


def _calendar(conn: Connection, today: dt.date, first: dt.date | None) -> definition.ChainCalendar:
    """The municipality's school days (every sector's holidays, as the 16-hour signals are built)
    from the first event's school year to the end of the school year after ``today``."""
    start = school_year_start(school_year_of(first or today))
    return definition.ChainCalendar.build(load_school_calendar(conn), start, school_year_end(school_year_of(today) + 1))


def _build(conn: Connection, today: dt.date, settings: Settings, pupil_id: int | None):
    signals, meldingen, cases, interventions, contacts = _events(conn, today, pupil_id)
    dates = ([s.signal_on for v in signals.values() for s in v] + [m.reported_on for v in meldingen.values() for m in v]
             + [c.opened_on for v in cases.values() for c in v])
    calendar = _calendar(conn, today, min(dates, default=None))
    back_closings = [c.closed_on for v in cases.values() for c in v
                     if c.closed_on is not None and c.outcome in definition.BACK_IN_CLASS_OUTCOMES]
    absences = _absences_after(conn, min(back_closings, default=None), today, pupil_id)
    rule = definition.ChainRule(settings.signal_hours, settings.signal_weeks, settings.back_in_class_weeks, today)
    chains = []
    for pid in sorted(set(signals) | set(meldingen) | set(cases)):
        chains += definition.build_chains(pid, signals.get(pid, ()), meldingen.get(pid, ()), cases.get(pid, ()),
                                          interventions.get(pid, ()), contacts.get(pid, ()),
                                          sorted(absences.get(pid, ())), calendar, rule)
    return chains, calendar, cases, interventions


def load_chains(conn: Connection, today: dt.date, settings: Settings) -> ChainData:
    """Every youth's chains and every closed case as of ``today`` (the reference date).

    ``settings``: the 16-hour rule (back in class), ``back_in_class_weeks``,
    ``compliance_school_days`` and ``contact_within_days`` (flags), ``recidive_months``."""
    chains, calendar, cases, interventions = _build(conn, today, settings, None)
    frame = definition.chains_frame(chains, calendar, today, compliance_days=settings.compliance_school_days,
                                    contact_within_days=settings.contact_within_days,
                                    recidive_months=settings.recidive_months)
    by_case: dict[int, list] = defaultdict(list)
    for of_pupil in interventions.values():
        for x in of_pupil:
            by_case[x.case_id].append((x.on, x.kind))
    closed = [(c.case_id, pid, c.closed_on, school_year_of(c.closed_on), c.school_id, c.officer,
               definition.help_before_punishment(by_case.get(c.case_id, ())))
              for pid, of_pupil in cases.items() for c in of_pupil if c.closed_on is not None]
    case_frame = pd.DataFrame(closed, columns=["case_id", "pupil_id", "closed_on", "school_year", "school_id",
                                               "officer", "help"])
    return ChainData(frame, case_frame, today)


def youth_chain(conn: Connection, pupil_id: int, today: dt.date, settings: Settings) -> YouthChain:
    """One youth's chains with their missing and late steps (the timeline; personal data)."""
    chains, calendar, _, _ = _build(conn, today, settings, pupil_id)
    flags = tuple(definition.chain_flags(c, calendar, today, compliance_days=settings.compliance_school_days,
                                         contact_within_days=settings.contact_within_days) for c in chains)
    return YouthChain(tuple(chains), flags, today)


def group_names(conn: Connection) -> dict[str, dict]:
    """Names for the drop-out table: school id → name, school id → board, officer → display name."""
    schools = conn.execute(select(School.id, School.name, School.board)).all()
    officers = dict(conn.execute(select(AppUser.username, AppUser.name)).all())
    return {"school": {s: n for s, n, _ in schools}, "board": {s: b for s, _, b in schools}, "officer": officers}


# --- the views (suppressed for every role but leerplicht) -------------------------------------


def funnel_by_year(data: ChainData, suppressor: Suppressor | None) -> pd.DataFrame:
    """The funnel per school year: youths per step and the share of those with a trigger."""
    return _per_cell(definition.funnel(data.chains), suppressor, list(definition.STEPS),
                     {f"{s}_share": (s, "signaal") for s in definition.STEPS[1:]})


def _per_cell(out: pd.DataFrame, suppressor: Suppressor | None, counts: list[str],
              rates: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """Suppress each cell of a table per school year on its own: the school years are not added up
    anywhere, so no total could give a hidden cell away (the drop-out table, whose rows add up to
    a year's funnel, gets complementary cells: :func:`dropout`)."""
    rule = applies(suppressor, "youths")
    if rule is None or out.empty:
        return out
    shown = out.copy()
    for rate, (num, den) in rates.items():
        hidden = [rule.hides_rate(n, d) for n, d in zip(out[num], out[den])]
        shown[rate] = pd.Series([None if h else v for h, v in zip(hidden, out[rate])], index=out.index, dtype=object)
        shown[f"{rate}_reden"] = [rule.reason if h else "" for h in hidden]
    for column in counts:
        shown[column] = out[column].map(rule.count).astype(object)
    return shown


def _suppressed_funnel(out: pd.DataFrame, suppressor: Suppressor | None) -> pd.DataFrame:
    rule = applies(suppressor, "youths")
    if rule is None or out.empty:
        return out
    return rule.frame(out, counts=list(definition.STEPS),
                      rates={f"{s}_share": (s, "signaal") for s in definition.STEPS[1:]})


def step_days_by_year(data: ChainData, suppressor: Suppressor | None) -> pd.DataFrame:
    """School days per step (n, quartiles, min, max) per school year; for a role with suppression
    the distribution is hidden when fewer than the threshold chains are behind it."""
    out = definition.step_days(data.chains)
    rule = applies(suppressor, "youths")
    if rule is None or out.empty:
        return out.assign(hidden="")
    hidden = out["n"].map(rule.hides).astype(bool)
    for column in ("min", "q1", "median", "q3", "max"):
        out[column] = out[column].astype(object).where(~hidden, None)
    out["n"] = out["n"].astype(object).where(~hidden, rule.marker)
    return out.assign(hidden=[rule.fewer_than("jongeren") if h else "" for h in hidden])


def dropout(data: ChainData, level: str, year: int, names: dict[str, dict],
            suppressor: Suppressor | None) -> pd.DataFrame:
    """The funnel of one school year per school, board or (leerplicht only) officer: where youths
    drop out. An officer split for a role with suppression is refused (it would name officers
    beside small groups of youths)."""
    if level not in LEVELS:
        raise ValueError(f"onbekend niveau: {level}")
    if level == "officer" and suppressor is not None:
        raise PermissionError("de uitsplitsing per behandelaar is alleen voor leerplicht")
    chains = data.chains[data.chains["school_year"] == year].copy()
    if level == "officer":
        chains["group"] = chains["officer"].map(lambda o: names["officer"].get(o, o) if isinstance(o, str) else None)
    else:
        chains["group"] = chains["school_id"].map(names[level])
    chains["group"] = chains["group"].where(chains["group"].notna(), NO_GROUP[level])
    out = definition.funnel(chains, by=["group"]).drop(columns="school_year")
    out = out.sort_values(["signaal", "group"], ascending=[False, True]).reset_index(drop=True)
    return _suppressed_funnel(out, suppressor)


def help_first_by_year(data: ChainData, suppressor: Suppressor | None) -> pd.DataFrame:
    """Hulp vóór straf per school year of closing: closed cases per category and the share."""
    columns = ["school_year", *definition.HELP_COUNTED, definition.NEITHER, "helped", "counted", "share"]
    if data.cases.empty:
        return pd.DataFrame(columns=columns)
    counts = (data.cases.groupby(["school_year", "help"]).size().unstack(fill_value=0)
              .reindex(columns=[*definition.HELP_COUNTED, definition.NEITHER], fill_value=0).reset_index())
    counts["helped"] = counts[list(definition.HELP_COUNTS_FOR)].sum(axis=1)
    counts["counted"] = counts[list(definition.HELP_COUNTED)].sum(axis=1)
    counts["share"] = counts["helped"] / counts["counted"].where(counts["counted"] > 0)
    counts = counts[columns]
    counts.columns.name = None
    return _per_cell(counts, suppressor, [*definition.HELP_COUNTED, definition.NEITHER, "helped", "counted"],
                     {"share": ("helped", "counted")})


def recidive_by_year(data: ChainData, suppressor: Suppressor | None) -> pd.DataFrame:
    return _per_cell(definition.recidive_by_year(data.chains), suppressor, ["closed", "followed", "recidive", "pending"],
                     {"share": ("recidive", "followed")})


def flag_counts(data: ChainData, year: int, suppressor: Suppressor | None) -> dict[str, int | str]:
    """Chains of a school year with each missing or late step (youths, each counted once)."""
    chains = data.chains[data.chains["school_year"] == year]
    rule = applies(suppressor, "youths")
    counts = {}
    for kind in (definition.NOT_REPORTED, definition.REPORTED_LATE, definition.NO_CONTACT, definition.CONTACT_LATE):
        count = int(chains.loc[chains["flags"].map(lambda f, k=kind: k in f), "pupil_id"].nunique())
        counts[kind] = rule.count(count) if rule is not None else count
    return counts


def outcomes(data: ChainData, year: int, suppressor: Suppressor | None) -> pd.DataFrame:
    """Chains of a school year by outcome (youths, each counted once per outcome)."""
    chains = data.chains[(data.chains["school_year"] == year) & data.chains["uitkomst_on"].notna()]
    out = (chains.assign(outcome=chains["outcome"].fillna("niet_vastgelegd"))
           .groupby("outcome")["pupil_id"].nunique().rename("youths").reset_index())
    rule = applies(suppressor, "youths")
    return rule.frame(out, counts=["youths"]) if rule is not None and not out.empty else out


def school_years(data: ChainData) -> list[int]:
    return sorted(int(y) for y in data.chains["school_year"].unique()) if not data.chains.empty else []


# --- the chain figures as evidence for a status light (data_access.kpis) ---------------------


def window_chains(conn: Connection, start: dt.date, end: dt.date, settings: Settings) -> ChainData:
    """The chains as known at ``end`` (for a reporting period's evidence)."""
    return load_chains(conn, end, settings)


def median_signal_to_contact(data: ChainData, start: dt.date, end: dt.date) -> tuple[float | None, int]:
    """Median school days from trigger to first contact over the chains triggered in
    [start, end] that had contact by ``end``; and how many chains that is."""
    chains = data.chains
    on = chains["signaal_on"].map(as_date)
    inside = chains[(on >= start) & (on <= end) & chains["signaal_contact"].notna()]
    values = inside["signaal_contact"].astype(float).tolist()
    return median_or_none(values), len(values)


def help_first_in(data: ChainData, start: dt.date, end: dt.date) -> tuple[int, int, float | None]:
    """(for, counted, share) of hulp vóór straf over the cases closed in [start, end]."""
    cases = data.cases
    if cases.empty:
        return 0, 0, None
    on = cases["closed_on"].map(as_date)
    return definition.help_first_share(cases.loc[(on >= start) & (on <= end), "help"])
