"""The audit log: append-only, ids only — never names, notes or other personal data."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd
from collections.abc import Iterable

from sqlalchemy import Column, Connection, ForeignKey, Index, Integer, MetaData, Table, insert, or_, select

from data_access.exports import tables
from data_access.models import AuditEvent

# The actions this app writes (values are stored; Dutch because the audit page shows them).
LOGIN = "inloggen"                  # result: ok / mislukt / geblokkeerd / geweigerd
LOCKOUT = "account_geblokkeerd"      # the failure that started a lockout
LOGOUT = "uitloggen"
SESSION_ENDED = "sessie_beeindigd"   # disabled account or logged out elsewhere, mid-session
COOKIE_REFUSED = "cookie_geweigerd"  # forged, expired or revoked session cookie
ACCESS_DENIED = "toegang_geweigerd"
VIEW = "bekijken"                    # a page or record with personal data
EXPORT = "export"
USER_ADDED = "gebruiker_toegevoegd"
ROLES_CHANGED = "rollen_gewijzigd"
PASSWORD_CHANGED = "wachtwoord_gewijzigd"
USER_DISABLED = "gebruiker_uitgeschakeld"
USER_ENABLED = "gebruiker_ingeschakeld"
SESSIONS_REVOKED = "sessies_ingetrokken"  # beheer (or the CLI) ended every session of an account
# other modules add their own, e.g. "import", "statusrapport_toegevoegd", "contact_toegevoegd"

OBJECT_PUPIL = "pupil"
OBJECT_USER = "gebruiker"
OBJECT_PAGE = "pagina"
OBJECT_AUDIT = "auditlog"
EVENTS_LIMIT = 5000

# Which pupils one event showed or wrote (migration 0007): one narrow row per pupil, so "who saw
# youth X" is an index look-up. Kept out of models.Base on purpose: code that walks every data
# table (the demo's emptying, table counts, dumps) must never touch the audit trail.
AUDIT_PUPIL = Table(
    "audit_pupil", MetaData(),
    Column("event_id", Integer, ForeignKey(AuditEvent.__table__.c.id), primary_key=True),
    Column("pupil_id", Integer, primary_key=True),
    Index("ix_audit_pupil_pupil", "pupil_id", "event_id"),
)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def record(
    conn: Connection,
    action: str,
    *,
    username: str | None,
    role: str | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    result: str = "ok",
    origin: str | None = None,
    details: dict | None = None,
    pupil_ids: Iterable[int] | None = None,
) -> int:
    """Write one audit row in the caller's transaction, and with ``pupil_ids`` one audit_pupil
    row per distinct pupil the event showed or wrote (one multi-row insert). Returns the event id."""
    event_id = conn.execute(
        insert(AuditEvent).values(
            at=utcnow(),
            username=username,
            role=role,
            action=action,
            object_type=object_type,
            object_id=None if object_id is None else str(object_id),
            result=result,
            origin=origin,
            details=json.dumps(details, ensure_ascii=False, default=str) if details else None,
        ).returning(AuditEvent.id)
    ).scalar_one()
    if pupil_ids is not None:
        ids = sorted({int(i) for i in pupil_ids})
        if ids:
            conn.execute(insert(AUDIT_PUPIL), [{"event_id": event_id, "pupil_id": i} for i in ids])
    return event_id


# The free text beside an export's purpose: kept for the privacy officer, who reads it from the
# database; beheer sees only its length, because people type names there despite the hint.
EXPLANATION = "toelichting"


def record_export(conn: Connection, *, username: str, role: str, object_type: str, object_id: str,
                  purpose: str, explanation: str, file_format: str, pupil_ids: Iterable[int],
                  origin: str | None = None, **context) -> int:
    """An export of personal data: the purpose chosen from the list (doelbinding), the free-text
    explanation, the format, ``context`` (e.g. filters, peildatum) and one audit_pupil row per
    pupil in the file. Returns the event id."""
    if not purpose.strip():
        raise ValueError("Een doel (doelbinding) is verplicht bij een export.")
    ids = sorted({int(i) for i in pupil_ids})
    details = {"doel": purpose.strip(), "formaat": file_format, **context, "rijen": len(ids)}
    if explanation.strip():
        details[EXPLANATION] = explanation.strip()
    return record(conn, EXPORT, username=username, role=role, object_type=object_type, object_id=object_id,
                  origin=origin, pupil_ids=ids, details=details)


def shown_details(details: str | None) -> str | None:
    """The details as the audit page and its CSV show them: an export's explanation only by length."""
    if not details or EXPLANATION not in details:
        return details
    try:
        parsed = json.loads(details)
    except ValueError:
        return details
    if isinstance(parsed, dict) and isinstance(parsed.get(EXPLANATION), str):
        parsed[EXPLANATION] = f"({len(parsed[EXPLANATION])} tekens, niet getoond)"
        return json.dumps(parsed, ensure_ascii=False)
    return details


