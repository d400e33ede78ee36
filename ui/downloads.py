"""Download buttons: every table as CSV and Excel, every chart as PNG and SVG.

The table files come from data_access.exports.tables, the one writer that neutralises
spreadsheet formulas (a leading ``'`` in CSV, typed text cells in Excel); never write a table
with pandas' to_csv/to_excel directly.

Files with personal data are decided when they are made, not when their button was drawn
(issue 17 #5): the button gets a callable (Streamlit runs it on the click, in a worker thread,
outside any script run) wrapped by :func:`guarded`, which asks the database again whether the
session that drew the button may still have the file — account active, a role that may, the
session issued after the account's cut-off — and whether that browser session is still logged
in with that same login. Otherwise no file is made, the refusal is audited and the button
shows Streamlit's error; the click's rerun then shows the Dutch reason (the session ended).

Binding: Streamlit's deferred-file handler does not tell the callable which session asked
(its ``session_id`` argument is unused), so the file cannot be refused by the asker's
identity. It is bound to the drawing session instead: the id is a random uuid4 sent only to
that session's browser, Streamlit drops it when that session goes, and the generator refuses
once that session logged out or another login replaced it.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import altair as alt
import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from data_access import audit as audit_log
from data_access import auth_rules
from data_access.exports import tables
from data_access.users import User


class DownloadRefused(Exception):
    """The file was not made: the session may no longer have it (the reason is audited)."""


@dataclass(frozen=True)
class Grant:
    """The session that drew a download button, as it was when drawn."""
    username: str
    role: str | None
    issued_at: float | None
    roles: frozenset[str]  # the file needs one of these
    origin: str | None
    state: object | None  # the drawing session's (thread-safe) session state

    def session_moved_on(self) -> bool:
        """The drawing browser session logged out or holds another login now."""
        if self.state is None:
            return False
        from ui.guard import SESSION_ISSUED, SESSION_USER

        current = self.state.filtered_state  # no script-run hooks: safe from the worker thread
        return current.get(SESSION_USER) != self.username or current.get(SESSION_ISSUED) != self.issued_at


def grant(user: User, roles: frozenset[str] | set[str] | tuple[str, ...]) -> Grant:
    """The current session's grant for a file that needs one of ``roles`` (call in the script run)."""
    from ui.guard import SESSION_ISSUED, origin
    from ui.streamlit_private import script_run_context

    ctx = script_run_context()
    return Grant(user.username, user.role_label, st.session_state.get(SESSION_ISSUED), frozenset(roles),
                 origin(), ctx.session_state if ctx is not None else None)


def session_grant(db: Engine, roles: frozenset[str] | set[str] | tuple[str, ...]) -> Grant | None:
    """:func:`grant` for the logged-in user of this session (read from the database), or None."""
    from data_access import users
    from ui.guard import SESSION_USER

    username = st.session_state.get(SESSION_USER)
    if not username:
        return None
    with db.connect() as conn:
        user = users.get_user(conn, username)
    return grant(user, roles) if user is not None else None


def guarded(db: Engine, who: Grant, what: dict, generate: Callable[[], bytes]) -> Callable[[], bytes]:
    """``generate`` behind a fresh check of ``who`` at click time; a refusal is audited
    (action export, result geweigerd, ``what`` names the file) and raises DownloadRefused."""

    def run() -> bytes:
        with db.begin() as conn:
            problem = auth_rules.download_problem(conn, who.username, who.issued_at, who.roles)
            if problem is None and who.session_moved_on():
                problem = "sessie_gewisseld"
            if problem is not None:
                audit_log.record(conn, audit_log.EXPORT, username=who.username, role=who.role,
                                 object_type=what.get("object_type"), object_id=what.get("object_id"),
                                 result="geweigerd", origin=who.origin,
                                 details={"reden": problem, **{k: v for k, v in what.items()
                                                               if k not in ("object_type", "object_id")}})
        if problem is not None:
            raise DownloadRefused(problem)
        return generate()

    return run


_AUDIENCE = "downloads_roles"  # (username, issued) → roles, for file names without a database read per button


