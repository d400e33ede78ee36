"""`lea import KIND FILE …`: validated, all-or-nothing import from the command line.

Exit code 0: imported (or the dry run found nothing wrong); 1: rejected — nothing written;
2: the command itself is wrong (unknown kind, unreachable or outdated database).
"""
from __future__ import annotations

import datetime as dt
import getpass
import sys
from pathlib import Path

from data_access.exports.tables import write_csv
from data_access.importers.kinds import KINDS, get_kind
from data_access.importers.templates import TEMPLATES_DIR
from data_access.importers.validate import parse_date, parse_school_year_option

SHOWN_PROBLEMS = 50


def register(sub, common) -> None:
    kinds = ", ".join(KINDS)
    parser = sub.add_parser(
        "import", parents=[common], help="bestand importeren (gecontroleerd, alles-of-niets)",
        description="Importeert een CSV- of Excel-bestand. Eerst wordt alles gecontroleerd; bij één probleem "
                    "wordt niets geschreven (tenzij --only-valid).",
        epilog=f"Soorten: {kinds}. Sjablonen met uitleg: {TEMPLATES_DIR}. "
               "Exitcode 0 = geïmporteerd of proef in orde, 1 = afgewezen, 2 = verkeerde aanroep.")
    parser.add_argument("kind", metavar="KIND", help=f"soort gegevens: {kinds}")
    parser.add_argument("file", metavar="FILE", type=Path, help="CSV (; of ,) of Excel (.xlsx)")
    parser.add_argument("--dry-run", action="store_true", help="alleen controleren (proefimport), niets schrijven")
    parser.add_argument("--only-valid", action="store_true",
                        help="alleen de geldige rijen importeren; rijen met problemen overslaan")
    parser.add_argument("--unknown-codes-as-onbekend", action="store_true",
                        help="verzuim: onbekende LAS-codes importeren als categorie 'onbekend' (gemarkeerd)")
    parser.add_argument("--replace-period", action="store_true",
                        help="verzuim, meldingen, contacten: per school de periode van het bestand vervangen")
    parser.add_argument("--period-from", metavar="DATUM", help="begin van de te vervangen periode (dd-mm-jjjj)")
    parser.add_argument("--period-to", metavar="DATUM", help="einde van de te vervangen periode (dd-mm-jjjj)")
    parser.add_argument("--school-year", metavar="JAAR", help="schooljaar van de levering, bijv. 2023/24")
    parser.add_argument("--lesson-minutes", type=int, default=60, metavar="MIN",
                        help="verzuim: minuten per lesuur bij de kolom lesuren (standaard 60)")
    parser.add_argument("--source", metavar="LAS", help="verzuim/codes: het LAS van de codes (standaard *)")
    parser.add_argument("--municipality", metavar="GEMEENTE",
                        help="scholen: vestigingen in deze gemeente zijn de eigen gemeente, de rest niet")
    parser.add_argument("--user", default=None, help="naam in het auditlog (standaard de systeemgebruiker)")
    parser.add_argument("--report", type=Path, metavar="CSV", help="alle problemen ook als CSV wegschrijven")
    parser.set_defaults(func=cmd_import)


def _date_option(value: str | None, name: str) -> dt.date | None:
    if not value:
        return None
    parsed = parse_date(value)
    if not isinstance(parsed, dt.date):
        raise ValueError(f"{name}: '{value}' is geen datum (dd-mm-jjjj of jjjj-mm-dd).")
    return parsed


