"""The chain from signal to back in class (issue 18): one definition per step, per youth.

A youth's **chain** (keten) is one episode, from a trigger to its outcome:

1. *signaal* — the trigger, the first of the youth's events that no running chain holds: a 16-hour
   signal (``signal16``), a melding that answers no signal (any kind, a 16_uur melding without a
   signal in the absence data included), or a case (``concern``) opened without either — a concern
   from school, GGD, jeugdconsulent or any other source. On one day a signal comes before a
   melding, a melding before a case.
2. *gemeld* — the first melding of the chain: the melding that answered one of its signals
   (``signal16.melding_id``, the meldtrouw rule of ``sixteen_hours.answering_melding``) or a melding
   the chain holds. A chain started by a case may have none (a GGD concern needs no school melding).
3. *contact* — the first officer contact with the family or the youth that reached them
   (``contact.target`` family/youth, ``reached``), about the youth (its ``pupil_id`` or one of its
   cases), from the trigger up to the chain's end.
4. *zaak* — the first case opened while the chain runs.
5. *interventies* — what the officers did in the chain's cases (``intervention``), dated.
6. *uitkomst* — every case of the chain closed: the last ``closed_on`` and that case's outcome
   (``concern.outcome``, DUO's closing reasons).
7. *terug in de klas* — for the outcome ``terug_naar_school`` only: the youth's unauthorised absence
   stays at or below the 16-hour line (``sixteen_hours.sixteen_hour_signals``, counting from the
   first school day after the outcome) for ``back_in_class_weeks`` school weeks (setting, 8): the
   school weeks from the week of that first school day. Dated on the last school day of those
   weeks; "nog niet" while they have not passed by the reference date. Any other outcome (the youth
   left school, works, is ill, …) ends the chain at *uitkomst*.

**Where a chain ends**: a chain with cases runs until every one of its cases is closed — an event
after that day starts the youth's next chain; a chain without a case ends on 31 July of the school
year of its trigger (a signal the next school year starts a new chain). Events while a chain runs
belong to it: a second signal, a second case opened while the first is open.

**Counting.** The funnel counts youths (people): a youth counts once at a step in school year Y
when one of their chains that started in Y (the trigger's date) reached the step; steps are counted
each on their own, so a step can hold a youth an earlier step lacks (a GGD case has no melding).
School days between two steps are counted per chain: the school days after the first step's date
up to and including the second's (``SchoolDayCounter.between``, the meldtrouw count; 0 when the
second step came first or on the same day).

**Missing and late steps** (:func:`chain_flags`, at a reference date): a signal without a melding
once ``compliance_school_days`` school days have passed (*niet gemeld*), or answered later than
that (*te laat gemeld*); a melding — for a chain started by a case: its opening — without contact
within ``contact_within_days`` school days (setting, 10): *geen contact* when there is none yet,
*contact te laat* when it came later.

**Hulp vóór straf** (:func:`help_before_punishment`): per closed case, from its interventions. Help =
a referral (jeugdconsulent, GGD, wijkteam) or the zorgadviesteam; punishment = HALT or
proces-verbaal. A case with help and no punishment (*alleen hulp*) or with help on a date before
its first punishment (*hulp vóór straf*) counts for; a case with punishment and no help before it
(on the same day is not before: the order within a day is not recorded) against. A case with
neither (only conversations, home visits, a vrijstelling) says nothing about the order and is
left out of the share; the page shows how many there were. Share = (alleen hulp + hulp vóór straf)
÷ (those + straf zonder hulp vooraf), over the cases closed in the school year.

**Recidive** (:func:`recidive`): a closed chain is followed by a new trigger of the same youth
within ``recidive_months`` months (setting, 12) after its closing day. Its share counts only chains
whose months have passed by the reference date (a later recidive cannot yet be excluded for the
others); a chain closed because the youth died is not followed.
"""
from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from data_access.definitions.calendar import SchoolCalendar, SchoolDayCounter, school_year_end, school_year_of, week_start
from data_access.definitions.sixteen_hours import SchoolWeeks, on_time, school_week_index, sixteen_hour_signals

