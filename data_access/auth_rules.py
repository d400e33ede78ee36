"""Login rules, without Streamlit: cookie key checks, session tokens, lockout, credentials.

The Streamlit side (ui/auth.py) only renders; every decision is made here so it can be
unit-tested and reused by every process and replica (state lives in the database).

Session cookie
    A JWT signed (HS256) with the cookie key from secrets, holding the username, the issue
    time (``iat``, POSIX seconds with microseconds) and the expiry (``exp_date``). A cookie is
    accepted only when the signature is valid, it has not expired (by its own expiry *and* by
    the expiry configured now), the user exists and is active, and it was issued after the
    user's session cut-off. streamlit-authenticator's own cookie carries no issue time and is
    never trusted.

Session cut-off
    ``app_user.last_logout_at`` is the moment from which sessions are valid ("sessions valid
    after"): a logout, a password change, disabling, enabling, a change of roles and beheer's
    "alle sessies beëindigen" all move it to now, so every cookie and open session issued at or
    before it is refused on its next run. It is stored with microseconds, as is a token's issue
    time, so a login in the same second right after a password change is still valid.

Lockout
    Attempts are rows in ``login_attempt``. An account name is locked for ``lockout`` after
    ``max_failures`` failures within ``window`` (counted since the last successful login).
    Each attempt is written (as a failure) and committed *before* its password is checked, so
    parallel attempts all count; a success is marked afterwards. Attempts refused during a
    lockout are audited but not counted, so a lockout ends when it says it does. The same rule
    applies to names that do not exist, and every attempt spends one bcrypt check, so neither
    the messages nor the clock reveal whether an account exists.

Per-origin throttle
    One client must not be able to lock out every account by guessing across names. Attempts
    are counted per origin (the client address ui/guard.origin gives) as well: after
    ``free_failures`` failures from one origin within ``window``, each further attempt from it
    must wait 2^k seconds after the origin's previous failure (k = 1, 2, … per failure beyond
    the free ones, capped at ``max_delay``). An attempt that comes too early is refused with the
    seconds still to wait and is *not* written to the account's rows, so it never counts toward
    an account's lockout (nor toward the origin's delay: the wait ends when it says it does).
    There is no origin column in ``login_attempt`` and migrations are not ours to add, so an
    origin's attempts are rows of their own in that table, keyed ``ADRES:<origin>`` in the
    username column: the key has upper-case letters, which a typed name never has after
    :func:`normalise_username`, so nobody can charge attempts to someone else's address. The
    origin row is written and committed before the account's row and recounted like it, so
    parallel attempts from one origin are throttled too.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from contextlib import nullcontext
from dataclasses import dataclass
from functools import lru_cache

import jwt
from sqlalchemy import Connection, Engine, insert, select, update

from data_access import demo_mode
from data_access.cookie_keys import KEY_HINT, MIN_KEY_BYTES, key_problem
from data_access.models import AppUser, LoginAttempt

DEFAULT_COOKIE_NAME = "lea_sessie"
DEFAULT_EXPIRY_HOURS = 8.0
CLOCK_SKEW_SECONDS = 30


class ConfigError(Exception):
    """The app must not start: the message (Dutch) says why and what to do."""


def utcnow() -> dt.datetime:
    """Naive UTC, as stored in the database."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def to_ts(moment: dt.datetime) -> float:
    """Naive UTC datetime → POSIX timestamp."""
    return moment.replace(tzinfo=dt.UTC).timestamp()


# --- cookie settings (whether a key is strong enough: data_access/cookie_keys.py) ------------


@dataclass(frozen=True)
class CookieConfig:
    name: str
    key: str
    expiry_hours: float

    @property
    def expiry_seconds(self) -> float:
        return self.expiry_hours * 3600


def _positive_number(value: object, what: str) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ConfigError(f"{what} moet een getal zijn, niet {value!r}.") from None
    if not math.isfinite(number) or number <= 0:
        raise ConfigError(f"{what} moet groter dan 0 zijn, niet {value!r}.")
    return number


