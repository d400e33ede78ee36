"""`lea user add|roles|password|disable|enable|end-sessions|list`: accounts from the command line.

Every change is written to the audit log with actor ``cli:<os user>`` and the account name as
object id. Passwords are asked twice at the terminal, read from standard input with
``--password-stdin``, or generated and shown once; never written anywhere but as a bcrypt hash.
"""
from __future__ import annotations

import getpass
import sys

from data_access import audit, users
from data_access.db import get_engine
from data_access.models import ROLES
from data_access.settings import database_url


def _engine(args):
    from data_access.schema import migrate

    engine = get_engine(database_url(args.database_url))
    migrate(engine)
    return engine


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"[:64]
    except Exception:  # noqa: BLE001 - no login name in some containers
        return "cli"


def _record(conn, action: str, username: str, details: dict | None = None) -> None:
    audit.record(conn, action, username=_actor(), role="cli", object_type=audit.OBJECT_USER,
                 object_id=username, origin="opdrachtregel", details=details)


def _new_password(args) -> tuple[str, bool]:
    """(password, generated)."""
    if getattr(args, "password_stdin", False):
        return sys.stdin.readline().rstrip("\n"), False
    if sys.stdin.isatty():
        first = getpass.getpass("Nieuw wachtwoord (leeg: laat er een maken): ")
        if first:
            if getpass.getpass("Nogmaals: ") != first:
                raise users.UserError("De wachtwoorden zijn niet gelijk.")
            return first, False
    return users.random_password(), True


def _fail(message: str) -> int:
    print(f"Fout: {message}", file=sys.stderr)
    return 1


def cmd_add(args) -> int:
    try:
        roles = users.parse_roles(args.roles)
        password, generated = _new_password(args)
        with _engine(args).begin() as conn:
            users.add_user(conn, args.username, args.name, roles, password, email=args.email)
            _record(conn, audit.USER_ADDED, args.username, {"rollen": roles})
    except users.UserError as exc:
        return _fail(str(exc))
    print(f"Gebruiker {args.username} aangemaakt met rol(len): {', '.join(roles) or 'geen'}.")
    if generated:
        print(f"Tijdelijk wachtwoord (wordt niet opnieuw getoond): {password}")
    return 0


def cmd_roles(args) -> int:
    try:
        roles = users.parse_roles(args.roles)
        with _engine(args).begin() as conn:
            old = users.set_roles(conn, args.username, roles)
            _record(conn, audit.ROLES_CHANGED, args.username, {"oud": list(old), "nieuw": roles})
    except users.UserError as exc:
        return _fail(str(exc))
    changed = list(old) != roles
    print(f"Rollen van {args.username}: {', '.join(roles) or 'geen'}"
          + ("; open sessies van deze gebruiker zijn beëindigd." if changed else " (ongewijzigd)."))
    return 0


def cmd_password(args) -> int:
    try:
        password, generated = _new_password(args)
        with _engine(args).begin() as conn:
            users.set_password(conn, args.username, password)
            _record(conn, audit.PASSWORD_CHANGED, args.username)
    except users.UserError as exc:
        return _fail(str(exc))
    print(f"Wachtwoord van {args.username} gewijzigd; alle sessies van deze gebruiker zijn beëindigd.")
    if generated:
        print(f"Tijdelijk wachtwoord (wordt niet opnieuw getoond): {password}")
    return 0


def _set_active(args, active: bool) -> int:
    try:
        with _engine(args).begin() as conn:
            users.set_active(conn, args.username, active)
            _record(conn, audit.USER_ENABLED if active else audit.USER_DISABLED, args.username)
    except users.UserError as exc:
        return _fail(str(exc))
    if active:
        print(f"Gebruiker {args.username} ingeschakeld; oude sessies blijven beëindigd, opnieuw inloggen is nodig.")
    else:
        print(f"Gebruiker {args.username} uitgeschakeld; een open sessie eindigt bij de volgende klik.")
    return 0


def cmd_disable(args) -> int:
    return _set_active(args, False)


def cmd_enable(args) -> int:
    return _set_active(args, True)


def cmd_end_sessions(args) -> int:
    try:
        with _engine(args).begin() as conn:
            users.end_all_sessions(conn, args.username)
            _record(conn, audit.SESSIONS_REVOKED, args.username)
    except users.UserError as exc:
        return _fail(str(exc))
    print(f"Alle sessies van {args.username} zijn beëindigd; een open sessie eindigt bij de volgende klik.")
    return 0


def cmd_list(args) -> int:
    with _engine(args).connect() as conn:
        accounts = users.list_users(conn)
    print(f"{'gebruikersnaam':<20} {'actief':<7} rollen")
    for user in accounts:
        print(f"{user.username:<20} {'ja' if user.active else 'nee':<7} {user.role_label or '-'}")
    return 0


def register(sub, common) -> None:
    user = sub.add_parser("user", help="gebruikers beheren (toevoegen, rollen, wachtwoord, uitschakelen)")
    actions = user.add_subparsers(dest="user_command", required=True)
    roles_help = f"rollen, komma-gescheiden: {', '.join(ROLES)}"

    add = actions.add_parser("add", parents=[common], help="gebruiker toevoegen")
    add.add_argument("username", help="gebruikersnaam (kleine letters)")
    add.add_argument("--name", required=True, help="volledige naam")
    add.add_argument("--roles", required=True, help=roles_help)
    add.add_argument("--email", help="e-mailadres (nodig voor single sign-on)")
    add.add_argument("--password-stdin", action="store_true", help="wachtwoord van standaardinvoer lezen")
    add.set_defaults(func=cmd_add)

    roles = actions.add_parser("roles", parents=[common], help="rollen vervangen")
    roles.add_argument("username")
    roles.add_argument("roles", help=roles_help + " (leeg: geen rol)")
    roles.set_defaults(func=cmd_roles)

    password = actions.add_parser("password", parents=[common], help="wachtwoord instellen")
    password.add_argument("username")
    password.add_argument("--password-stdin", action="store_true", help="wachtwoord van standaardinvoer lezen")
    password.set_defaults(func=cmd_password)

    for name, func, text in (("disable", cmd_disable, "gebruiker uitschakelen (sessie eindigt direct)"),
                             ("enable", cmd_enable, "gebruiker weer inschakelen")):
        parser = actions.add_parser(name, parents=[common], help=text)
        parser.add_argument("username")
        parser.set_defaults(func=func)

    end = actions.add_parser("end-sessions", parents=[common], help="alle sessies en cookies van een gebruiker beëindigen")
    end.add_argument("username")
    end.set_defaults(func=cmd_end_sessions)

    actions.add_parser("list", parents=[common], help="gebruikers tonen").set_defaults(func=cmd_list)
