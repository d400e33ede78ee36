"""The audit log: append-only, ids only — never names, notes or other personal data."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd
from sqlalchemy import Connection, insert, select

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
) -> None:
    """Write one audit row in the caller's transaction."""
    conn.execute(
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
        )
    )


def events(conn: Connection, *, username: str | None = None, action: str | None = None,
           object_type: str | None = None, object_id: str | None = None,
           since: dt.datetime | None = None, until: dt.datetime | None = None,
           limit: int = EVENTS_LIMIT) -> pd.DataFrame:
    q = select(AuditEvent.__table__).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
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
    rows = conn.execute(q).all()
    return pd.DataFrame(
        [{"tijd (UTC)": r.at, "gebruiker": r.username, "rol": r.role, "actie": r.action,
          "objecttype": r.object_type, "object": r.object_id, "resultaat": r.result,
          "herkomst": r.origin, "details": r.details} for r in rows],
        columns=["tijd (UTC)", "gebruiker", "rol", "actie", "objecttype", "object", "resultaat",
                 "herkomst", "details"],
    )


def distinct(conn: Connection, column: str) -> list[str]:
    """The values that occur in one audit column (for filter lists), sorted."""
    col = getattr(AuditEvent, column)
    return sorted(v for v in conn.execute(select(col).distinct()).scalars() if v is not None)


def to_csv(frame: pd.DataFrame) -> bytes:
    """CSV for Dutch spreadsheet software: semicolons, UTF-8 with BOM, ISO times."""
    # through the one safe writer: user names, ids and details come from people (formula injection)
    return tables.csv_bytes(frame, decimal=".", date_format="%Y-%m-%d %H:%M:%S")
