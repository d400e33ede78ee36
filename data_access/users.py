"""Accounts in ``app_user``: roles are read from here on every run, never trusted from a cookie."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from data_access.models import AppUser


@dataclass(frozen=True)
class User:
    username: str
    name: str
    email: str | None
    roles: tuple[str, ...]
    active: bool

    @property
    def role_label(self) -> str:
        return ",".join(self.roles)

    def has(self, role: str) -> bool:
        return role in self.roles


def get_user(conn: Connection, username: str) -> User | None:
    row = conn.execute(select(AppUser).where(AppUser.username == username)).scalar_one_or_none()
    if row is None:
        return None
    return User(row.username, row.name, row.email, tuple(row.role_list), row.active)


def hash_password(password: str) -> str:
    import bcrypt

    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=12)).decode()


def create_user(conn: Connection, username: str, name: str, roles: list[str], password: str | None,
                email: str | None = None, active: bool = True) -> None:
    from sqlalchemy import insert

    from data_access.models import ROLES

    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"Onbekende rol(len): {', '.join(sorted(unknown))}")
    conn.execute(insert(AppUser).values(
        username=username, name=name, email=email, roles=",".join(roles), active=active,
        password_hash=hash_password(password) if password else None,
    ))