STEPS = ("signaal", "gemeld", "contact", "zaak", "uitkomst", "terug")

TRIGGER_SIGNAL, TRIGGER_MELDING, TRIGGER_CASE = "signaal16", "melding", "zaak"
_EVENT_ORDER = {TRIGGER_SIGNAL: 0, TRIGGER_MELDING: 1, TRIGGER_CASE: 2}  # on one day

CONTACT_TARGETS = ("family", "youth")  # "contact with the family or the youth"
CARE_KINDS = ("verwijzing_jeugdconsulent", "verwijzing_ggd", "verwijzing_wijkteam", "zorgadviesteam")
PUNITIVE_KINDS = ("halt", "proces_verbaal")
BACK_IN_CLASS_OUTCOMES = ("terug_naar_school",)  # the only outcome after which a youth is back in class
NO_FOLLOW_UP_OUTCOMES = ("overleden",)  # no recidive to follow

# back in class: reached / not (the line was passed again) / the weeks have not passed yet /
# not applicable (no outcome yet, or an outcome other than back to school)
BACK_YES, BACK_NO, BACK_PENDING, BACK_NA = "ja", "nee", "nog_niet", "nvt"
# recidive of a closed chain: a new trigger within the months / none and the months have passed /
# the months have not passed yet / not followed (not closed, or an outcome without follow-up)
RECIDIVE_YES, RECIDIVE_NO, RECIDIVE_PENDING, RECIDIVE_NA = "ja", "nee", "nog_niet", "nvt"

# hulp vóór straf, per closed case
ONLY_HELP, HELP_FIRST, PUNISHMENT_FIRST, NEITHER = "alleen_hulp", "hulp_voor_straf", "straf_zonder_hulp", "geen_hulp_of_straf"
HELP_COUNTS_FOR = (ONLY_HELP, HELP_FIRST)
HELP_COUNTED = (ONLY_HELP, HELP_FIRST, PUNISHMENT_FIRST)

# school days between two steps of a chain: key → (from step, to step)
INTERVALS: dict[str, tuple[str, str]] = {
    "signaal_gemeld": ("signaal", "gemeld"),
    "gemeld_contact": ("gemeld", "contact"),
    "signaal_contact": ("signaal", "contact"),
    "signaal_zaak": ("signaal", "zaak"),
    "zaak_uitkomst": ("zaak", "uitkomst"),
    "signaal_uitkomst": ("signaal", "uitkomst"),
}

# flags on a chain's steps
NOT_REPORTED, REPORTED_LATE, NO_CONTACT, CONTACT_LATE = "niet_gemeld", "te_laat_gemeld", "geen_contact", "contact_te_laat"


# --- what a chain is built from --------------------------------------------------------------


@dataclass(frozen=True)
class SignalEvent:
    signal_on: dt.date
    school_id: int | None
    melding_id: int | None = None  # the answering 16_uur melding
    melding_on: dt.date | None = None  # its reported_on
    school_days_to_melding: int | None = None


@dataclass(frozen=True)
class MeldingEvent:
    melding_id: int
    reported_on: dt.date
    kind: str
    school_id: int | None
    officer: str | None = None


@dataclass(frozen=True)
class CaseEvent:
    case_id: int
    opened_on: dt.date
    closed_on: dt.date | None
    outcome: str | None
    source: str | None
    officer: str | None
    school_id: int | None  # the youth's school when the case was opened


@dataclass(frozen=True)
class InterventionEvent:
    case_id: int
    on: dt.date
    kind: str
    officer: str | None = None


@dataclass(frozen=True)
class ContactEvent:
    on: dt.date
    target: str
    reached: bool
    officer: str | None = None


