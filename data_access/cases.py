"""What an officer changes on the /jongeren page: contacts, case notes, case status and outcome,
interventions, new cases.

Each function writes its rows *and* one audit row in the caller's transaction (use
``with engine.begin() as conn``), so a change is never stored without its audit row and vice
versa. The audit row holds ids and codes only — never a name, a reason or a note.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Connection, insert, select, update

from data_access import aggregates, audit
from data_access.models import (
    CASE_OUTCOMES, CONTACT_CHANNELS, CONTACT_TARGETS, INTERVENTION_KINDS, OUTCOME_EXPLANATIONS, Concern,
    ConcernNote, Contact, Intervention, Pupil,
)

# The vocabulary of the demo municipality (data_access/demo.py); a database may hold others,
# which the page shows as they are.
CASE_STATUSES = ("open", "in_behandeling", "gesloten")
CLOSED_STATUSES = ("gesloten", "afgesloten")
CASE_PHASES = ("intake", "onderzoek", "plan van aanpak", "uitvoering", "afgesloten")
MAS_ROUTES = ("MAS-1 preventief", "MAS-2 zorg", "MAS-3 handhaving")
CASE_SOURCES = ("school", "DUO-melding", "GGD", "jeugdconsulent", "ouders", "politie", "leerplicht")
CONTACT_PURPOSES = ("intake", "voortgang", "huisbezoek", "gesprek na melding", "casusoverleg")
MAX_NOTE = 4000
# Who may record interventions and outcomes: the officers (issue 18). The page is theirs alone; the
# write refuses anyone else as well, so no other caller can put them into the chain's figures.
OFFICER_ROLE = "leerplicht"


class CaseError(ValueError):
    """A change that cannot be stored; the message is Dutch and meant for the user."""


class StaleCase(CaseError):
    """The case changed since the officer's form was drawn: the message says what changed, and
    the form keeps the officer's input so it can be checked and saved again (``current_version``)."""

    def __init__(self, message: str, current_version: int):
        super().__init__(message)
        self.current_version = current_version


def case_version(conn: Connection, concern_id: int) -> int:
    """The version a form must send back with ``change_case_status(expected_version=…)``."""
    version = conn.execute(select(Concern.version).where(Concern.id == concern_id)).scalar()
    if version is None:
        raise CaseError("Deze zaak bestaat niet (meer).")
    return version


def add_contact(conn: Connection, *, pupil_id: int, officer: str, role: str, on: dt.date, target: str,
                channel: str, reached: bool, purpose: str | None = None, notes: str | None = None,
                concern_id: int | None = None, today: dt.date | None = None, origin: str | None = None) -> int:
    """Log a contact about a youth; returns the new contact id."""
    school_id = _school_of(conn, pupil_id)
    if target not in CONTACT_TARGETS:
        raise CaseError(f"Onbekende contactpersoon: {target}.")
    if channel not in CONTACT_CHANNELS:
        raise CaseError(f"Onbekend kanaal: {channel}.")
    if on > (today or dt.date.today()):
        raise CaseError("Een contact kan niet in de toekomst liggen.")
    if concern_id is not None:
        _require_case_of(conn, concern_id, pupil_id)
    contact_id = conn.execute(insert(Contact).values(
        date=on, officer=officer, target=target, channel=channel, purpose=_clean(purpose, 60),
        reached=reached, school_id=school_id, pupil_id=pupil_id, concern_id=concern_id,
        notes=_clean(notes, MAX_NOTE),
    ).returning(Contact.id)).scalar_one()
    if school_id is not None:
        aggregates.refresh_contacts(conn, [school_id], on, on)
    audit.record(conn, "contact_toegevoegd", username=officer, role=role, object_type=audit.OBJECT_PUPIL,
                 origin=origin, object_id=pupil_id,
                 details={"contact_id": contact_id, "concern_id": concern_id, "doelgroep": target, "kanaal": channel,
                          "bereikt": reached})
    return contact_id


def add_case_note(conn: Connection, *, concern_id: int, author: str, role: str, note: str,
                  origin: str | None = None) -> int:
    """Add a note to a case's history; returns the note id."""
    case = _case(conn, concern_id)
    text = _clean(note, MAX_NOTE)
    if not text:
        raise CaseError("Een notitie mag niet leeg zijn.")
    note_id = conn.execute(insert(ConcernNote).values(
        concern_id=concern_id, at=audit.utcnow(), author=author, note=text,
    ).returning(ConcernNote.id)).scalar_one()
    audit.record(conn, "notitie_toegevoegd", username=author, role=role, object_type=audit.OBJECT_PUPIL,
                 origin=origin, object_id=case.pupil_id, details={"concern_id": concern_id, "note_id": note_id})
    return note_id


