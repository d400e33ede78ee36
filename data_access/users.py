"""Accounts in ``app_user``: roles are read from here on every run, never trusted from a cookie.

Every credential change (password, disable, enable, roles) moves the account's session cut-off
(``auth_rules.end_sessions``) in the same transaction: cookies and open sessions from before are
refused on their next run, so a captured cookie does not outlive a password change and
re-enabling an account does not revive the sessions it had.
"""
from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import Connection, func, insert, select, update

from data_access.auth_rules import end_sessions
from data_access.models import ROLES, AppUser

ROLE_LABELS = {
    "portefeuillehouder": "portefeuillehouder",
    "lea": "LEA-partner",
    "leerplicht": "leerplichtambtenaar",
    "beheer": "functioneel beheer",
}
USERNAME_PATTERN = r"[a-z0-9][a-z0-9._-]{1,63}"
MIN_PASSWORD_LENGTH = 12


class UserError(ValueError):
    """A user change that is not allowed; the message is Dutch and shown as is."""


@dataclass(frozen=True)
class User:
    username: str
    name: str
    email: str | None
    roles: tuple[str, ...]
    active: bool
    last_logout_at: dt.datetime | None = None

    @property
    def role_label(self) -> str:
        return ",".join(self.roles)

    def has(self, role: str) -> bool:
        return role in self.roles


def _user(row) -> User:
    """A User from an ``app_user`` row (Core row or ORM object)."""
    roles = tuple(r for r in (row.roles or "").split(",") if r)
    return User(row.username, row.name, row.email, roles, bool(row.active), row.last_logout_at)


def get_user(conn: Connection, username: str) -> User | None:
    row = conn.execute(select(AppUser.__table__).where(AppUser.username == username)).one_or_none()
    if row is None:
        return None
    return _user(row)


def get_user_by_email(conn: Connection, email: str | None) -> User | None:
    """The account with this e-mail address (case-insensitive), for single sign-on."""
    if not email or not email.strip():
        return None
    row = conn.execute(
        select(AppUser.__table__).where(func.lower(AppUser.email) == email.strip().lower())
    ).first()
    return _user(row) if row is not None else None


def list_users(conn: Connection) -> list[User]:
    return [_user(r) for r in conn.execute(select(AppUser.__table__).order_by(AppUser.username))]


def hash_password(password: str) -> str:
    import bcrypt

    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=12)).decode()


def random_password() -> str:
    return secrets.token_urlsafe(15)


def check_roles(roles: list[str] | tuple[str, ...]) -> list[str]:
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise UserError(f"Onbekende rol(len): {', '.join(sorted(unknown))}. Kies uit: {', '.join(ROLES)}.")
    return [r for r in ROLES if r in set(roles)]  # fixed order, no duplicates


def parse_roles(text: str) -> list[str]:
    return check_roles([r.strip() for r in text.split(",") if r.strip()])


def password_problem(password: str | None) -> str | None:
    """Why a new password is not acceptable (Dutch), or None."""
    if not password or len(password) < MIN_PASSWORD_LENGTH:
        return f"Het wachtwoord moet minstens {MIN_PASSWORD_LENGTH} tekens hebben."
    if password != password.strip():
        return "Het wachtwoord mag niet met een spatie beginnen of eindigen."
    if len(password.encode()) > 72:
        return "Het wachtwoord mag hoogstens 72 bytes lang zijn."
    return None


def username_problem(username: str) -> str | None:
    if not re.fullmatch(USERNAME_PATTERN, username or ""):
        return ("Een gebruikersnaam heeft 2 tot 64 tekens: kleine letters, cijfers, punt, streepje of "
                "liggend streepje, en begint met een letter of cijfer.")
    return None


def create_user(conn: Connection, username: str, name: str, roles: list[str], password: str | None,
                email: str | None = None, active: bool = True) -> None:
    roles = check_roles(roles)
    conn.execute(insert(AppUser).values(
        username=username, name=name, email=email, roles=",".join(roles), active=active,
        password_hash=hash_password(password) if password else None,
    ))


def add_user(conn: Connection, username: str, name: str, roles: list[str], password: str,
             email: str | None = None) -> None:
    """Create an account after checking name, e-mail, roles and password (CLI and admin page)."""
    username = (username or "").strip()
    problem = username_problem(username) or password_problem(password)
    if problem:
        raise UserError(problem)
    if not (name or "").strip():
        raise UserError("Vul een naam in.")
    email = (email or "").strip() or None
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise UserError("Dit e-mailadres is niet geldig.")
    if get_user(conn, username) is not None:
        raise UserError(f"De gebruikersnaam {username} bestaat al.")
    if email and get_user_by_email(conn, email) is not None:
        raise UserError("Er is al een account met dit e-mailadres.")
    create_user(conn, username, name.strip(), roles, password, email=email)


def _require(conn: Connection, username: str) -> User:
    user = get_user(conn, username)
    if user is None:
        raise UserError(f"Gebruiker {username} bestaat niet.")
    return user


def _active_admins(conn: Connection) -> set[str]:
    return {u.username for u in list_users(conn) if u.active and u.has("beheer")}


def set_roles(conn: Connection, username: str, roles: list[str]) -> tuple[str, ...]:
    """Replace the roles; refused when it would leave no active beheer account. Returns the old roles.

    A real change ends the user's sessions: what a session was granted is decided at login."""
    user = _require(conn, username)
    roles = check_roles(roles)
    if user.active and user.has("beheer") and "beheer" not in roles and _active_admins(conn) == {username}:
        raise UserError("Dit is het laatste actieve beheeraccount; de rol beheer kan er niet af.")
    conn.execute(update(AppUser).where(AppUser.username == username).values(roles=",".join(roles)))
    if tuple(roles) != user.roles:
        end_sessions(conn, username)
    return user.roles


def set_password(conn: Connection, username: str, password: str) -> None:
    _require(conn, username)
    problem = password_problem(password)
    if problem:
        raise UserError(problem)
    conn.execute(update(AppUser).where(AppUser.username == username).values(password_hash=hash_password(password)))
    end_sessions(conn, username)  # a cookie captured before the change must not outlive it


def set_active(conn: Connection, username: str, active: bool) -> None:
    """Disable or enable an account; a disabled account loses access on its next click.

    Both move the session cut-off: enabling must not revive the cookies the account had."""
    user = _require(conn, username)
    if not active and user.has("beheer") and _active_admins(conn) == {username}:
        raise UserError("Dit is het laatste actieve beheeraccount; het kan niet worden uitgeschakeld.")
    conn.execute(update(AppUser).where(AppUser.username == username).values(active=active))
    end_sessions(conn, username)


def end_all_sessions(conn: Connection, username: str) -> None:
    """Beheer's "alle sessies beëindigen": every session and cookie of the user ends on its next run."""
    _require(conn, username)
    end_sessions(conn, username)