@dataclass(frozen=True)
class ChainCalendar:
    """School days and school weeks over the range the chains need, built once."""

    counter: SchoolDayCounter
    weeks: SchoolWeeks
    days: tuple[dt.date, ...]
    last_day_of_week: dict[int, dt.date]  # school week number → its last school day

    @classmethod
    def build(cls, calendar: SchoolCalendar, start: dt.date, end: dt.date) -> ChainCalendar:
        weeks = school_week_index(calendar, start, end)
        days = tuple(sorted(weeks.school_days))
        last: dict[int, dt.date] = {}
        for day in days:
            last[weeks[week_start(day)]] = day
        return cls(SchoolDayCounter(calendar, start, end), weeks, days, last)

    def between(self, first: dt.date, later: dt.date) -> int:
        return self.counter.between(first, later)

    def first_school_day_after(self, day: dt.date) -> dt.date | None:
        i = bisect.bisect_right(self.days, day)
        return self.days[i] if i < len(self.days) else None


@dataclass(frozen=True)
class ChainRule:
    """The settings a chain depends on (all required: no silent default)."""

    signal_hours: float
    signal_weeks: int
    back_in_class_weeks: int
    today: dt.date  # the reference date: what has not happened by then has not happened


# --- one chain -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chain:
    pupil_id: int
    number: int  # the youth's first, second … chain
    trigger_kind: str  # TRIGGER_SIGNAL, TRIGGER_MELDING, TRIGGER_CASE
    trigger_on: dt.date
    trigger_detail: str | None  # the melding's kind or the case's source
    school_id: int | None
    signals: tuple[SignalEvent, ...]
    melding_on: dt.date | None
    melding_kind: str | None
    contact_on: dt.date | None
    case_ids: tuple[int, ...]
    case_opened_on: dt.date | None
    interventions: tuple[InterventionEvent, ...]
    closed_on: dt.date | None  # every case of the chain closed
    outcome: str | None
    officer: str | None
    back: str = BACK_NA
    back_on: dt.date | None = None
    next_trigger_on: dt.date | None = None  # the youth's next chain (recidive)

    @property
    def school_year(self) -> int:
        return school_year_of(self.trigger_on)

    def step_on(self, step: str) -> dt.date | None:
        return {"signaal": self.trigger_on, "gemeld": self.melding_on, "contact": self.contact_on,
                "zaak": self.case_opened_on, "uitkomst": self.closed_on,
                "terug": self.back_on if self.back == BACK_YES else None}[step]

    def reached(self, step: str) -> bool:
        return self.step_on(step) is not None


@dataclass
class _Draft:
    trigger_kind: str
    trigger_on: dt.date
    trigger_detail: str | None
    school_id: int | None
    signals: list[SignalEvent] = field(default_factory=list)
    meldingen: list[tuple[dt.date, int, str, str | None]] = field(default_factory=list)  # on, id, kind, officer
    cases: list[CaseEvent] = field(default_factory=list)

    def end(self) -> dt.date | None:
        """The chain's last day: its cases' last closing, 31 July without a case, None while open."""
        if not self.cases:
            return school_year_end(school_year_of(self.trigger_on))
        if any(c.closed_on is None for c in self.cases):
            return None
        return max(c.closed_on for c in self.cases)