def change_case_status(conn: Connection, *, concern_id: int, author: str, role: str, status: str,
                       phase: str | None = None, mas_route: str | None = None,
                       next_action: str | None = None, next_action_on: dt.date | None = None,
                       note: str | None = None, on: dt.date | None = None, origin: str | None = None,
                       expected_version: int | None = None, outcome: str | None = None,
                       outcome_explanation: str | None = None) -> int:
    """Change a case's status (and phase, route, next action); the change goes into the case
    history as a note. Closing sets ``closed_on``; reopening clears it. Returns the note id.

    Closing a case needs its ``outcome`` (CASE_OUTCOMES, DUO's closing reasons) and
    ``outcome_explanation`` (OUTCOME_EXPLANATIONS), recorded by an officer (role leerplicht); a case
    that is already closed keeps its outcome unless a new one is given, and reopening clears it
    (a reopened case has not ended). An outcome on a case that stays open is refused.

    ``expected_version``: the case's version when the form was drawn (``case_version``). When the
    case was saved by someone else since, nothing is written and StaleCase says what changed."""
    closing = status in CLOSED_STATUSES
    _check_outcome(closing, outcome, outcome_explanation, role)
    case = _claim(conn, concern_id, expected_version)
    if status not in CASE_STATUSES and status != case.status:
        raise CaseError(f"Onbekende status: {status}.")
    if closing and case.status not in CLOSED_STATUSES and not (outcome and outcome_explanation):
        raise CaseError("Kies bij het sluiten van een zaak de uitkomst en de toelichting op de uitkomst "
                        "(zoals ze aan DUO worden teruggemeld).")
    on = on or dt.date.today()
    values = {"status": status, "closed_on": (case.closed_on or on) if closing else None,
              "phase": _clean(phase, 40) or case.phase, "mas_route": _clean(mas_route, 40) or case.mas_route,
              "next_action": _clean(next_action, 200) if next_action is not None else case.next_action,
              "next_action_on": None if closing else next_action_on,
              "outcome": (outcome or case.outcome) if closing else None,
              "outcome_explanation": (outcome_explanation or case.outcome_explanation) if closing else None}
    conn.execute(update(Concern).where(Concern.id == concern_id).values(**values))
    note_id = conn.execute(insert(ConcernNote).values(
        concern_id=concern_id, at=audit.utcnow(), author=author, status=status, phase=values["phase"],
        note=_clean(note, MAX_NOTE),
    ).returning(ConcernNote.id)).scalar_one()
    details = {"concern_id": concern_id, "note_id": note_id, "van": case.status, "naar": status}
    if values["outcome"] != case.outcome or values["outcome_explanation"] != case.outcome_explanation:
        details |= {"uitkomst": values["outcome"], "uitkomst_uitleg": values["outcome_explanation"]}  # codes only
    audit.record(conn, "status_gewijzigd", username=author, role=role, object_type=audit.OBJECT_PUPIL,
                 origin=origin, object_id=case.pupil_id, details=details)
    return note_id


def add_intervention(conn: Connection, *, concern_id: int, officer: str, role: str, kind: str, on: dt.date,
                     expected_version: int | None, today: dt.date | None = None,
                     origin: str | None = None) -> int:
    """Record an intervention (INTERVENTION_KINDS) in a case on a date; returns its id.

    Only an officer (role leerplicht) records one, on a day from the case's opening up to its
    closing (or today). It counts as a change of the case: ``expected_version`` is checked and
    moved on as in ``change_case_status``, so an officer who saves on a case someone else just
    changed (e.g. closed) is told so instead."""
    if not _is_officer(role):
        raise CaseError("Alleen een leerplichtambtenaar legt interventies vast.")
    if kind not in INTERVENTION_KINDS:
        raise CaseError(f"Onbekende interventie: {kind}.")
    if on > (today or dt.date.today()):
        raise CaseError("Een interventie kan niet in de toekomst liggen.")
    case = _claim(conn, concern_id, expected_version)
    if on < case.opened_on:
        raise CaseError(f"Een interventie kan niet vóór de opening van de zaak ({case.opened_on:%d-%m-%Y}) liggen.")
    if case.closed_on is not None and on > case.closed_on:
        raise CaseError(f"Een interventie kan niet na het sluiten van de zaak ({case.closed_on:%d-%m-%Y}) liggen.")
    intervention_id = conn.execute(insert(Intervention).values(
        concern_id=concern_id, kind=kind, date=on, officer=officer,
    ).returning(Intervention.id)).scalar_one()
    audit.record(conn, "interventie_toegevoegd", username=officer, role=role, object_type=audit.OBJECT_PUPIL,
                 origin=origin, object_id=case.pupil_id,
                 details={"concern_id": concern_id, "interventie_id": intervention_id, "soort": kind})
    return intervention_id


def interventions(conn: Connection, concern_id: int) -> pd.DataFrame:
    """A case's interventions, oldest first: date, kind, officer (shown in the case form)."""
    rows = conn.execute(select(Intervention.date, Intervention.kind, Intervention.officer)
                        .where(Intervention.concern_id == concern_id)
                        .order_by(Intervention.date, Intervention.id)).all()
    return pd.DataFrame(rows, columns=["date", "kind", "officer"])