def cookie_config(secrets_dict: dict, *, demo: bool, engine: Engine | None = None) -> CookieConfig:
    """Cookie settings from ``[auth_cookie]`` in secrets; refuse a missing or weak key outside demo."""
    section = secrets_dict.get("auth_cookie") or {}
    name = str(section.get("name") or DEFAULT_COOKIE_NAME)
    if not re.fullmatch(r"[A-Za-z0-9_\-]{1,64}", name):
        raise ConfigError(f"[auth_cookie] name {name!r} is geen geldige cookienaam (alleen letters, cijfers, _ en -).")
    expiry = _positive_number(section.get("expiry_hours", DEFAULT_EXPIRY_HOURS), "[auth_cookie] expiry_hours")
    key = section.get("key")
    problem = key_problem(key)
    if problem is None:
        return CookieConfig(name, key, expiry)
    if demo and engine is not None and not key:
        # the demo's own key: random, kept in a 0600 file beside the database, never in it
        return CookieConfig(name, demo_mode.cookie_key(engine), expiry)
    raise ConfigError(
        f"Het LEA-dashboard start niet: {problem}. Zet in .streamlit/secrets.toml onder "
        f"[auth_cookie] een key van minstens {MIN_KEY_BYTES} willekeurige bytes, bijvoorbeeld "
        f"gemaakt met: {KEY_HINT}"
    )


# --- session tokens ------------------------------------------------------------------------


def issue_token(username: str, config: CookieConfig, now: dt.datetime | None = None) -> tuple[str, float, float]:
    """A signed session token → (token, issued_at, expires_at) as POSIX timestamps."""
    issued = to_ts(now or utcnow())
    expires = issued + config.expiry_seconds
    token = jwt.encode({"username": username, "iat": issued, "exp_date": expires}, config.key, algorithm="HS256")
    return token, issued, expires


@dataclass(frozen=True)
class CookieCheck:
    username: str | None  # set when accepted
    issued_at: float | None
    reason: str | None  # None when accepted, else a short Dutch code for the audit log

    @property
    def ok(self) -> bool:
        return self.reason is None


def check_token(conn: Connection, token: str, config: CookieConfig, now: dt.datetime | None = None) -> CookieCheck:
    """Validate a session cookie against the key, its expiry and the user's current state."""
    now_ts = to_ts(now or utcnow())
    try:
        claims = jwt.decode(token, config.key, algorithms=["HS256"], options={"verify_iat": False})
    except jwt.InvalidTokenError:
        return CookieCheck(None, None, "ongeldige_handtekening")
    username, issued, expires = claims.get("username"), claims.get("iat"), claims.get("exp_date")
    if (not isinstance(username, str) or not isinstance(issued, (int, float))
            or not isinstance(expires, (int, float)) or isinstance(issued, bool) or isinstance(expires, bool)):
        return CookieCheck(None, None, "onvolledig")
    if issued > now_ts + CLOCK_SKEW_SECONDS:
        return CookieCheck(None, None, "uitgiftetijd_in_toekomst")
    if expires <= now_ts or issued + config.expiry_seconds <= now_ts:
        return CookieCheck(None, None, "verlopen")
    user = conn.execute(select(AppUser.active, AppUser.last_logout_at)
                        .where(AppUser.username == username)).one_or_none()
    if user is None:
        return CookieCheck(None, None, "onbekende_gebruiker")
    problem = session_problem(user.active, user.last_logout_at, issued)
    if problem:
        return CookieCheck(None, None, problem)
    return CookieCheck(username, issued, None)


def session_problem(active: bool, last_logout_at: dt.datetime | None, issued_at: float | None) -> str | None:
    """Why a session (or the cookie it came from) issued at ``issued_at`` is no longer valid.

    ``last_logout_at`` is the session cut-off (see the module docstring): a session issued at or
    before it is refused, whether the cut-off came from a logout or a credential change."""
    if not active:
        return "gebruiker_uitgeschakeld"
    if last_logout_at is not None and (issued_at is None or issued_at <= to_ts(last_logout_at)):
        return "na_uitloggen"
    return None


def download_problem(conn: Connection, username: str, issued_at: float | None,
                     roles: frozenset[str] | set[str] | tuple[str, ...]) -> str | None:
    """Why the session ``username``/``issued_at`` may no longer get a file that needs one of
    ``roles`` (a short Dutch code for the audit log), or None when it may — asked again when the
    file is made, not when its button was drawn."""
    row = conn.execute(select(AppUser.active, AppUser.last_logout_at, AppUser.roles)
                       .where(AppUser.username == username)).one_or_none()
    if row is None:
        return "onbekende_gebruiker"
    problem = session_problem(row.active, row.last_logout_at, issued_at)
    if problem:
        return problem
    if not set(roles) & {r for r in (row.roles or "").split(",") if r}:
        return "rol_ingetrokken"
    return None


def end_sessions(conn: Connection, username: str, now: dt.datetime | None = None) -> dt.datetime:
    """Move the user's session cut-off to now: every session and cookie issued at or before this
    moment is refused from its next run on. Returns the cut-off."""
    cutoff = now or utcnow()
    conn.execute(AppUser.__table__.update().where(AppUser.username == username).values(last_logout_at=cutoff))
    return cutoff


