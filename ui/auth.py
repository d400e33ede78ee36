"""Login, logout and the session.

Local accounts: a Dutch login form; the password is checked by streamlit-authenticator
(its AuthenticationModel, bcrypt) against credentials built from ``app_user`` on every
attempt, after the database lockout check (data_access.auth_rules). The form is handled in
the submit button's callback, before the script runs, and the attempt is recorded without
touching Streamlit in between, so no rerun (the cookie component's, a double click) can lose
or un-count it. The library's own login widget is not used: its failures do not say which
name was tried, its lockout counter lives in memory and its cookie has no issue time.

The session cookie is our own JWT (HS256, key from secrets) with ``iat``; it is set and
deleted through the authenticator's cookie manager (JavaScript, SameSite=Strict, Secure over
HTTPS, not HttpOnly) and checked on the server against the key, the expiry, the account and
its last logout. A logout ends every session and cookie of that user issued before it.

Single sign-on: when ``[auth]`` is in secrets, Streamlit's st.login (OpenID Connect)
replaces the form; the account is the ``app_user`` with the same e-mail address.

Roles are never taken from the session or a cookie: the user is re-read on every run.

Database trouble (locked by a long write, read-only, gone) on any login path — the form, the
cookie check, single sign-on, logout — is shown as a Dutch message that says what to do,
never as a traceback: a locked database means "wait a few seconds", the rest "not reachable".
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from collections.abc import Mapping

import streamlit as st
import streamlit_authenticator as stauth
from sqlalchemy.exc import DBAPIError, OperationalError
from streamlit_authenticator.models import AuthenticationModel

from data_access import audit as audit_log
from data_access import auth_rules, users
from data_access.settings import read_secrets
from ui.db import engine, has_accounts, is_demo, trouble
from ui.guard import LAST_PAGE, SESSION_ISSUED, SESSION_USER, audit, origin
from ui.text import plain

PENDING_COOKIE = "lea_pending_cookie"      # (component key, token, expires) to set in the browser
PENDING_DELETE = "lea_pending_cookie_del"  # component key of a cookie deletion still to run
COOKIE_CHECKED = "lea_cookie_checked"      # the request's cookie was judged (once per session)
SSO_REFUSED = "lea_sso_refused"
NOTICE = "lea_login_notice"
LOGIN_ERROR = "lea_login_error"
AUTHENTICATOR_KEYS = ("name", "username", "authentication_status", "email", "roles")

FAILED = "Inloggen mislukt: gebruikersnaam of wachtwoord onjuist."
LOCKED = ("Te veel mislukte pogingen: inloggen met deze gebruikersnaam is tijdelijk geblokkeerd. "
          "Probeer het over {minutes} minuten opnieuw of neem contact op met functioneel beheer.")
THROTTLED = "Te veel inlogpogingen kort na elkaar; probeer het over {seconds} seconden opnieuw."
SESSION_ENDED = "Uw sessie is beëindigd. Log opnieuw in."
LOGGED_OUT = "U bent uitgelogd."
DB_BUSY = ("De database is even bezet (er loopt waarschijnlijk een import) — probeer het over een paar "
           "seconden opnieuw.")
DB_UNAVAILABLE = ("De database is op dit moment niet bereikbaar of alleen-lezen, dus inloggen lukt nu niet. "
                  "Probeer het over enkele minuten opnieuw; blijft dit zo, neem dan contact op met de "
                  "functioneel beheerder.")
LOGOUT_NOT_RECORDED = ("U bent in deze browser uitgelogd, maar de database kon het uitloggen niet vastleggen, "
                       "dus uw sessies op andere apparaten lopen nog. Log later opnieuw in en uit, of vraag "
                       "functioneel beheer om al uw sessies te beëindigen.")
DB_ERRORS = (DBAPIError, OperationalError)


def database_message(exc: BaseException) -> str:
    """The Dutch message for a database error on a login path: wait (locked) or not reachable."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    busy = ("database is locked", "database is busy", "database table is locked", "lock timeout",
            "could not obtain lock", "deadlock detected", "could not serialize")
    return DB_BUSY if any(marker in text for marker in busy) else DB_UNAVAILABLE


def _log_database_error(where: str, exc: BaseException) -> None:
    # for the operator's log: the cause, without a traceback in the browser
    print(f"LEA-dashboard: databasefout bij {where}: {type(exc).__name__}: {getattr(exc, 'orig', exc)}",
          file=sys.stderr)


# --- settings ------------------------------------------------------------------------------


def _settings() -> tuple[auth_rules.CookieConfig, auth_rules.LockoutPolicy]:
    secrets = read_secrets()
    try:
        return (auth_rules.cookie_config(secrets, demo=is_demo(), engine=engine()),
                auth_rules.LockoutPolicy.from_secrets(secrets))
    except auth_rules.ConfigError as exc:
        _refuse_to_start(str(exc))
        raise  # not reached: st.stop()