def build_chains(pupil_id: int, signals: Iterable[SignalEvent], meldingen: Iterable[MeldingEvent],
                 cases: Iterable[CaseEvent], interventions: Iterable[InterventionEvent],
                 contacts: Iterable[ContactEvent], absences: Sequence[tuple[dt.date, float]],
                 calendar: ChainCalendar, rule: ChainRule) -> list[Chain]:
    """One youth's chains, oldest first, from everything recorded up to ``rule.today``.

    ``meldingen``: all the youth's meldingen (those that answer a signal are found through the
    signals); ``absences``: the youth's unauthorised absence (date, hours) for *terug in de klas*."""
    today = rule.today
    signals = [s for s in signals if s.signal_on <= today]
    answering = {s.melding_id for s in signals if s.melding_id is not None}
    events: list[tuple[dt.date, int, object]] = [(s.signal_on, 0, s) for s in signals]
    events += [(m.reported_on, 1, m) for m in meldingen if m.melding_id not in answering and m.reported_on <= today]
    events += [(c.opened_on, 2, c) for c in cases if c.opened_on <= today]
    events.sort(key=lambda e: (e[0], e[1], getattr(e[2], "case_id", 0) or getattr(e[2], "melding_id", 0) or 0))
    melding_of = {m.melding_id: m for m in meldingen}

    drafts: list[_Draft] = []
    for day, _, event in events:
        current = drafts[-1] if drafts else None
        if current is not None and (end := current.end()) is not None and day > end:
            current = None
        if current is None:
            if isinstance(event, SignalEvent):
                current = _Draft(TRIGGER_SIGNAL, day, None, event.school_id)
            elif isinstance(event, MeldingEvent):
                current = _Draft(TRIGGER_MELDING, day, event.kind, event.school_id)
            else:
                current = _Draft(TRIGGER_CASE, day, event.source, event.school_id)
            drafts.append(current)
        if isinstance(event, SignalEvent):
            current.signals.append(event)
            if event.melding_id is not None and event.melding_on is not None and event.melding_on <= today:
                answer = melding_of.get(event.melding_id)
                current.meldingen.append((event.melding_on, event.melding_id, answer.kind if answer else "16_uur",
                                          answer.officer if answer else None))
        elif isinstance(event, MeldingEvent):
            current.meldingen.append((event.reported_on, event.melding_id, event.kind, event.officer))
        else:
            current.cases.append(event)

    reached = sorted((c for c in contacts if c.target in CONTACT_TARGETS and c.reached and c.on <= today),
                     key=lambda c: c.on)
    by_case: dict[int, list[InterventionEvent]] = {}
    for intervention in interventions:
        if intervention.on <= today:
            by_case.setdefault(intervention.case_id, []).append(intervention)

    chains = []
    for i, draft in enumerate(drafts):
        next_on = drafts[i + 1].trigger_on if i + 1 < len(drafts) else None
        end = draft.end()
        last = min(d for d in (end, next_on - dt.timedelta(days=1) if next_on else None, today) if d is not None)
        contact = next((c for c in reached if draft.trigger_on <= c.on <= last), None)
        melding = min(draft.meldingen, default=None)
        closed = [c for c in draft.cases if c.closed_on is not None and c.closed_on <= today]
        finished = bool(draft.cases) and len(closed) == len(draft.cases)
        closing = max(closed, key=lambda c: (c.closed_on, c.case_id)) if finished else None
        cases = sorted(draft.cases, key=lambda c: (c.opened_on, c.case_id))
        officer = (cases[0].officer if cases and cases[0].officer else
                   melding[3] if melding and melding[3] else contact.officer if contact else None)
        chain = Chain(
            pupil_id=pupil_id, number=i + 1, trigger_kind=draft.trigger_kind, trigger_on=draft.trigger_on,
            trigger_detail=draft.trigger_detail, school_id=draft.school_id, signals=tuple(draft.signals),
            melding_on=melding[0] if melding else None, melding_kind=melding[2] if melding else None,
            contact_on=contact.on if contact else None, case_ids=tuple(c.case_id for c in cases),
            case_opened_on=cases[0].opened_on if cases else None,
            interventions=tuple(sorted((x for c in cases for x in by_case.get(c.case_id, ())),
                                       key=lambda x: (x.on, x.kind))),
            closed_on=closing.closed_on if closing else None, outcome=closing.outcome if closing else None,
            officer=officer, next_trigger_on=next_on,
        )
        if closing is not None and closing.outcome in BACK_IN_CLASS_OUTCOMES:
            back, back_on = back_in_class(closing.closed_on, absences, calendar, rule)
            chain = _replace(chain, back=back, back_on=back_on)
        chains.append(chain)
    return chains


def _replace(chain: Chain, **changes) -> Chain:
    return dataclasses.replace(chain, **changes)


