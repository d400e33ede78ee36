"""The demo's accounts: one per role and two more officers, all with one shared password.

Apart from the demo builder (data_access/demo.py), which creates them, because demo mode
(data_access/demo_mode.py) needs their names too — to refuse a real import by a demo account and
to disable them all when demo mode ends — and the builder itself uses demo mode. This module
depends on nothing but the roles, so neither of the two imports the other for it
(tests/test_architecture.py: no import cycle).
"""
from __future__ import annotations

from data_access.models import ROLES

# The demo's officers (leerplicht officers) over whom its schools, contacts and cases are shared;
# "leerplicht" is also the account of that role.
OFFICERS = ("leerplicht", "lpa2", "lpa3")


def demo_accounts() -> list[tuple[str, str]]:
    """(username, role) of every demo account, in the order the README lists them."""
    return [(role, role) for role in ROLES] + [(username, "leerplicht") for username in OFFICERS[1:]]
