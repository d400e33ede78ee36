"""The import tests' base data (tests/fixtures/imports.py) loads through the importer itself."""
from __future__ import annotations

from sqlalchemy import select

from data_access import models


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
