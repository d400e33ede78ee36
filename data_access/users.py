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