def record_logout(conn: Connection, username: str, now: dt.datetime | None = None) -> None:
    """A logout ends every session and cookie of the user issued before this moment."""
    end_sessions(conn, username, now)


# --- lockout -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int = 5
    window: dt.timedelta = dt.timedelta(minutes=15)
    lockout: dt.timedelta = dt.timedelta(minutes=15)

    @classmethod
    def from_secrets(cls, secrets_dict: dict) -> LockoutPolicy:
        section = secrets_dict.get("login") or {}
        max_failures = _positive_number(section.get("max_failures", 5), "[login] max_failures")
        if max_failures != int(max_failures):
            raise ConfigError("[login] max_failures moet een geheel getal zijn.")
        window = _positive_number(section.get("window_minutes", 15), "[login] window_minutes")
        lockout = _positive_number(section.get("lockout_minutes", 15), "[login] lockout_minutes")
        return cls(int(max_failures), dt.timedelta(minutes=window), dt.timedelta(minutes=lockout))


def normalise_username(username: str | None) -> str:
    """As streamlit-authenticator does: lower case, no surrounding spaces (max. 64 chars)."""
    return (username or "").strip().lower()[:64]


def lock_end(failures: list[dt.datetime], policy: LockoutPolicy) -> dt.datetime | None:
    """End of the latest lockout produced by these failure times (sorted or not), if any."""
    failures = sorted(failures)
    end: dt.datetime | None = None
    start = 0
    for i, moment in enumerate(failures):
        while failures[start] <= moment - policy.window:
            start += 1
        if i - start + 1 >= policy.max_failures:
            end = moment + policy.lockout
            start = i + 1  # a new lockout needs a new series of failures
    return end


def locked_until(conn: Connection, username: str, policy: LockoutPolicy,
                 now: dt.datetime | None = None) -> dt.datetime | None:
    """When the lockout of this account name ends, or None when it is not locked."""
    now = now or utcnow()
    since = now - policy.window - policy.lockout
    last_success = conn.execute(
        select(LoginAttempt.at).where(LoginAttempt.username == username, LoginAttempt.success.is_(True),
                                      LoginAttempt.at >= since)
        .order_by(LoginAttempt.at.desc()).limit(1)
    ).scalar()
    query = select(LoginAttempt.at).where(LoginAttempt.username == username, LoginAttempt.success.is_(False),
                                          LoginAttempt.at >= (last_success or since), LoginAttempt.at <= now)
    end = lock_end(list(conn.execute(query).scalars()), policy)
    return end if end is not None and end > now else None


def record_attempt(conn: Connection, username: str, success: bool, now: dt.datetime | None = None) -> int:
    """Write one attempt row; returns its id."""
    result = conn.execute(insert(LoginAttempt).values(username=username, at=now or utcnow(), success=success))
    return result.inserted_primary_key[0]


def _current_lock(conn: Connection, username: str, policy: LockoutPolicy, now: dt.datetime,
                  without: int | None = None) -> dt.datetime | None:
    """The lockout made by every attempt row of this name (but ``without``), wherever it sits in time.

    No upper time bound: a parallel attempt that started a moment after ours has a later ``at``
    and must still be counted, or each of N parallel attempts could see fewer than
    ``max_failures`` and all get their guess.
    """
    since = now - policy.window - policy.lockout
    last_success = conn.execute(
        select(LoginAttempt.at).where(LoginAttempt.username == username, LoginAttempt.success.is_(True),
                                      LoginAttempt.at >= since, LoginAttempt.id != (without or 0))
        .order_by(LoginAttempt.at.desc()).limit(1)
    ).scalar()
    failures = conn.execute(
        select(LoginAttempt.at).where(LoginAttempt.username == username, LoginAttempt.success.is_(False),
                                      LoginAttempt.at >= (last_success or since),
                                      LoginAttempt.id != (without or 0))
    ).scalars()
    end = lock_end(list(failures), policy)
    return end if end is not None and end > now else None


# --- per-origin throttle -------------------------------------------------------------------

ORIGIN_KEY_PREFIX = "ADRES:"  # upper case: never the result of normalise_username (see above)


