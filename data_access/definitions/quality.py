"""Registration quality of a school (issue 18): may its figures be ranked beside the others?

A school is **flagged** for a window when one of these holds (constants below, documented in
docs/definitions.md; not settings: they say when a comparison is unfair, not what a figure is):

- *verouderd*: its last registered absence day lies more than ``STALE_SCHOOL_DAYS`` school days
  before the newest registration of any school up to the window's end (so a holiday, when no
  school registers, flags nobody);
- *onbekende codes*: more than ``UNKNOWN_SHARE`` of its absence hours in the window carry a code
  the code table does not know (category ``onbekend``);
- *lage meldtrouw*: fewer than ``LOW_COMPLIANCE`` of its 16-hour signals in the window answered
  within ``compliance_school_days`` (setting), over at least ``MIN_SIGNALS`` signals;
- *daling*: its registered absence hours per school day in the last ``RECENT_WEEKS`` school weeks
  up to that newest registration fell below ``DROP_SHARE`` of its level in the ``EARLIER_WEEKS``
  school weeks before them (a school that stops registering looks like a school without absence).

A flagged school stays in the tables; rankings show it greyed out with its reasons.
"""
from __future__ import annotations

STALE_SCHOOL_DAYS = 10
UNKNOWN_SHARE = 0.05
LOW_COMPLIANCE = 0.50
MIN_SIGNALS = 5
DROP_SHARE = 0.50
RECENT_WEEKS = 4
EARLIER_WEEKS = 12

STALE, UNKNOWN, LOW_COMPLIANCE_FLAG, DROP = "verouderd", "onbekende_codes", "lage_meldtrouw", "daling"
REASONS = (STALE, UNKNOWN, LOW_COMPLIANCE_FLAG, DROP)


def quality_reasons(*, stale_school_days: int | None, unknown_hours: float, hours: float, signals: int,
                    on_time: int, recent_per_day: float | None, earlier_per_day: float | None) -> tuple[str, ...]:
    """The reasons (REASONS, in that order) a school's figures are not to be ranked; empty: fine.

    ``stale_school_days``: school days from its last registration to the newest of any school
    (None: it never registered, which no ranking shows anyway); ``recent_per_day`` /
    ``earlier_per_day``: registered hours per school day in the recent and earlier weeks (None:
    no school days there)."""
    reasons = []
    if stale_school_days is not None and stale_school_days > STALE_SCHOOL_DAYS:
        reasons.append(STALE)
    if hours > 0 and unknown_hours / hours > UNKNOWN_SHARE:
        reasons.append(UNKNOWN)
    if signals >= MIN_SIGNALS and on_time / signals < LOW_COMPLIANCE:
        reasons.append(LOW_COMPLIANCE_FLAG)
    if (recent_per_day is not None and earlier_per_day is not None and earlier_per_day > 0
            and recent_per_day < DROP_SHARE * earlier_per_day):
        reasons.append(DROP)
    return tuple(reasons)