def back_in_class(closed_on: dt.date, absences: Sequence[tuple[dt.date, float]], calendar: ChainCalendar,
                  rule: ChainRule) -> tuple[str, dt.date | None]:
    """*Terug in de klas* after an outcome on ``closed_on``: (status, date).

    The follow-up runs from the first school day after the outcome to the last school day of the
    ``back_in_class_weeks``-th school week counted from that day's week. ``BACK_YES`` dated on that
    last day when the 16-hour rule, counting the unauthorised hours from the first day, gives no
    signal in it; ``BACK_NO`` dated on the day the line was passed; ``BACK_PENDING`` while the
    follow-up has not ended by the reference date."""
    first = calendar.first_school_day_after(closed_on)
    if first is None:
        return BACK_PENDING, None
    last_week = calendar.weeks[week_start(first)] + rule.back_in_class_weeks - 1
    end = calendar.last_day_of_week.get(last_week)
    hours = [(d, h) for d, h in absences if first <= d <= (end or rule.today) and d <= rule.today]
    passed = sixteen_hour_signals(hours, calendar.weeks, rule.signal_hours, rule.signal_weeks)
    if passed:
        return BACK_NO, passed[0].signal_on
    if end is None or end > rule.today:
        return BACK_PENDING, None
    return BACK_YES, end


# --- flags on a chain ------------------------------------------------------------------------


@dataclass(frozen=True)
class Flag:
    step: str  # the step that is missing or late (STEPS)
    kind: str  # NOT_REPORTED, REPORTED_LATE, NO_CONTACT, CONTACT_LATE
    on: dt.date  # the date the step was due from (the signal, the melding)
    school_days: int  # school days from that date to the step (or to the reference date)


def chain_flags(chain: Chain, calendar: ChainCalendar, today: dt.date, *, compliance_days: int,
                contact_within_days: int) -> tuple[Flag, ...]:
    """The chain's missing and late steps at ``today`` (see the module text)."""
    flags = []
    for signal in chain.signals:
        if signal.melding_on is None or signal.melding_on > today:
            waited = calendar.between(signal.signal_on, today)
            if waited > compliance_days:
                flags.append(Flag("gemeld", NOT_REPORTED, signal.signal_on, waited))
        elif not on_time(signal.school_days_to_melding, compliance_days):
            flags.append(Flag("gemeld", REPORTED_LATE, signal.signal_on,
                              int(signal.school_days_to_melding or calendar.between(signal.signal_on,
                                                                                    signal.melding_on))))
    due_from = chain.melding_on or (chain.case_opened_on if chain.trigger_kind == TRIGGER_CASE else None)
    if due_from is not None:
        if chain.contact_on is None:
            waited = calendar.between(due_from, today)
            if waited > contact_within_days:
                flags.append(Flag("contact", NO_CONTACT, due_from, waited))
        elif (took := calendar.between(due_from, chain.contact_on)) > contact_within_days:
            flags.append(Flag("contact", CONTACT_LATE, due_from, took))
    return tuple(flags)


# --- hulp vóór straf and recidive ----------------------------------------------------------


def help_before_punishment(interventions: Iterable[tuple[dt.date, str]]) -> str:
    """A closed case's order of help and punishment, from its interventions (date, kind)."""
    interventions = list(interventions)
    care = [day for day, kind in interventions if kind in CARE_KINDS]
    punishment = [day for day, kind in interventions if kind in PUNITIVE_KINDS]
    if not care and not punishment:
        return NEITHER
    if not punishment:
        return ONLY_HELP
    return HELP_FIRST if care and min(care) < min(punishment) else PUNISHMENT_FIRST


def help_first_share(categories: Iterable[str]) -> tuple[int, int, float | None]:
    """(cases counting for, cases counted, share) of closed cases' :func:`help_before_punishment`."""
    categories = list(categories)
    counted = sum(c in HELP_COUNTED for c in categories)
    helped = sum(c in HELP_COUNTS_FOR for c in categories)
    return helped, counted, (helped / counted if counted else None)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it has no such day: 29-02 → 28-02)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def recidive(chain: Chain, months: int, today: dt.date) -> str:
    """RECIDIVE_YES/NO/PENDING/NA for a chain (see the module text)."""
    if chain.closed_on is None or chain.outcome in NO_FOLLOW_UP_OUTCOMES:
        return RECIDIVE_NA
    until = add_months(chain.closed_on, months)
    if until > today:
        return RECIDIVE_PENDING
    return RECIDIVE_YES if chain.next_trigger_on is not None and chain.next_trigger_on <= until else RECIDIVE_NO