@dataclass(frozen=True)
class ThrottlePolicy:
    """The doubling wait after failed logins, per origin and per account name (one policy for both)."""
    free_failures: int = 3
    window: dt.timedelta = dt.timedelta(minutes=15)
    max_delay: dt.timedelta = dt.timedelta(minutes=5)

    @classmethod
    def from_secrets(cls, secrets_dict: dict) -> ThrottlePolicy:
        """``[login] origin_free_failures``, ``origin_window_minutes``, ``origin_max_delay_seconds``."""
        section = secrets_dict.get("login") or {}
        free = _positive_number(section.get("origin_free_failures", 3), "[login] origin_free_failures")
        if free != int(free):
            raise ConfigError("[login] origin_free_failures moet een geheel getal zijn.")
        window = _positive_number(section.get("origin_window_minutes", 15), "[login] origin_window_minutes")
        cap = _positive_number(section.get("origin_max_delay_seconds", 300), "[login] origin_max_delay_seconds")
        return cls(int(free), dt.timedelta(minutes=window), dt.timedelta(seconds=cap))

    def delay(self, failures: int) -> dt.timedelta:
        """The wait after the latest of ``failures`` failures: 0, or 2^k seconds (capped)."""
        beyond = failures - self.free_failures + 1
        if beyond <= 0:
            return dt.timedelta(0)
        return min(dt.timedelta(seconds=2 ** min(beyond, 30)), self.max_delay)

    def waits_until(self, failures: list[dt.datetime], now: dt.datetime) -> dt.datetime | None:
        """Until when the next attempt must wait after these failure times (in any order): the
        latest failure plus :meth:`delay` of their number; None when that moment has passed or
        there is no wait. An origin and an account name differ only in which failures count."""
        wait = self.delay(len(failures))
        if not failures or not wait:
            return None
        until = max(failures) + wait
        return until if until > now else None


def origin_key(origin: str) -> str:
    """The ``login_attempt.username`` value that holds an origin's attempts (≤ 64 characters)."""
    key = ORIGIN_KEY_PREFIX + origin.strip()
    if len(key) <= 64:
        return key
    return ORIGIN_KEY_PREFIX + "sha256:" + hashlib.sha256(origin.strip().encode()).hexdigest()[:48]


def throttled_until(conn: Connection, origin: str, policy: ThrottlePolicy, now: dt.datetime | None = None,
                    without: int | None = None) -> dt.datetime | None:
    """Until when attempts from this origin must wait, or None when one may be tried now.

    Every failure row of the origin in the window counts (but ``without``), also one a moment
    later than ``now`` (a parallel attempt), as in :func:`_current_lock`."""
    now = now or utcnow()
    failures = conn.execute(
        select(LoginAttempt.at).where(LoginAttempt.username == origin_key(origin),
                                      LoginAttempt.success.is_(False), LoginAttempt.at > now - policy.window,
                                      LoginAttempt.id != (without or 0))
    ).scalars()
    return policy.waits_until(list(failures), now)


def account_waits_until(conn: Connection, name: str, policy: ThrottlePolicy, now: dt.datetime | None = None,
                        without: int | None = None) -> dt.datetime | None:
    """Until when attempts on this account name must wait, or None when one may be tried now.

    The same doubling wait as an origin's, over the name's failures since its last success in the
    window: attackers spread over many addresses still get one guess per growing wait on an
    account, before the lockout ends their guesses altogether."""
    now = now or utcnow()
    last_success = conn.execute(
        select(LoginAttempt.at).where(LoginAttempt.username == name, LoginAttempt.success.is_(True),
                                      LoginAttempt.at > now - policy.window)
        .order_by(LoginAttempt.at.desc()).limit(1)).scalar()
    failures = conn.execute(
        select(LoginAttempt.at).where(LoginAttempt.username == name, LoginAttempt.success.is_(False),
                                      LoginAttempt.at > (last_success or now - policy.window),
                                      LoginAttempt.id != (without or 0))
    ).scalars()
    return policy.waits_until(list(failures), now)


@dataclass(frozen=True)
class LoginOutcome:
    status: str  # "ok", "mislukt", "geblokkeerd" or "vertraagd" (too many attempts from this origin or on this name)
    username: str
    known: bool  # whether the name is an account that may log in (never shown to the user)
    locked_until: dt.datetime | None = None  # for "vertraagd": until when the origin must wait
    just_locked: bool = False  # this failure started a lockout

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _step(target: Engine | Connection):
    """A transaction per step on an Engine (committed before the next one); the caller's
    own transaction when given a Connection."""
    if isinstance(target, Engine):
        return target.begin()
    return nullcontext(target)