def session_roles() -> tuple[str, ...]:
    """The roles of this session's user (read once per login: a change of roles ends the session)."""
    from data_access import users
    from ui.db import engine
    from ui.guard import SESSION_ISSUED, SESSION_USER

    login = (st.session_state.get(SESSION_USER), st.session_state.get(SESSION_ISSUED))
    known = st.session_state.get(_AUDIENCE)
    if known is not None and known[0] == login:
        return known[1]
    user = None
    if login[0]:
        with engine().connect() as conn:
            user = users.get_user(conn, login[0])
    roles = tuple(user.roles) if user is not None else ()
    st.session_state[_AUDIENCE] = (login, roles)
    return roles


def file_name(what: str, roles: Iterable[str] | None = None, day: dt.date | None = None) -> str:
    """What, for whom and when: ``verzuim-trend-maand_lea_2026-12-04`` (no extension); ``roles``
    default to this session's user's, ``day`` to today."""
    return tables.file_name(what, session_roles() if roles is None else roles, day or dt.date.today())


def table_bytes_csv(frame: pd.DataFrame) -> bytes:
    return tables.csv_bytes(frame)


def table_bytes_xlsx(frame: pd.DataFrame, sheet: str = "Gegevens", text_columns: Iterable[str] = ()) -> bytes:
    return tables.xlsx_bytes(frame, sheet, text_columns)


def table_downloads(frame: pd.DataFrame, name: str, key: str, on_download=None) -> None:
    """CSV (semicolon, decimal comma, for Dutch Excel) and .xlsx of a table, built only on click
    (writing an .xlsx of a large table is slow, and it is rarely downloaded). ``name`` says what;
    the file name adds for whom and when."""
    stem = file_name(name)
    left, right = st.columns(2)
    left.download_button("Download CSV", lambda: table_bytes_csv(frame), f"{stem}.csv", "text/csv",
                         key=f"{key}-csv", on_click=on_download or "ignore", icon=":material/download:")
    right.download_button("Download Excel", lambda: table_bytes_xlsx(frame), f"{stem}.xlsx", tables.XLSX_MIME,
                          key=f"{key}-xlsx", on_click=on_download or "ignore", icon=":material/download:")


def chart_bytes(chart: alt.TopLevelMixin, fmt: str) -> bytes:
    import vl_convert as vlc

    spec = chart.to_json()
    if fmt == "svg":
        return vlc.vegalite_to_svg(spec).encode()
    return vlc.vegalite_to_png(spec, scale=2)


def chart_downloads(chart: alt.TopLevelMixin, name: str, key: str, *,
                    personal: tuple[Engine, Grant, dict] | None = None) -> None:
    """PNG and SVG of an Altair chart, rendered on the server (no browser needed).

    ``personal`` = (engine, grant, audit fields) for a chart of personal data: each file is
    checked and audited when it is made (see :func:`guarded`), and the click reruns the page,
    so a refused session sees why."""
    stem = file_name(name)
    with st.popover("Download grafiek", icon=":material/image:"):
        for label, fmt, mime in (("PNG", "png", "image/png"), ("SVG", "svg", "image/svg+xml")):
            def make(fmt: str = fmt) -> bytes:
                return chart_bytes(chart, fmt)

            data = make
            if personal is not None:
                db, who, what = personal
                data = guarded(db, who, {**what, "formaat": fmt}, _audited(db, who, {**what, "formaat": fmt}, make))
            st.download_button(label, data, f"{stem}.{fmt}", mime, key=f"{key}-{fmt}",
                               on_click="ignore" if personal is None else "rerun")


def _audited(db: Engine, who: Grant, what: dict, generate: Callable[[], bytes]) -> Callable[[], bytes]:
    """``generate`` with an audit row for the file it made (personal data leaves only with its row)."""

    def run() -> bytes:
        data = generate()
        with db.begin() as conn:
            audit_log.record(conn, audit_log.EXPORT, username=who.username, role=who.role,
                             object_type=what.get("object_type"), object_id=what.get("object_id"),
                             origin=who.origin, pupil_ids=[int(what["object_id"])]
                             if what.get("object_type") == audit_log.OBJECT_PUPIL else None,
                             details={k: v for k, v in what.items() if k not in ("object_type", "object_id")})
        return data

    return run
