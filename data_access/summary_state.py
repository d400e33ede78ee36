"""Whether a summary table still matches the rows it was built from.

Read by the pages (data_access.queries) and by the summary builder (data_access.aggregates), so it
sits apart from both: the queries never import the builder.
"""
from __future__ import annotations

from sqlalchemy import Connection, text


def contact_segment_is_stale(conn: Connection) -> bool:
    """A school's sector or scope changed (schools import) since contact_segment was built: its
    contacts are counted there under the old sector or scope."""
    return conn.execute(_CONTACT_SEGMENT_STALE).first() is not None


_CONTACT_SEGMENT_STALE = text(
    "SELECT 1 FROM contact_segment_school built JOIN school ON school.id = built.school_id "
    "WHERE school.sector <> built.sector OR school.in_scope <> built.in_scope")