# --- the figures over many chains ---------------------------------------------------------


CHAIN_COLUMNS = ["pupil_id", "number", "school_year", "school_id", "officer", "trigger_kind", "trigger_detail",
                 *[f"{step}_on" for step in STEPS], "outcome", "back", "recidive", "closed_year",
                 *INTERVALS, "flags"]


def chains_frame(chains: Iterable[Chain], calendar: ChainCalendar, today: dt.date, *, compliance_days: int,
                 contact_within_days: int, recidive_months: int) -> pd.DataFrame:
    """One row per chain: its steps' dates, the school days between steps, recidive and flags."""
    rows = []
    for chain in chains:
        dates = {step: chain.step_on(step) for step in STEPS}
        days = {key: (calendar.between(dates[a], dates[b]) if dates[a] and dates[b] else None)
                for key, (a, b) in INTERVALS.items()}
        flags = chain_flags(chain, calendar, today, compliance_days=compliance_days,
                            contact_within_days=contact_within_days)
        rows.append([chain.pupil_id, chain.number, chain.school_year, chain.school_id, chain.officer,
                     chain.trigger_kind, chain.trigger_detail, *dates.values(), chain.outcome, chain.back,
                     recidive(chain, recidive_months, today),
                     school_year_of(chain.closed_on) if chain.closed_on else None, *days.values(),
                     tuple(f.kind for f in flags)])
    frame = pd.DataFrame(rows, columns=CHAIN_COLUMNS)
    for key in INTERVALS:
        frame[key] = frame[key].astype("Float64")
    return frame


def funnel(frame: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Youths per step (each counted once per group), per school year of the chain's trigger and
    ``by``; ``<step>_share`` = youths at the step ÷ youths with a trigger."""
    keys = ["school_year", *by]
    columns = keys + list(STEPS) + [f"{s}_share" for s in STEPS[1:]]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    reached = frame[keys + ["pupil_id"]].copy()
    for step in STEPS:
        reached[step] = np.where(frame[f"{step}_on"].notna(), frame["pupil_id"], np.nan)
    out = reached.groupby(keys, dropna=False)[list(STEPS)].nunique().reset_index()
    for step in STEPS[1:]:
        out[f"{step}_share"] = out[step] / out["signaal"].where(out["signaal"] > 0)
    return out[columns]


def step_days(frame: pd.DataFrame) -> pd.DataFrame:
    """Per school year × interval: the chains with both steps (n) and their school days'
    quartiles, minimum and maximum (the median of an even number: the mean of the middle two)."""
    rows = []
    for year, chains in frame.groupby("school_year"):
        for key in INTERVALS:
            values = chains[key].dropna().astype(float).to_numpy()
            if len(values):
                q1, median, q3 = np.percentile(values, [25, 50, 75])
                rows.append((year, key, len(values), float(values.min()), q1, median, q3, float(values.max())))
            else:
                rows.append((year, key, 0, None, None, None, None, None))
    return pd.DataFrame(rows, columns=["school_year", "interval", "n", "min", "q1", "median", "q3", "max"])


def recidive_by_year(frame: pd.DataFrame) -> pd.DataFrame:
    """Per school year of closing: chains closed, followed for the whole period, with a recidive,
    still within the period, and the share (recidive ÷ followed)."""
    closed = frame[frame["recidive"] != RECIDIVE_NA]
    columns = ["school_year", "closed", "followed", "recidive", "pending", "share"]
    if closed.empty:
        return pd.DataFrame(columns=columns)
    out = closed.groupby("closed_year").agg(
        closed=("recidive", "size"),
        followed=("recidive", lambda s: int(s.isin([RECIDIVE_YES, RECIDIVE_NO]).sum())),
        recidive=("recidive", lambda s: int((s == RECIDIVE_YES).sum())),
        pending=("recidive", lambda s: int((s == RECIDIVE_PENDING).sum())),
    ).reset_index().rename(columns={"closed_year": "school_year"})
    out["school_year"] = out["school_year"].astype(int)
    out["share"] = out["recidive"] / out["followed"].where(out["followed"] > 0)
    return out[columns]
