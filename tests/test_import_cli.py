"""`lea import KIND FILE …`: exit codes, the printed report, dry run, and the console script itself."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from data_access import models
from data_access.cli import main as lea
from fixtures.imports import DUO_FILE, absence, dump

ROOT = Path(__file__).resolve().parent.parent
GOOD = "datum;pseudoniem;uren;code\n02-10-2023;LL01;5,5;ZI\n03-10-2023;LL02;2;A\n"
BROKEN = "datum;pseudoniem;uren;code\n02-10-2023;LL01;5,5;ZI\n03-10-2023;LL02;twee;A\n"


def write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_good_file_is_imported_with_exit_code_0(base, sqlite_url, tmp_path, capsys):
    code = lea(["import", "verzuim", write(tmp_path, "okt.csv", GOOD), "--database-url", sqlite_url])
    out = capsys.readouterr().out
    assert code == 0
    assert "Gelezen: 2 rijen; geldig: 2; met problemen: 0." in out
    assert "Geschreven: 2 nieuw, 0 bijgewerkt, 0 ongewijzigd." in out
    assert len(absence(base)) == 2


def test_a_broken_file_is_rejected_with_exit_code_1_and_the_row_column_value(base, sqlite_url, tmp_path, capsys):
    before = dump(base)
    report = tmp_path / "rapport.csv"
    code = lea(["import", "verzuim", write(tmp_path, "okt.csv", BROKEN), "--database-url", sqlite_url,
                "--report", str(report)])
    err = capsys.readouterr().err
    assert code == 1
    assert "AFGEWEZEN: 1 probleem — er is niets geschreven." in err
    assert "       3  uren                   twee                 Geen getal." in err
    assert dump(base) == before
    assert report.read_text(encoding="utf-8-sig").splitlines() == [
        "bestand;rij;kolom;waarde;probleem", "okt.csv;3;uren;twee;Geen getal."]


def test_dry_run_and_only_valid(base, sqlite_url, tmp_path, capsys):
    path = write(tmp_path, "okt.csv", BROKEN)
    assert lea(["import", "verzuim", path, "--database-url", sqlite_url, "--dry-run", "--only-valid"]) == 0
    assert "Proefimport — er is niets geschreven. Een import zou geven: 1 nieuw" in capsys.readouterr().out
    assert absence(base) == []
    assert lea(["import", "verzuim", path, "--database-url", sqlite_url, "--only-valid"]) == 0
    assert [r[0] for r in absence(base)] == ["LL01"]


def test_wrong_calls_exit_with_2(engine, sqlite_url, tmp_path, capsys):
    path = write(tmp_path, "x.csv", GOOD)
    assert lea(["import", "leerlingenlijst", path, "--database-url", sqlite_url]) == 2
    assert "Onbekende soort import 'leerlingenlijst'" in capsys.readouterr().err
    assert lea(["import", "scholen", path, "--database-url", sqlite_url, "--replace-period"]) == 2
    assert lea(["import", "verzuim", str(tmp_path / "weg.csv"), "--database-url", sqlite_url]) == 2
    assert lea(["import", "verzuim", path, "--database-url", sqlite_url, "--school-year", "2023/25"]) == 2


def test_the_console_script_imports_the_duo_register(engine, sqlite_url):
    proc = subprocess.run([sys.executable, "-m", "data_access.cli", "import", "schools", str(DUO_FILE),
                           "--database-url", sqlite_url, "--municipality", "Coevorden", "--user", "beheerder"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "Geschreven: 6.589 nieuw" in proc.stdout
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(models.School)
                            .where(models.School.in_scope)).scalar() == 24