def attempt_login(target: Engine | Connection, username: str, password: str, credentials: dict, verify,
                  policy: LockoutPolicy, now: dt.datetime | None = None, *, origin: str | None = None,
                  throttle: ThrottlePolicy | None = None) -> LoginOutcome:
    """One login attempt, counted *before* the password is checked.

    0. With an ``origin``: refuse while the origin must wait (nothing written, see the module
       docstring), else write the origin's row as a failure, commit, and refuse when parallel
       attempts from the origin got there first. A refusal here touches no account row.
    1. Refuse while the name is locked (not counted, so a lockout ends when it says it does), and
       with an ``origin`` while the name must wait after its latest failures (not counted either).
    2. Write the attempt as a failure and commit it, so every parallel attempt sees it.
    3. Count the other failures again: when they already lock the name (parallel attempts got
       there first), refuse without checking the password; the row stays a failure.
    4. Check the password; on success the row is marked a success.

    Of N parallel attempts, the last one to count sees every attempt that got to its password
    check, so at most ``max_failures`` guesses are checked per window, whatever N is. The
    password check (bcrypt) runs with no transaction open, so nothing waits on it.

    Every path spends exactly one bcrypt check (the real one or :func:`equalise_timing`): a
    known or unknown name, an empty or a wrong password, a locked name all take the same time.

    ``target`` is an Engine in the app (each step commits; needed against parallel attempts);
    a Connection runs every step in the caller's transaction (single-threaded callers, tests).
    ``verify(username, password) -> bool`` is the password check (streamlit-authenticator's);
    ``credentials`` the dict built by :func:`credentials` (to know whether the name can log in).
    """
    now = now or utcnow()
    name = normalise_username(username)
    known = name in credentials.get("usernames", {})
    origin_id = None
    if origin:
        throttle = throttle or ThrottlePolicy()
        with _step(target) as conn:
            wait = throttled_until(conn, origin, throttle, now)
            origin_id = None if wait is not None else record_attempt(conn, origin_key(origin), False, now)
        if wait is None:
            with _step(target) as conn:
                wait = throttled_until(conn, origin, throttle, now, without=origin_id)
        if wait is not None:
            equalise_timing(password)
            return LoginOutcome("vertraagd", name, known, wait)
    with _step(target) as conn:
        until = locked_until(conn, name, policy, now)
        wait = None if until is not None or not origin else account_waits_until(conn, name, throttle, now)
        own_id = None if until is not None or wait is not None else record_attempt(conn, name, False, now)
    if until is not None:
        equalise_timing(password)
        return LoginOutcome("geblokkeerd", name, known, until)
    if wait is not None:
        equalise_timing(password)
        return LoginOutcome("vertraagd", name, known, wait)
    with _step(target) as conn:
        until = _current_lock(conn, name, policy, now, without=own_id)
    if until is not None:
        equalise_timing(password)
        return LoginOutcome("geblokkeerd", name, known, until)
    if known and password:
        success = bool(verify(name, password))
    else:  # no account or no password: the same one bcrypt check, so the clock tells nothing
        equalise_timing(password)
        success = False
    with _step(target) as conn:
        if success:
            conn.execute(update(LoginAttempt).where(LoginAttempt.id.in_([own_id, origin_id or 0]))
                         .values(success=True))
            return LoginOutcome("ok", name, known)
        until = _current_lock(conn, name, policy, now)
        before = _current_lock(conn, name, policy, now, without=own_id)
    if until is not None:
        return LoginOutcome("geblokkeerd", name, known, until, just_locked=before is None)
    return LoginOutcome("mislukt", name, known)


@lru_cache(maxsize=1)
def _dummy_hash() -> bytes:
    import bcrypt

    return bcrypt.hashpw(b"niet-een-echt-wachtwoord", bcrypt.gensalt(rounds=12))


def equalise_timing(password: str | None) -> None:
    """Spend the time of one bcrypt check, so a missing account is not told by the clock."""
    import bcrypt

    bcrypt.checkpw((password or "x").encode()[:72], _dummy_hash())


# --- credentials for streamlit-authenticator ----------------------------------------------


def credentials(conn: Connection) -> dict:
    """The credentials dict streamlit-authenticator needs, built from ``app_user`` now.

    Only active accounts with a password are in it, so a disabled account cannot log in.
    """
    rows = conn.execute(
        select(AppUser.username, AppUser.name, AppUser.email, AppUser.password_hash, AppUser.roles)
        .where(AppUser.active.is_(True), AppUser.password_hash.is_not(None))
    ).all()
    return {"usernames": {
        r.username.lower(): {"name": r.name, "email": r.email, "password": r.password_hash,
                             "roles": [x for x in r.roles.split(",") if x]}
        for r in rows
    }}
