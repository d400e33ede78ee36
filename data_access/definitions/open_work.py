"""Open work: what the officers' work queue on /jongeren holds (DESIGN.md "Definitions",
docs/definitions.md "Open work").

At a reference date (*peildatum*) a youth is in the work queue for one or more of:

- **volgende actie verlopen**: an open case whose next action date lies before the reference date;
- **signaal zonder zaak**: an *open* signal (below) and no case open on the reference date;
- **geen contact sinds N dagen**: an open case without contact for N days (setting
  ``no_contact_days``), counted from the last contact, or from the opening when there was none.

Signals that can put a youth in the queue: a 16-hour signal and severe absence (``ernstig``),
unless the officer chooses other signals. A **16-hour signal is open work** unless it has been
answered, on or before the reference date, by

- a **handled melding**: its answering melding (``signal16.melding_id``, see
  definitions.sixteen_hours) was reported on or before the reference date and has a status of
  :data:`HANDLED_MELDING_STATUSES` ("afgerond", "afgehandeld", "gesloten", "afgesloten"), or
- a **case**: a case of the youth opened on or before the reference date and not closed on or
  before the signal's day — a case open on the reference date, one opened after the signal and
  closed since, or one open when the signal came and closed after it. A case closed on the
  signal's own day did not take it up (the signal is known only after the next import).

A melding that is still open ("open", "in_behandeling", or a status the product does not know)
leaves the signal open work: the melding itself still asks for action. The status is the one
stored now (meldingen keep no history of their status), so for a past reference date a melding
that was handled later already counts as handled.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from data_access.models import Concern, Signal16, Verzuimmelding

# statuses of a melding whose work is done (lower case; compared case-insensitively)
HANDLED_MELDING_STATUSES = ("afgerond", "afgehandeld", "gesloten", "afgesloten")


def melding_handled(melding: type[Verzuimmelding], today: dt.date) -> ColumnElement[bool]:
    """SQL: the melding (a row of ``melding``, possibly outer-joined) was reported on or before
    ``today`` and is handled or closed. NULL (not true) for a missing melding."""
    return and_(melding.reported_on <= today, func.lower(melding.status).in_(HANDLED_MELDING_STATUSES))


def case_covers_signal(signal: type[Signal16], today: dt.date) -> ColumnElement[bool]:
    """SQL: a case of the signal's youth, opened on or before ``today``, was still open after the
    signal's day."""
    return (select(Concern.id)
            .where(Concern.pupil_id == signal.pupil_id, Concern.opened_on <= today,
                   or_(Concern.closed_on.is_(None), Concern.closed_on > signal.signal_on))
            .exists())


def signal_answered(signal: type[Signal16], melding: type[Verzuimmelding], today: dt.date) -> ColumnElement[bool]:
    """SQL: the 16-hour signal is no open work on ``today`` (``melding``: its answering melding,
    outer-joined on ``signal.melding_id``). Use as ``case((signal_answered(…), 0), else_=1)``:
    the expression may be NULL, which counts as not answered."""
    return or_(melding_handled(melding, today), case_covers_signal(signal, today))
