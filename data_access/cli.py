"""The `lea` command: init, demo, check, refresh, user, import."""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from data_access import models
from data_access.db import get_engine
from data_access.schema import current_revision, head_revision, migrate
from data_access.settings import database_url


def _engine(args):
    return get_engine(database_url(args.database_url))


def cmd_init(args) -> int:
    engine = get_engine(database_url(args.database_url), create=True)  # init makes a new database on purpose
    migrate(engine)
    print(f"Database bijgewerkt tot migratie {head_revision()}.")
    return 0


def cmd_demo(args) -> int:
    from data_access import demo

    url = database_url(args.database_url)
    started = time.perf_counter()
    try:
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            path = Path(url.split("///", 1)[1])
            _refuse_real_data(url, path)
            summary = demo.build_file(path, seed=args.seed, password=args.password)
        else:  # a server database: one transaction, so a failure writes nothing
            engine = _engine(args)
            migrate(engine)
            summary = demo.build(engine, seed=args.seed, password=args.password, replace=True)
            from data_access import demo_mode

            demo_mode.rotate_key(engine)  # a new demo: no cookie of an earlier one is valid
    except demo.DemoError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Demo-opbouw afgebroken; er is geen database achtergelaten.", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the newcomer gets one Dutch line, not a traceback
        print(f"Demo-opbouw mislukt ({type(exc).__name__}: {exc}); er is geen database achtergelaten.",
              file=sys.stderr)
        return 1
    print(f"Demogemeente gemaakt in {time.perf_counter() - started:.1f} s (seed {args.seed}).")
    print(demo.welcome_text(summary, os.environ.get("LEA_APP_URL", "http://localhost:8501")))
    return 0


def _refuse_real_data(url: str, path: Path) -> None:
    """An existing SQLite file is replaced only when it holds the demo or nothing."""
    from data_access import demo
    from data_access.setup import has_schools, is_demo

    if not path.exists():
        return
    engine = get_engine(url)
    try:
        if has_schools(engine) and not is_demo(engine):
            raise demo.DemoError(f"{path} bevat echte gegevens; de demo overschrijft die niet. "
                                 "Kies een ander bestand met --database-url.")
    except OperationalError:
        return  # not a database of ours (or an empty file): the demo replaces it
    finally:
        engine.dispose()
        get_engine.cache_clear()


def cmd_check(args) -> int:
    url = database_url(args.database_url)
    engine = _engine(args)
    try:
        revision = current_revision(engine)
    except Exception as exc:  # noqa: BLE001 - any driver error means: not reachable
        print(f"Database niet bereikbaar: {type(exc).__name__}", file=sys.stderr)
        return 2
    print(f"Database: {engine.url.render_as_string(hide_password=True)}")
    ok = revision == head_revision()
    print(f"Migratie: {revision or 'geen'} (nieuwste: {head_revision()}) — {'actueel' if ok else 'NIET actueel: draai lea init'}")
    if revision is None:
        return 1
    with engine.connect() as conn:
        for table in models.Base.metadata.sorted_tables:
            count = conn.execute(select(func.count()).select_from(table)).scalar()
            print(f"  {table.name:<20} {count:>12,}".replace(",", "."))
    del url
    return 0 if ok else 1


def cmd_refresh(args) -> int:
    from data_access import aggregates

    engine = _engine(args)
    started = time.perf_counter()
    with engine.begin() as conn:
        aggregates.refresh_all(conn)
    print(f"Samenvattingstabellen opnieuw opgebouwd in {time.perf_counter() - started:.1f} s.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lea", description="LEA-dashboard: beheer vanaf de opdrachtregel")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--database-url", help="SQLAlchemy-URL (anders LEA_DATABASE_URL, secrets.toml of data/lea.sqlite)")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("init", parents=[common], help="database aanmaken of bijwerken").set_defaults(func=cmd_init)
    demo = sub.add_parser("demo", parents=[common], help="demogemeente (fictief) aanmaken")
    demo.add_argument("--seed", type=int, default=2024)
    demo.add_argument("--password", help="wachtwoord voor de demo-accounts (anders willekeurig, wordt getoond)")
    demo.set_defaults(func=cmd_demo)
    sub.add_parser("check", parents=[common], help="bereikbaarheid, migraties en aantallen").set_defaults(func=cmd_check)
    sub.add_parser("refresh", parents=[common], help="samenvattingstabellen opnieuw opbouwen").set_defaults(func=cmd_refresh)

    from data_access import user_cli
    from data_access.importers import cli as import_cli

    user_cli.register(sub, common)
    import_cli.register(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    from data_access.db import MissingDatabase

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except MissingDatabase as exc:  # a mistyped path: say which (Dutch), never make an empty file there
        print(str(exc), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
