"""The audit log: append-only, ids only — never names, notes or other personal data."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd
from sqlalchemy import Connection, insert, select

from data_access.models import AuditEvent


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
           limit: int = 5000) -> pd.DataFrame:
    q = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
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
    rows = conn.execute(q).scalars().all()
    return pd.DataFrame(
        [{"tijd (UTC)": r.at, "gebruiker": r.username, "rol": r.role, "actie": r.action,
          "objecttype": r.object_type, "object": r.object_id, "resultaat": r.result,
          "herkomst": r.origin, "details": r.details} for r in rows],
        columns=["tijd (UTC)", "gebruiker", "rol", "actie", "objecttype", "object", "resultaat",
                 "herkomst", "details"],
    )