def open_case(conn: Connection, *, pupil_id: int, officer: str, role: str, opened_on: dt.date, source: str,
              reason: str, mas_route: str | None = None, phase: str | None = None,
              next_action: str | None = None, next_action_on: dt.date | None = None,
              origin: str | None = None) -> int:
    """Open a case (youth of concern) for a pupil; returns the case id."""
    _school_of(conn, pupil_id)
    reason = _clean(reason, 200)
    if not reason:
        raise CaseError("Geef een reden voor de zaak.")
    concern_id = conn.execute(insert(Concern).values(
        pupil_id=pupil_id, opened_on=opened_on, source=source, reason=reason, status="open",
        mas_route=_clean(mas_route, 40), phase=_clean(phase, 40), officer=officer,
        next_action=_clean(next_action, 200), next_action_on=next_action_on,
    ).returning(Concern.id)).scalar_one()
    conn.execute(insert(ConcernNote).values(concern_id=concern_id, at=audit.utcnow(), author=officer,
                                            status="open", phase=_clean(phase, 40)))
    audit.record(conn, "zaak_geopend", username=officer, role=role, object_type=audit.OBJECT_PUPIL,
                 origin=origin, object_id=pupil_id, details={"concern_id": concern_id, "bron": source})
    return concern_id


def _stale(conn: Connection, concern_id: int, expected_version: int | None) -> StaleCase:
    """What changed since ``expected_version``, in Dutch: who saved, when, and what the case is now."""
    now = conn.execute(select(Concern.status, Concern.phase, Concern.mas_route, Concern.next_action,
                              Concern.next_action_on, Concern.version)
                       .where(Concern.id == concern_id)).one()
    last = conn.execute(select(ConcernNote.author, ConcernNote.at).where(ConcernNote.concern_id == concern_id,
                                                                         ConcernNote.status.is_not(None))
                        .order_by(ConcernNote.at.desc(), ConcernNote.id.desc()).limit(1)).first()
    who = f" door {last.author} ({last.at:%d-%m-%Y %H:%M} UTC)" if last else ""
    state = [f"status {now.status}"]
    if now.phase:
        state.append(f"fase {now.phase}")
    if now.mas_route:
        state.append(f"route {now.mas_route}")
    if now.next_action:
        state.append(f"volgende actie {now.next_action}"
                     + (f" op {now.next_action_on:%d-%m-%Y}" if now.next_action_on else ""))
    return StaleCase(
        f"Deze zaak is intussen gewijzigd{who}; nu: {', '.join(state)}. Uw wijziging is niet opgeslagen "
        "maar staat nog in het formulier: controleer haar en sla opnieuw op.", now.version)


def _claim(conn: Connection, concern_id: int, expected_version: int | None):
    """Move the case's version on as the transaction's first statement, a write: on SQLite it takes
    the write lock before anything is read (a read first would leave a snapshot that a concurrent
    save makes stale), on PostgreSQL it locks the row until commit. A second save of the same
    version therefore waits for the first and then finds no row to claim (StaleCase). Returns
    the case as it is now."""
    claim = update(Concern).where(Concern.id == concern_id).values(version=Concern.version + 1)
    if expected_version is not None:
        claim = claim.where(Concern.version == expected_version)
    if conn.execute(claim).rowcount != 1:
        _case(conn, concern_id)  # a case that is gone says so
        raise _stale(conn, concern_id, expected_version)
    return _case(conn, concern_id)


def _is_officer(role: str | None) -> bool:
    return OFFICER_ROLE in (role or "").split(",")


def _check_outcome(closing: bool, outcome: str | None, explanation: str | None, role: str | None) -> None:
    """The outcome's values, before anything is written (whether it is required needs the case)."""
    if not (outcome or explanation):
        return
    if not closing:
        raise CaseError("Een uitkomst hoort bij het sluiten van een zaak: kies status gesloten, of laat de "
                        "uitkomst leeg.")
    if not _is_officer(role):
        raise CaseError("Alleen een leerplichtambtenaar legt de uitkomst van een zaak vast.")
    if outcome and outcome not in CASE_OUTCOMES:
        raise CaseError(f"Onbekende uitkomst: {outcome}.")
    if explanation and explanation not in OUTCOME_EXPLANATIONS:
        raise CaseError(f"Onbekende toelichting op de uitkomst: {explanation}.")


def _school_of(conn: Connection, pupil_id: int) -> int | None:
    row = conn.execute(select(Pupil.id, Pupil.school_id).where(Pupil.id == pupil_id)).one_or_none()
    if row is None:
        raise CaseError("Deze jongere bestaat niet (meer).")
    return row.school_id


def _case(conn: Connection, concern_id: int):
    row = conn.execute(select(Concern.pupil_id, Concern.status, Concern.phase, Concern.mas_route,
                              Concern.next_action, Concern.opened_on, Concern.closed_on, Concern.outcome,
                              Concern.outcome_explanation)
                       .where(Concern.id == concern_id)).one_or_none()
    if row is None:
        raise CaseError("Deze zaak bestaat niet (meer).")
    return row


def _require_case_of(conn: Connection, concern_id: int, pupil_id: int) -> None:
    if _case(conn, concern_id).pupil_id != pupil_id:
        raise CaseError("Deze zaak hoort niet bij deze jongere.")


def _clean(value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if len(value) > limit:
        raise CaseError(f"Tekst te lang (maximaal {limit} tekens).")
    return value or None