def _throttle() -> auth_rules.ThrottlePolicy:
    try:
        return auth_rules.ThrottlePolicy.from_secrets(read_secrets())
    except auth_rules.ConfigError as exc:
        _refuse_to_start(str(exc))
        raise  # not reached: st.stop()


def _refuse_to_start(message: str) -> None:
    print(f"LEA-dashboard: {message}", file=sys.stderr)

    def configuration_error() -> None:
        st.title("LEA-dashboard")
        st.error(message, icon=":material/key_off:")

    # st.navigation on every run (also here), so the legacy pages/ router is switched off.
    st.navigation([st.Page(configuration_error, title="Configuratiefout", url_path="configuratiefout")],
                  position="hidden").run()
    st.stop()


def sso_enabled() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all
        return False


def _sso_providers() -> list[str]:
    section = st.secrets["auth"]
    return [name for name, value in section.items() if isinstance(value, Mapping)]


def _authenticator(config: auth_rules.CookieConfig) -> stauth.Authenticate:
    """streamlit-authenticator with credentials from the database (never a YAML path)."""
    with engine().connect() as conn:
        credentials = auth_rules.credentials(conn)
    return stauth.Authenticate(credentials, cookie_name=config.name, cookie_key=config.key,
                               cookie_expiry_days=config.expiry_hours / 24, auto_hash=False,
                               login_sleep_time=0)


def _https() -> bool:
    try:
        url, proto = st.context.url, st.context.headers.get("X-Forwarded-Proto")
    except Exception:  # noqa: BLE001
        return False
    return (isinstance(url, str) and url.startswith("https://")) or proto == "https"


# --- the session ---------------------------------------------------------------------------


def _start_session(username: str, issued_at: float, pending_cookie: tuple | None = None) -> None:
    # Every session-state write is a point where Streamlit may abort for a newer request:
    # the user key goes last, so a session is either complete or not there at all.
    st.session_state[SESSION_ISSUED] = issued_at
    st.session_state[COOKIE_CHECKED] = True
    if pending_cookie:
        st.session_state[PENDING_COOKIE] = pending_cookie
        st.session_state.pop(PENDING_DELETE, None)
    st.session_state.pop(LAST_PAGE, None)
    st.session_state.pop(NOTICE, None)
    st.session_state[SESSION_USER] = username


def _clear_session() -> None:
    st.session_state.pop(SESSION_USER, None)  # first: from here on the session is logged out
    for key in (SESSION_ISSUED, PENDING_COOKIE, LAST_PAGE):
        st.session_state.pop(key, None)
    for key in AUTHENTICATOR_KEYS:  # as streamlit-authenticator's logout leaves them
        st.session_state[key] = None
    st.session_state["logout"] = True


def _forget_cookie() -> None:
    st.session_state[PENDING_DELETE] = f"lea_cookie_delete_{dt.datetime.now().timestamp():.6f}"


def _sync_cookie(config: auth_rules.CookieConfig) -> None:
    """Set or delete the session cookie in the browser, rendering the component until it ran."""
    delete_key = st.session_state.get(PENDING_DELETE)
    pending = st.session_state.get(PENDING_COOKIE)
    if delete_key and st.session_state.get(delete_key) is True:
        st.session_state.pop(PENDING_DELETE, None)
        delete_key = None
    if pending and st.session_state.get(pending[0]) is True:
        st.session_state.pop(PENDING_COOKIE, None)
        pending = None
    if not delete_key and not pending:
        return
    manager = _authenticator(config).cookie_controller.cookie_model.cookie_manager
    if pending:
        key, token, expires = pending
        manager.set(config.name, token, key=key, same_site="strict", secure=_https() or None,
                    expires_at=dt.datetime.fromtimestamp(expires, dt.UTC))
    elif delete_key:
        try:
            manager.delete(config.name, key=delete_key)
        except KeyError:  # the cookie manager had not read the browser's cookies yet
            pass


def _end_session(user: users.User | None, username: str, reason: str) -> None:
    audit(user, audit_log.SESSION_ENDED, object_type=audit_log.OBJECT_USER, object_id=username,
          result="geweigerd", details={"reden": reason})
    _clear_session()
    _forget_cookie()
    st.session_state[NOTICE] = SESSION_ENDED


