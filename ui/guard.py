"""The role guard every page module calls first, and the page-side audit helper.

Streamlit's legacy ``pages/`` router can run a page file before app.py ever ran in a session,
so the page itself must refuse to render unless the session holds a user whose *current*
roles (read from the database now, not from the session or a cookie) allow the page, and
whose session was started after the user's last logout.
"""
from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAPIException

from data_access import access, audit as audit_log, auth_rules, users
from ui.db import engine, stop_if_unreachable

SESSION_USER = "lea_username"
SESSION_ISSUED = "lea_auth_at"  # POSIX time the session (or the cookie it came from) was issued
LAST_PAGE = "lea_last_page"
WANTED = "lea_wanted_page"      # (page key, query parameters) asked for before logging in

# Pages whose every visit is audited: those with personal data of children, and the audit log.
VIEW_AUDITED_PAGES = {key for key, page in access.PAGES.items()
                      if page["roles"] <= access.PERSONAL_DATA_ROLES} | {"audit"}


def client_origin(forwarded: object, ip: object, host: object, trusted_hops: int) -> str | None:
    """The client address, given how many reverse proxies in front of the app are trusted.

    Every proxy appends the address it received the request from to X-Forwarded-For, so with N
    trusted proxies the N-th entry from the right is the address the first trusted proxy saw;
    anything left of it was written by the client and may be forged. With 0 (the default) the
    header is ignored: a client could send any value. Too few entries (a request that did not
    pass every proxy) → the peer address, never a client-written entry."""
    if trusted_hops > 0 and isinstance(forwarded, str):
        entries = [e.strip() for e in forwarded.split(",")]
        if len(entries) >= trusted_hops and entries[-trusted_hops]:
            return entries[-trusted_hops][:100]
    for value in (ip, host):  # (values that are not strings come from a test harness)
        if isinstance(value, str) and value:
            return value[:100]
    return None


def trusted_hops() -> int:
    """``[proxy] trusted_hops`` in secrets: the reverse proxies in front of the app (default 0)."""
    try:
        value = int((st.secrets.get("proxy") or {}).get("trusted_hops", 0))
    except Exception:  # noqa: BLE001 - no secrets file, or not a number: trust no proxy
        return 0
    return max(value, 0)


def origin() -> str | None:
    """Where the request came from, where known (see client_origin)."""
    try:
        headers = st.context.headers
        forwarded, ip, host = headers.get("X-Forwarded-For"), st.context.ip_address, headers.get("Host")
    except Exception:  # noqa: BLE001 - outside a request there is no origin
        return None
    return client_origin(forwarded, ip, host, trusted_hops())


def audit(user: users.User | None, action: str, *, object_type: str | None = None,
          object_id: str | int | None = None, result: str = "ok", details: dict | None = None,
          conn=None) -> None:
    """Write one audit row for the current session (ids only — never names or notes)."""
    kwargs = dict(username=user.username if user else None, role=user.role_label if user else None,
                  object_type=object_type, object_id=object_id, result=result, origin=origin(),
                  details=details)
    if conn is not None:
        audit_log.record(conn, action, **kwargs)
        return
    with engine().begin() as own:
        audit_log.record(own, action, **kwargs)


def _to_login(page: str) -> None:
    """Not logged in: go to the login (app.py); where that is impossible, say so and stop.

    The page and its query parameters are remembered: after the login the start page goes there
    (the switch to app.py itself loses the URL)."""
    st.session_state[WANTED] = (page, st.query_params.to_dict())
    try:
        st.switch_page("app.py")  # only possible while the legacy pages/ router runs this page
    except StreamlitAPIException:
        pass
    st.warning("Log eerst in om deze pagina te zien.")
    st.stop()


def require(page: str) -> users.User:
    stop_if_unreachable()
    username = st.session_state.get(SESSION_USER)
    with engine().connect() as conn:
        user = users.get_user(conn, username) if username else None
    if user is None or auth_rules.session_problem(user.active, user.last_logout_at,
                                                  st.session_state.get(SESSION_ISSUED)):
        _to_login(page)
    if not access.may_open(user.roles, page):
        audit(user, audit_log.ACCESS_DENIED, object_type=audit_log.OBJECT_PAGE, object_id=page, result="geweigerd")
        st.error("U heeft geen toegang tot deze pagina.")
        st.stop()
    st.session_state.pop(WANTED, None)
    if page in VIEW_AUDITED_PAGES and st.session_state.get(LAST_PAGE) != page:
        audit(user, audit_log.VIEW, object_type=audit_log.OBJECT_PAGE, object_id=page)
    st.session_state[LAST_PAGE] = page
    return user
