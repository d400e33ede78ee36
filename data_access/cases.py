"""What an officer changes on the /jongeren page: contacts, case notes, case status, new cases.

Each function writes its rows *and* one audit row in the caller's transaction (use
``with engine.begin() as conn``), so a change is never stored without its audit row and vice
versa. The audit row holds ids and codes only — never a name, a reason or a note.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, insert, select, update

from data_access import aggregates, audit
from data_access.models import CONTACT_CHANNELS, CONTACT_TARGETS, Concern, ConcernNote, Contact, Pupil

# The vocabulary of the demo municipality (data_access/demo.py); a database may hold others,
# which the page shows as they are.
CASE_STATUSES = ("open", "in_behandeling", "gesloten")
CLOSED_STATUSES = ("gesloten", "afgesloten")
CASE_PHASES = ("intake", "onderzoek", "plan van aanpak", "uitvoering", "afgesloten")
MAS_ROUTES = ("MAS-1 preventief", "MAS-2 zorg", "MAS-3 handhaving")
CASE_SOURCES = ("school", "DUO-melding", "GGD", "jeugdconsulent", "ouders", "politie", "leerplicht")
CONTACT_PURPOSES = ("intake", "voortgang", "huisbezoek", "gesprek na melding", "casusoverleg")
MAX_NOTE = 4000


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
                       expected_version: int | None = None) -> int:
    """Change a case's status (and phase, route, next action); the change goes into the case
    history as a note. Closing sets ``closed_on``; reopening clears it. Returns the note id.

    ``expected_version``: the case's version when the form was drawn (``case_version``). When the
    case was saved by someone else since, nothing is written and StaleCase says what changed."""
    # The version is claimed by the transaction's first statement, a write: on SQLite it takes the
    # write lock before anything is read (a read first would leave a snapshot that a concurrent
    # save makes stale), on PostgreSQL it locks the row until commit. A second save of the same
    # version therefore waits for the first and then finds no row to claim.
    claim = update(Concern).where(Concern.id == concern_id).values(version=Concern.version + 1)
    if expected_version is not None:
        claim = claim.where(Concern.version == expected_version)
    if conn.execute(claim).rowcount != 1:
        _case(conn, concern_id)  # a case that is gone says so
        raise _stale(conn, concern_id, expected_version)
    case = _case(conn, concern_id)
    if status not in CASE_STATUSES and status != case.status:
        raise CaseError(f"Onbekende status: {status}.")
    on = on or dt.date.today()
    closing = status in CLOSED_STATUSES
    values = {"status": status, "closed_on": (case.closed_on or on) if closing else None,
              "phase": _clean(phase, 40) or case.phase, "mas_route": _clean(mas_route, 40) or case.mas_route,
              "next_action": _clean(next_action, 200) if next_action is not None else case.next_action,
              "next_action_on": None if closing else next_action_on}
    conn.execute(update(Concern).where(Concern.id == concern_id).values(**values))
    note_id = conn.execute(insert(ConcernNote).values(
        concern_id=concern_id, at=audit.utcnow(), author=author, status=status, phase=values["phase"],
        note=_clean(note, MAX_NOTE),
    ).returning(ConcernNote.id)).scalar_one()
    audit.record(conn, "status_gewijzigd", username=author, role=role, object_type=audit.OBJECT_PUPIL,
                 origin=origin, object_id=case.pupil_id,
                 details={"concern_id": concern_id, "note_id": note_id, "van": case.status, "naar": status})
    return note_id


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


def _school_of(conn: Connection, pupil_id: int) -> int | None:
    row = conn.execute(select(Pupil.id, Pupil.school_id).where(Pupil.id == pupil_id)).one_or_none()
    if row is None:
        raise CaseError("Deze jongere bestaat niet (meer).")
    return row.school_id


def _case(conn: Connection, concern_id: int):
    row = conn.execute(select(Concern.pupil_id, Concern.status, Concern.phase, Concern.mas_route,
                              Concern.next_action, Concern.closed_on)
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