def current_user() -> users.User | None:
    """The logged-in user as the database says now, or None (then the login page is shown).

    Stops with a Dutch error page when the cookie key is missing or weak outside demo mode, and
    when the database cannot answer (busy or not reachable) — the next run tries again.
    """
    try:
        return _current_user()
    except DB_ERRORS as exc:
        _log_database_error("de sessiecontrole", exc)
        if not st.session_state.get(SESSION_USER):
            st.session_state[COOKIE_CHECKED] = False  # the cookie was not judged: judge it next run
        trouble(database_message(exc))
        raise  # not reached: st.stop()


def _current_user() -> users.User | None:
    config, _policy = _settings()
    if sso_enabled():
        return _sso_user()
    username = st.session_state.get(SESSION_USER)
    user = None
    if username:
        with engine().connect() as conn:
            user = users.get_user(conn, username)
        problem = ("onbekende_gebruiker" if user is None else
                   auth_rules.session_problem(user.active, user.last_logout_at, st.session_state.get(SESSION_ISSUED)))
        if problem:
            _end_session(user, username, problem)
            user = None
    elif not st.session_state.get(COOKIE_CHECKED):
        st.session_state[COOKIE_CHECKED] = True
        user = _user_from_cookie(config)
    _sync_cookie(config)
    return user


def _user_from_cookie(config: auth_rules.CookieConfig) -> users.User | None:
    token = st.context.cookies.get(config.name)
    if not isinstance(token, str) or not token:
        return None
    with engine().begin() as conn:
        check = auth_rules.check_token(conn, token, config)
        user = users.get_user(conn, check.username) if check.ok else None
        if user is None:
            audit(None, audit_log.COOKIE_REFUSED, result="geweigerd", details={"reden": check.reason}, conn=conn)
            return None
        audit(user, audit_log.LOGIN, object_type=audit_log.OBJECT_USER, object_id=user.username,
              details={"methode": "cookie"}, conn=conn)
    _start_session(user.username, check.issued_at)
    return user


# --- pages ---------------------------------------------------------------------------------


def login_page() -> None:
    st.title("LEA-dashboard")
    if sso_enabled():
        _sso_login_panel()
        return
    with st.form("lea_login"):
        st.subheader("Inloggen")
        st.text_input("Gebruikersnaam", key="lea_login_username", autocomplete="username")
        st.text_input("Wachtwoord", type="password", key="lea_login_password", autocomplete="current-password")
        # Handled in the callback, before the script runs: no component render or rerun in
        # between can swallow the submission (a pitfall of the library's own form).
        st.form_submit_button("Inloggen", type="primary", icon=":material/login:", on_click=_submit_login)
    error = st.session_state.pop(LOGIN_ERROR, None)
    notice = st.session_state.get(NOTICE)
    try:
        empty = not has_accounts()
    except DB_ERRORS as exc:  # the form is still useful: its submit says what is wrong
        _log_database_error("het tellen van de accounts", exc)
        empty = False
    if empty:
        st.info("Deze installatie heeft nog geen accounts. Functioneel beheer maakt ze met "
                "`lea user add` (of bouwt de demo met `lea demo`).", icon=":material/person_add:")
    if error:
        st.error(error, icon=":material/error:")
    elif notice == LOGOUT_NOT_RECORDED:
        st.warning(notice, icon=":material/warning:")
    elif notice:
        st.info(notice, icon=":material/info:")


def _submit_login() -> None:
    try:
        message = _try_login(st.session_state.get("lea_login_username"),
                             st.session_state.get("lea_login_password"))
    except DB_ERRORS as exc:
        _log_database_error("het inloggen", exc)
        message = database_message(exc)
    st.session_state["lea_login_password"] = ""
    if message:
        st.session_state[LOGIN_ERROR] = message


