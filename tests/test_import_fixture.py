"""Shared fixture for the import tests: three schools, three pupils and a small code table,
loaded through the importer itself, plus helpers to import text and to dump the database."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select, text

from data_access import models
from data_access.demo import duo_csv_path
from data_access.db import make_engine
from data_access.importers import Options, run_import
from data_access.schema import migrate

TODAY = dt.date(2024, 6, 1)   # "today" for every import in these tests (school year 2023/24)
D = dt.date
DUO_FILE = duo_csv_path()   # the register the product carries, as the demo uses it

SCHOOLS_CSV = """vestigingsnummer;vestigingsnaam;gemeente;postcode;soort
99ZZ00;OBS De Esdoorn;Coevorden;7741 AB;BAO
99ZZ01;SBO De Vlinder;Coevorden;7741CD;SBAO
98YY00;CBS Het Anker;Emmen;7811AA;BAO
"""
PUPILS_CSV = """pseudoniem;voornaam;achternaam;geboortedatum;vestigingsnummer;groep;schooljaar
LL01;Sanne;Dijk;14-03-2015;99ZZ00;4;2023/24
LL02;Daan;Bakker;02-11-2012;99ZZ01;7;2023/24
LL03;Noor;Smit;05-05-2016;98YY00;3;2023/24
"""
CODES_CSV = """code;categorie;omschrijving
A;ongeoorloofd;afwezig zonder reden
ZI;ziek;ziek gemeld
TA;te laat;te laat gekomen
"""


def imp(engine, kind: str, content: str | bytes, name: str | None = None, **options):
    """Import text (UTF-8) or bytes as a file called ``name``."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    return run_import(engine, kind, data, file_name=name or f"{kind}.csv",
                      options=Options(today=TODAY, **options), username="tester", role="beheer",
                      origin="pytest")


def load_base(engine) -> None:
    for kind, content in (("scholen", SCHOOLS_CSV), ("leerlingen", PUPILS_CSV), ("verzuimcodes", CODES_CSV)):
        result = imp(engine, kind, content)
        assert result.ok, result.problems


@pytest.fixture
def base(engine):
    load_base(engine)
    return engine


@pytest.fixture(scope="module")
def base_file(tmp_path_factory) -> Path:
    """A migrated SQLite file with the base data, to copy per hypothesis example."""
    path = tmp_path_factory.mktemp("import-base") / "base.sqlite"
    eng = make_engine(f"sqlite:///{path}", create=True)
    migrate(eng)
    load_base(eng)
    with eng.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    eng.dispose()
    return path


def copy_of(base_file: Path, target: Path):
    shutil.copy(base_file, target)
    return make_engine(f"sqlite:///{target}")


def dump(engine, skip: tuple[str, ...] = ("audit_event",)) -> dict[str, list[tuple]]:
    """Every row of every table (sorted), to prove that a rejected import changed nothing."""
    out = {}
    with engine.connect() as conn:
        for table in models.Base.metadata.sorted_tables:
            if table.name in skip:
                continue
            rows = conn.execute(select(table)).all()
            out[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return out


def audit_rows(engine) -> list[tuple]:
    with engine.connect() as conn:
        return conn.execute(text("SELECT action, object_type, object_id, result, username, details "
                                 "FROM audit_event ORDER BY id")).all()


def absence(engine) -> list[tuple]:
    """(pseudonym, vestigingsnummer, date, hours, code, category), sorted."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(models.Pupil.pseudonym, models.School.vestigingsnummer, models.Absence.date,
                   models.Absence.hours, models.Absence.code, models.Absence.category)
            .join(models.Pupil, models.Pupil.id == models.Absence.pupil_id)
            .join(models.School, models.School.id == models.Absence.school_id)).all()
    return sorted(tuple(r) for r in rows)


def messages(result) -> list[str]:
    return [p.message for p in result.problems]


def test_the_base_fixture_is_three_schools_three_pupils_and_three_codes(base):
    with base.connect() as conn:
        schools = conn.execute(select(models.School.vestigingsnummer, models.School.postcode,
                                      models.School.brin).order_by(models.School.vestigingsnummer)).all()
        pupils = conn.execute(select(models.Pupil.pseudonym, models.Pupil.grade)
                              .order_by(models.Pupil.pseudonym)).all()
        codes = conn.execute(select(models.AbsenceCode.source, models.AbsenceCode.code,
                                    models.AbsenceCode.category).order_by(models.AbsenceCode.code)).all()
    # the postcode "7741 AB" is stored without the space; the BRIN is taken from the vestigingsnummer
    assert schools == [("98YY00", "7811AA", "98YY"), ("99ZZ00", "7741AB", "99ZZ"), ("99ZZ01", "7741CD", "99ZZ")]
    assert pupils == [("LL01", 4), ("LL02", 7), ("LL03", 3)]
    assert codes == [("*", "A", "ongeoorloofd"), ("*", "TA", "te_laat"), ("*", "ZI", "ziek")]
