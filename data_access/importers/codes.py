"""The LAS code table (absence_code: source, code → category), edited on the beheer page.

A registration imported with an unknown code is stored as category ``onbekend``. When the code
is later mapped, those registrations get the new category and the summaries of the schools and
weeks involved are rebuilt. Registrations that already had a category keep it (the absence table
does not keep the LAS source, so a re-mapping cannot be applied to them safely): re-deliver the
period with "periode vervangen" to recategorise them.
"""
from __future__ import annotations


import pandas as pd
from sqlalchemy import Connection, delete, func, insert, select, update

from data_access import audit
from data_access.definitions.absence import CATEGORIES
from data_access.definitions.calendar import as_date
from data_access.importers.kinds import CATEGORY_CHOICES, Refresh, norm_key
from data_access.models import Absence, AbsenceCode

ASSIGNABLE = tuple(c for c in CATEGORIES if c != "onbekend")


def list_codes(conn: Connection) -> pd.DataFrame:
    rows = conn.execute(select(AbsenceCode.source, AbsenceCode.code, AbsenceCode.category,
                               AbsenceCode.description).order_by(AbsenceCode.source, AbsenceCode.code)).all()
    return pd.DataFrame(rows, columns=["bron", "code", "categorie", "omschrijving"])


def unknown_in_use(conn: Connection) -> pd.DataFrame:
    """Codes of registrations stored as 'onbekend', with how often they occur."""
    rows = conn.execute(select(Absence.code, func.count(), func.min(Absence.date), func.max(Absence.date))
                        .where(Absence.category == "onbekend").group_by(Absence.code)
                        .order_by(Absence.code)).all()
    return pd.DataFrame([(c, n, as_date(a), as_date(b)) for c, n, a, b in rows],
                        columns=["code", "registraties", "eerste datum", "laatste datum"])


def normalise(source: str | None, code: str, category: str) -> tuple[str, str, str]:
    source = (source or "*").strip() or "*"
    code = code.strip().upper().replace(" ", "")
    if not code or len(code) > 10:
        raise ValueError("Een code heeft 1 tot 10 tekens.")
    if len(source) > 40:
        raise ValueError("De bron heeft hoogstens 40 tekens.")
    mapped = {norm_key(k): v for k, v in CATEGORY_CHOICES.items()}.get(norm_key(category))
    if mapped is None:
        raise ValueError(f"Onbekende categorie '{category}'. Kies uit: {', '.join(ASSIGNABLE)}.")
    return source, code, mapped


def recategorise(conn: Connection, code: str, category: str) -> tuple[int, Refresh | None]:
    """Give registrations stored as 'onbekend' with this code their category."""
    where = (Absence.code == code, Absence.category == "onbekend")
    span = conn.execute(select(func.count(), func.min(Absence.date), func.max(Absence.date)).where(*where)).one()
    if not span[0]:
        return 0, None
    schools = {s for (s,) in conn.execute(select(Absence.school_id).where(*where).distinct())}
    conn.execute(update(Absence).where(*where).values(category=category))
    return span[0], Refresh("absence", schools, as_date(span[1]), as_date(span[2]))


def set_code(conn: Connection, source: str | None, code: str, category: str, description: str | None,
             *, username: str | None, role: str | None = None, origin: str | None = None) -> int:
    """Add or change one mapping (audited); returns how many 'onbekend' registrations got a category."""
    from data_access import aggregates

    source, code, category = normalise(source, code, category)
    description = (description or "").strip() or None
    existing = conn.execute(select(AbsenceCode.id, AbsenceCode.category).where(
        AbsenceCode.source == source, AbsenceCode.code == code)).first()
    if existing is None:
        conn.execute(insert(AbsenceCode).values(source=source, code=code, category=category,
                                                description=description))
        before = None
    else:
        conn.execute(update(AbsenceCode).where(AbsenceCode.id == existing.id).values(
            category=category, description=description))
        before = existing.category
    n, refresh = recategorise(conn, code, category)
    if refresh:
        aggregates.refresh_absence(conn, refresh.school_ids, refresh.start, refresh.end)
    audit.record(conn, "codetabel_wijzigen", username=username, role=role, object_type="absence_code",
                 object_id=f"{source}:{code}", origin=origin,
                 details={"category": category, "previous": before, "recategorised": n})
    return n


def delete_code(conn: Connection, source: str, code: str, *, username: str | None, role: str | None = None,
                origin: str | None = None) -> bool:
    """Remove a mapping (audited). Registrations keep the category they already have."""
    gone = conn.execute(delete(AbsenceCode).where(AbsenceCode.source == source,
                                                  AbsenceCode.code == code)).rowcount
    if gone:
        audit.record(conn, "codetabel_wijzigen", username=username, role=role, object_type="absence_code",
                     object_id=f"{source}:{code}", origin=origin, details={"deleted": True})
    return bool(gone)