def _try_login(username: str | None, password: str | None) -> str | None:
    """Check one attempt; None on success (session started), else the Dutch message to show.

    Nothing inside the transaction touches Streamlit: a session-state write is a point where
    Streamlit may abort the run for a newer request, which would roll back the recorded attempt.
    """
    config, policy = _settings()
    where = origin()
    with engine().connect() as conn:
        credentials = auth_rules.credentials(conn)
    # streamlit-authenticator's password check (bcrypt) against the credentials from the database
    model = AuthenticationModel(credentials, auto_hash=False, secret_key=config.key)

    def verify(name: str, secret: str) -> bool:
        return model.check_credentials(name, secret) is True

    def record(conn, action: str, result: str, account: users.User | None, actor: users.User | None,
               details: dict) -> None:
        audit_log.record(conn, action, username=actor.username if actor else None,
                         role=actor.role_label if actor else None, object_type=audit_log.OBJECT_USER,
                         object_id=account.username if account else None, result=result, origin=where,
                         details=details)

    # the engine, not a connection: the attempt is committed before its password check (lockout)
    outcome = auth_rules.attempt_login(engine(), username or "", password or "", credentials, verify, policy,
                                       origin=where, throttle=_throttle())
    with engine().begin() as conn:
        account = users.get_user(conn, outcome.username) if outcome.username else None
        record(conn, audit_log.LOGIN, outcome.status, account, account if outcome.ok else None,
               {"methode": "wachtwoord"} if account else {"methode": "wachtwoord", "bekende_naam": False})
        if outcome.just_locked:
            record(conn, audit_log.LOCKOUT, "geblokkeerd", account, None,
                   {"tot": outcome.locked_until.isoformat(timespec="seconds")})
    if outcome.ok:
        token, issued, expires = auth_rules.issue_token(outcome.username, config)
        _start_session(outcome.username, issued, (f"lea_cookie_set_{issued:.6f}", token, expires))
        # streamlit-authenticator's session keys, as its own login sets them
        st.session_state.update(name=account.name, username=account.username, email=account.email,
                                roles=list(account.roles), authentication_status=True, logout=None)
        return None
    st.session_state["authentication_status"] = False
    if outcome.status == "vertraagd":
        remaining = (outcome.locked_until - auth_rules.utcnow()).total_seconds()
        return THROTTLED.format(seconds=max(1, math.ceil(remaining)))
    if outcome.status == "geblokkeerd":
        remaining = (outcome.locked_until - auth_rules.utcnow()).total_seconds()
        return LOCKED.format(minutes=max(1, math.ceil(remaining / 60)))
    return FAILED


def user_box(user: users.User) -> None:
    roles = ", ".join(users.ROLE_LABELS.get(r, r) for r in user.roles) or "geen rol"
    st.caption(f"Ingelogd als **{plain(user.name)}** ({roles})")  # a display name is people's text
    st.button("Uitloggen", key="lea_logout", icon=":material/logout:", on_click=logout, args=(user,))


def logout(user: users.User) -> None:
    """End the session everywhere: every cookie and session issued before now is refused.

    A button callback, so the same run already shows the login page. When the database cannot
    record it, this browser is still logged out and the user is told the rest still runs."""
    notice = LOGGED_OUT
    try:
        with engine().begin() as conn:
            auth_rules.record_logout(conn, user.username)
            audit(user, audit_log.LOGOUT, object_type=audit_log.OBJECT_USER, object_id=user.username, conn=conn)
    except DB_ERRORS as exc:
        _log_database_error("het uitloggen", exc)
        notice = LOGOUT_NOT_RECORDED
    _clear_session()
    st.session_state[NOTICE] = notice
    if sso_enabled():
        st.logout()
        return
    _forget_cookie()


# --- single sign-on (OpenID Connect via st.login) ------------------------------------------


def _sso_user() -> users.User | None:
    if not st.user.is_logged_in:
        return None
    username = st.session_state.get(SESSION_USER)
    issued = st.user.get("iat")
    issued = float(issued) if isinstance(issued, (int, float)) and not isinstance(issued, bool) else None
    with engine().begin() as conn:
        user = users.get_user(conn, username) if username else users.get_user_by_email(conn, st.user.get("email"))
        problem = ("onbekend_email" if user is None else
                   auth_rules.session_problem(user.active, user.last_logout_at,
                                              st.session_state.get(SESSION_ISSUED, issued)))
        if problem:
            if not st.session_state.get(SSO_REFUSED):
                st.session_state[SSO_REFUSED] = problem
                email = str(st.user.get("email") or "")
                audit(None, audit_log.LOGIN, object_type=audit_log.OBJECT_USER,
                      object_id=user.username if user else None, result="geweigerd",
                      details={"methode": "sso", "reden": problem,
                               "domein": email.rsplit("@", 1)[-1] if "@" in email else None}, conn=conn)
            if username:
                _clear_session()
            return None
        if not username:
            audit(user, audit_log.LOGIN, object_type=audit_log.OBJECT_USER, object_id=user.username,
                  details={"methode": "sso"}, conn=conn)
    if not username:
        _start_session(user.username, issued or auth_rules.to_ts(auth_rules.utcnow()))
    return user


def _sso_login_panel() -> None:
    if st.user.is_logged_in:
        st.error("Uw account heeft geen toegang tot het LEA-dashboard: het e-mailadres is niet bekend, "
                 "het account is uitgeschakeld of u bent uitgelogd. Neem contact op met functioneel beheer.")
        st.button("Uitloggen", on_click=st.logout, icon=":material/logout:")
        return
    st.subheader("Inloggen")
    providers = _sso_providers() or [None]
    for provider in providers:
        label = {"microsoft": "Microsoft", "google": "Google", None: "uw organisatieaccount"}.get(provider, provider)
        st.button(f"Inloggen met {label}", key=f"lea_sso_{provider}", type="primary", icon=":material/login:",
                  on_click=st.login, args=(provider,) if provider else ())