def cmd_import(args) -> int:
    from data_access.db import get_engine
    from data_access.importers.run import run_import
    from data_access.importers.write import Options
    from data_access.schema import current_revision, head_revision
    from data_access.settings import database_url

    try:
        kind = get_kind(args.kind)
        options = Options(
            dry_run=args.dry_run, only_valid=args.only_valid, unknown_as_onbekend=args.unknown_codes_as_onbekend,
            replace_period=args.replace_period, lesson_minutes=args.lesson_minutes,
            school_year=parse_school_year_option(args.school_year), source=args.source,
            period_from=_date_option(args.period_from, "--period-from"),
            period_to=_date_option(args.period_to, "--period-to"), municipality=args.municipality)
    except (KeyError, ValueError) as exc:
        print(str(exc).strip("'\""), file=sys.stderr)
        return 2
    if options.replace_period and not kind.replace_period:
        print(f"--replace-period geldt niet voor {kind.key}: dat wordt per sleutel bijgewerkt.", file=sys.stderr)
        return 2
    if (options.period_from or options.period_to) and not options.replace_period:
        print("--period-from/--period-to horen bij --replace-period.", file=sys.stderr)
        return 2
    if not 10 <= options.lesson_minutes <= 120:
        print("--lesson-minutes moet tussen 10 en 120 liggen.", file=sys.stderr)
        return 2
    if not args.file.is_file():
        print(f"Bestand niet gevonden: {args.file}", file=sys.stderr)
        return 2
    engine = get_engine(database_url(args.database_url))
    try:
        revision = current_revision(engine)
    except Exception as exc:  # noqa: BLE001 - any driver error means: not reachable
        print(f"Database niet bereikbaar: {type(exc).__name__}", file=sys.stderr)
        return 2
    if revision != head_revision():
        print("De database is niet actueel: draai eerst `lea init`.", file=sys.stderr)
        return 2

    tty = sys.stderr.isatty()

    def progress(fraction: float, text: str) -> None:
        if tty:
            print(f"\r{fraction:4.0%} {text:<50}", end="", file=sys.stderr, flush=True)

    from sqlalchemy.exc import OperationalError

    user = args.user or getpass.getuser()
    try:
        result = run_import(engine, kind.key, args.file, options=options, username=user, origin="cli",
                            progress=progress)
    except OperationalError as exc:
        print(f"\nDe database is bezet of niet bereikbaar ({type(exc.orig).__name__}); er is niets geschreven.",
              file=sys.stderr)
        return 1
    if tty:
        print(file=sys.stderr)
    print_result(result)
    if args.report and result.problems:
        write_csv(result.problems_frame(), args.report)  # neutralises formulas in rejected values
        print(f"Alle {len(result.problems)} getoonde problemen staan in {args.report}.")
    return 0 if result.ok else 1


def print_result(result) -> None:
    out = sys.stdout if result.ok else sys.stderr
    for line in result.summary():
        print(line, file=out)
    if result.replaced:
        print("Periode vervangen:", file=out)
        for r in result.replaced:
            print(f"  {r['vestigingsnummer']}: {r['van']:%d-%m-%Y} t/m {r['tot en met']:%d-%m-%Y}, "
                  f"{r['verwijderd']} bestaande regels {'zouden worden ' if result.options.dry_run else ''}"
                  "verwijderd", file=out)
    if result.unknown_codes:
        print("Onbekende verzuimcodes:", file=out)
        for e in result.unknown_codes:
            rows = ", ".join(str(r) for r in e["rijen"])
            print(f"  {e['code']} (bron {e['bron']}): {e['aantal']} keer, o.a. rij {rows}", file=out)
    if result.problems:
        print(f"Problemen ({result.problem_count}):", file=out)
        print(f"  {'rij':>6}  {'kolom':<22} {'waarde':<20} probleem", file=out)
        for p in result.problems[:SHOWN_PROBLEMS]:
            value = "" if p.value is None else str(p.value)
            value = value if len(value) <= 20 else value[:19] + "…"
            print(f"  {p.row or '-':>6}  {(p.column or '-')[:22]:<22} {value:<20} {p.message}", file=out)
        rest = result.problem_count - min(len(result.problems), SHOWN_PROBLEMS)
        if rest > 0:
            print(f"  … en nog {rest} problemen (gebruik --report om ze op te slaan).", file=out)
