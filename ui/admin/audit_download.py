"""The audit log's CSV, made and audited when it is fetched.

The file is a deferred download: Streamlit calls the generator when the browser (or anything
else that knows the file's URL) asks for it, so every fetch writes its own audit row — a click
callback would miss a fetch by URL. The rows are read again at that moment, and the session
is checked again (still active, still beheer, not ended since): a file is decided when it is made.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import Engine

from data_access import access, audit, auth_rules, users

REFUSED = "geweigerd"


class DownloadRefused(PermissionError):
    """The session no longer allows this file (Dutch message)."""


def audit_csv_file(db: Engine, username: str, issued_at: float | None, filters: dict,
                   pupil_id: int | None, origin: str | None) -> Callable[[], bytes]:
    """Everything the generator needs is captured now: it runs outside the script run."""

    def generate() -> bytes:
        with db.begin() as conn:
            user = users.get_user(conn, username)
            problem = auth_rules.download_problem(conn, username, issued_at, access.PAGES["audit"]["roles"])
            if problem:
                audit.record(conn, audit.EXPORT, username=username, role=user.role_label if user else None,
                             object_type=audit.OBJECT_AUDIT, result=REFUSED, origin=origin,
                             details={"reden": problem})
                refused = True
            else:
                refused = False
                frame = (audit.who_saw(conn, pupil_id, **filters) if pupil_id is not None
                         else audit.events(conn, **filters))
                details = {k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in filters.items() if v}
                if pupil_id is not None:
                    details["wie_zag_jongere"] = pupil_id
                shown = {int(o) for t, o in zip(frame["objecttype"], frame["object"])
                         if t == audit.OBJECT_PUPIL and str(o).isdigit()}
                if pupil_id is not None:
                    shown.add(pupil_id)
                audit.record(conn, audit.EXPORT, username=user.username, role=user.role_label,
                             object_type=audit.OBJECT_AUDIT, origin=origin, pupil_ids=shown,
                             details={**details, "rijen": len(frame)})
        if refused:  # committed first: the refusal itself is in the log
            raise DownloadRefused("Deze download is niet meer toegestaan; log opnieuw in.")
        return audit.to_csv(frame)

    return generate