def who_saw(conn: Connection, pupil_id: int, **filters) -> pd.DataFrame:
    """Every event that showed, wrote or changed this pupil, newest first: list views and exports
    that named it (audit_pupil) and events about it alone (detail views, contacts, cases).
    ``filters``: those of ``events`` (user, action, period, limit)."""
    return events(conn, pupil_id=pupil_id, **filters)


def pupil_ids_of(conn: Connection, event_id: int) -> list[int]:
    """The pupils one event named, ascending."""
    return list(conn.execute(select(AUDIT_PUPIL.c.pupil_id).where(AUDIT_PUPIL.c.event_id == event_id)
                             .order_by(AUDIT_PUPIL.c.pupil_id)).scalars())


def events(conn: Connection, *, username: str | None = None, action: str | None = None,
           object_type: str | None = None, object_id: str | None = None,
           since: dt.datetime | None = None, until: dt.datetime | None = None,
           limit: int = EVENTS_LIMIT, pupil_id: int | None = None) -> pd.DataFrame:
    q = select(AuditEvent.__table__).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    if pupil_id is not None:
        named = select(AUDIT_PUPIL.c.event_id).where(AUDIT_PUPIL.c.pupil_id == int(pupil_id))
        q = q.where(or_(AuditEvent.id.in_(named),
                        (AuditEvent.object_type == OBJECT_PUPIL) & (AuditEvent.object_id == str(int(pupil_id)))))
    if username:
        q = q.where(AuditEvent.username == username)
    if action:
        q = q.where(AuditEvent.action == action)
    if object_type:
        q = q.where(AuditEvent.object_type == object_type)
    if object_id:
        q = q.where(AuditEvent.object_id == str(object_id))
    if since:
        q = q.where(AuditEvent.at >= since)
    if until:
        q = q.where(AuditEvent.at < until)
    return _frame(conn.execute(q).all())


def _frame(rows) -> pd.DataFrame:
    return pd.DataFrame(
        [{"tijd (UTC)": r.at, "gebruiker": r.username, "rol": r.role, "actie": r.action,
          "objecttype": r.object_type, "object": r.object_id, "resultaat": r.result,
          "herkomst": r.origin, "details": shown_details(r.details)} for r in rows],
        columns=["tijd (UTC)", "gebruiker", "rol", "actie", "objecttype", "object", "resultaat",
                 "herkomst", "details"],
    )


def distinct(conn: Connection, column: str) -> list[str]:
    """The values that occur in one audit column (for filter lists), sorted."""
    col = getattr(AuditEvent, column)
    return sorted(v for v in conn.execute(select(col).distinct()).scalars() if v is not None)


def to_csv(frame: pd.DataFrame) -> bytes:
    """CSV for Dutch spreadsheet software: semicolons, UTF-8 with BOM, times dd-mm-jjjj hh:mm:ss."""
    # through the one safe writer: user names, ids and details come from people (formula injection)
    return tables.csv_bytes(frame)
