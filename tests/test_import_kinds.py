"""Every kind imports a valid file; the real DUO register imports completely; re-imports change nothing;
reading is tolerant of separators, encodings, header spellings, date and number formats and Excel."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json

import openpyxl
import pytest
from sqlalchemy import insert, select

from data_access import models
from data_access.importers import templates
from fixtures.imports import DUO_FILE, TODAY, D, absence, audit_rows, dump, imp


# --- the DUO school register ------------------------------------------------------------------


def test_the_duo_register_imports_completely_as_it_is(engine):
    result = imp(engine, "scholen", DUO_FILE.read_bytes(), name=DUO_FILE.name)
    assert result.ok and result.problems == []
    assert (result.rows, result.counts.inserted) == (6589, 6589)
    with open(DUO_FILE, encoding="utf-8", newline="") as fh:
        expected = {r["vestigingsnummer"]: r for r in csv.DictReader(fh)}
    with engine.connect() as conn:
        stored = {r.vestigingsnummer: r for r in conn.execute(select(models.School))}
    assert stored.keys() == expected.keys()
    assert sum(s.size_proxy for s in stored.values()) == sum(int(r["adviezen_groep8_2019_2025"])
                                                            for r in expected.values())
    # quotes, commas inside quoted names and DUO's own spelling come through unchanged
    assert stored["00AR00"].name == 'BS "De Maasparel'
    assert stored["06HL00"].municipality == "Nuenen, Gerwen en Nederwetten"
    assert stored["01CE00"].municipality == "Noardeast-FryslÔn"
    assert (stored["00AP00"].brin, stored["00AP00"].postcode, stored["00AP00"].sector,
            stored["00AP00"].size_proxy) == ("00AP", "2716PH", "BAO", 83)
    assert sum(1 for s in stored.values() if s.sector == "SBAO") == 271


def test_importing_the_duo_register_again_changes_nothing(engine):
    imp(engine, "scholen", DUO_FILE.read_bytes(), name=DUO_FILE.name)
    before = dump(engine)
    again = imp(engine, "scholen", DUO_FILE.read_bytes(), name=DUO_FILE.name)
    assert again.ok and (again.counts.inserted, again.counts.updated, again.counts.unchanged) == (0, 0, 6589)
    assert dump(engine) == before


def test_choosing_the_municipality_marks_its_24_locations_as_our_own(engine):
    imp(engine, "scholen", DUO_FILE.read_bytes(), name=DUO_FILE.name)
    result = imp(engine, "scholen", DUO_FILE.read_bytes(), name=DUO_FILE.name, municipality="Coevorden")
    assert result.ok and result.counts.updated == 6589 - 24
    with engine.connect() as conn:
        own = conn.execute(select(models.School.municipality).where(models.School.in_scope)).scalars().all()
    assert own == ["Coevorden"] * 24


def test_a_changed_name_and_postcode_update_the_school_without_a_second_row(base):
    result = imp(base, "scholen", "vestigingsnummer;vestigingsnaam;postcode;soort\n"
                                  "99ZZ00;OBS De Esdoorn (nieuw);7741 AC;BAO\n")
    assert result.ok and (result.counts.inserted, result.counts.updated) == (0, 1)
    with base.connect() as conn:
        rows = conn.execute(select(models.School.name, models.School.postcode, models.School.municipality)
                            .where(models.School.vestigingsnummer == "99ZZ00")).all()
    # gemeente was not in the file: it keeps its value
    assert rows == [("OBS De Esdoorn (nieuw)", "7741AC", "Coevorden")]


# --- every kind from its template -------------------------------------------------------------------


ORDER = ["scholen", "inschrijvingen", "leerlingen", "verzuimcodes", "verzuim", "verzuimmeldingen", "contacten",
         "casussen", "interventies", "statusrapportages", "perioden"]


def _action_and_period(engine) -> None:
    with engine.begin() as conn:
        conn.execute(insert(models.PolicyAction).values(code="A1", programme="LEA", title="Pilot",
                                                        portfolio_holder="wethouder Onderwijs"))
        conn.execute(insert(models.ReportingPeriod).values(name="2024-T1", start=D(2024, 1, 1),
                                                           end=D(2024, 4, 30)))


def test_every_template_imports_and_stores_what_it_says(engine):
    _action_and_period(engine)
    for kind in ORDER:
        result = imp(engine, kind, templates.template_bytes(kind), name=f"{kind}.csv")
        assert result.ok, (kind, result.problems)
        assert result.counts.inserted == result.rows, kind
    M = models
    with engine.connect() as conn:
        def q(*cols, order=None):
            return conn.execute(select(*cols).order_by(*(order or cols))).all()

        school = dict(q(M.School.vestigingsnummer, M.School.id))
        assert q(M.School.vestigingsnummer, M.School.name, M.School.sector, M.School.size_proxy,
                 M.School.pilot_start, M.School.in_scope) == [
            ("99ZZ00", "OBS De Esdoorn", "BAO", 83, D(2021, 9, 1), True),
            ("99ZZ01", "SBO De Vlinder", "SBAO", 41, None, True)]
        assert q(M.SchoolEnrolment.school_id, M.SchoolEnrolment.school_year, M.SchoolEnrolment.pupils) == [
            (school["99ZZ00"], 2023, 212), (school["99ZZ01"], 2023, 87)]
        # "van" + "Dijk"; enrolment in 2023/24 because of the schooljaar column
        assert q(M.Pupil.pseudonym, M.Pupil.last_name, M.Pupil.birth_date, M.Pupil.grade) == [
            ("LL000001", "van Dijk", D(2015, 3, 14), 4), ("LL000002", "Bakker", D(2012, 11, 2), 7)]
        assert q(M.PupilEnrolment.school_year, M.PupilEnrolment.grade) == [(2023, 4), (2023, 7)]
        # 5,5 uren; 2 lesuren × 60 minutes = 2 hours; school of LL000001 taken from the pupil
        assert absence(engine) == [("LL000001", "99ZZ00", D(2023, 10, 2), 5.5, "ZI", "ziek"),
                                   ("LL000002", "99ZZ01", D(2023, 10, 3), 2.0, "A", "ongeoorloofd")]
        assert q(M.Verzuimmelding.kind, M.Verzuimmelding.absence_start, M.Verzuimmelding.reported_on,
                 M.Verzuimmelding.hours, M.Verzuimmelding.status) == [
            ("16_uur", D(2023, 9, 11), D(2023, 10, 6), 17.0, "open")]
        # the family contact belongs to the pupil's school; "bereikt: nee"
        assert q(M.Contact.date, M.Contact.target, M.Contact.channel, M.Contact.reached, M.Contact.school_id,
                 M.Contact.notes) == [
            (D(2023, 10, 12), "school", "school_visit", True, school["99ZZ00"], None),
            (D(2023, 10, 13), "family", "phone", False, school["99ZZ01"], "voicemail ingesproken")]
        # an open case, and a closed one with DUO's outcome words stored as codes
        assert q(M.Concern.opened_on, M.Concern.source, M.Concern.status, M.Concern.next_action_on,
                 M.Concern.outcome, M.Concern.outcome_explanation, order=[M.Concern.opened_on]) == [
            (D(2023, 10, 2), "GGD", "gesloten", None, "terug_naar_school", "gezien_door_gemeente"),
            (D(2023, 10, 9), "school", "open", D(2023, 10, 16), None, None)]
        # the interventions in the case of 9 October, found by pupil, opening date and source
        case = conn.execute(select(M.Concern.id).where(M.Concern.source == "school")).scalar()
        assert q(M.Intervention.concern_id, M.Intervention.kind, M.Intervention.date, M.Intervention.officer,
                 order=[M.Intervention.date]) == [
            (case, "gesprek", D(2023, 10, 12), "lpa.jansen"),
            (case, "verwijzing_jeugdconsulent", D(2023, 10, 19), "lpa.jansen")]
        assert q(M.StatusReport.quality, M.StatusReport.time, M.StatusReport.money, M.StatusReport.created_at) == [
            ("oranje", "oranje", "groen", dt.datetime(2024, 4, 30, 12))]
        assert q(M.Period.kind, M.Period.sector, M.Period.start, M.Period.end) == [
            ("covid_sluiting", "BAO", D(2020, 3, 16), D(2020, 5, 10)),
            ("vakantie", None, D(2023, 10, 16), D(2023, 10, 20))]
        # the summaries the pages read were refreshed: one week of absence per school, one contact week each
        weeks = q(M.AbsenceWeek.school_id, M.AbsenceWeek.week_start, M.AbsenceWeek.category, M.AbsenceWeek.hours)
        assert weeks == [(school["99ZZ00"], D(2023, 10, 2), "ziek", 5.5),
                         (school["99ZZ01"], D(2023, 10, 2), "ongeoorloofd", 2.0)]
        assert q(M.ContactWeek.school_id, M.ContactWeek.week_start, M.ContactWeek.contacts) == [
            (school["99ZZ00"], D(2023, 10, 9), 1), (school["99ZZ01"], D(2023, 10, 9), 1)]


def test_importing_every_template_a_second_time_changes_nothing(engine):
    _action_and_period(engine)
    for kind in ORDER:
        assert imp(engine, kind, templates.template_bytes(kind)).ok
    before = dump(engine)
    for kind in ORDER:
        again = imp(engine, kind, templates.template_bytes(kind))
        assert again.ok and (again.counts.inserted, again.counts.updated, again.counts.deleted) == (0, 0, 0), kind
        assert again.counts.unchanged == again.rows, kind
    assert dump(engine) == before


def test_every_import_is_audited_with_file_name_checksum_and_counts_but_no_row_content(base):
    content = "datum;pseudoniem;uren;code\n02-10-2023;LL01;2;A\n"
    imp(base, "verzuim", content, name="verzuim-okt.csv")
    imp(base, "verzuim", "datum;pseudoniem;uren;code\n02-10-2023;LL01;12;A\n", name="kapot.csv")
    imp(base, "verzuim", content, name="verzuim-okt.csv", dry_run=True)
    last = [r for r in audit_rows(base) if r.object_id == "verzuim"]
    assert [(r.action, r.object_type, r.object_id, r.result, r.username) for r in last] == [
        ("import", "import", "verzuim", "ok", "tester"),
        ("import", "import", "verzuim", "afgewezen", "tester"),
        ("import", "import", "verzuim", "proef", "tester")]
    details = json.loads(last[0].details)
    assert details["file"] == "verzuim-okt.csv"
    assert details["sha256"] == hashlib.sha256(content.encode()).hexdigest()
    assert (details["rows"], details["written"], details["inserted"], details["result"]) == (1, True, 1, "geslaagd")
    assert json.loads(last[1].details)["written"] is False
    assert all("LL01" not in r.details for r in last)


# --- tolerant reading ---------------------------------------------------------------------------


EXPECTED = [("LL01", "99ZZ00", D(2023, 10, 2), 5.5, "ZI", "ziek"),
            ("LL02", "99ZZ01", D(2023, 10, 3), 2.0, "A", "ongeoorloofd")]


@pytest.mark.parametrize("name, content", [
    ("semicolon, Dutch dates, decimal comma", "datum;pseudoniem;uren;code\n02-10-2023;LL01;5,5;ZI\n"
                                             "03-10-2023;LL02;2;A\n"),
    ("comma, ISO dates, decimal point, English headers", "Date,Pseudonym,Hours,Absence code\n"
                                                         "2023-10-02,LL01,5.5,ZI\n2023-10-03,LL02,2.0,A\n"),
    ("quoted decimal comma with comma separator", 'datum,pseudoniem,uren,code\n2-10-2023,LL01,"5,5",zi\n'
                                                  '3-10-2023,LL02,"2,0",a\n'),
    ("tab separated, header spellings", "Datum\tPSEUDONIEM\tAantal uren\tVerzuim-code\n02/10/2023\tLL01\t5,5\tZI\n"
                                        "03/10/2023\tLL02\t2\tA\n"),
    ("CRLF, BOM, blank lines, spaces", "\ufeffdatum ; pseudoniem ; uren ; code\r\n 02-10-2023 ; LL01 ; 5,5 ; ZI \r\n"
                                       "\r\n;;;\r\n03-10-2023;LL02;2;A\r\n"),
])
def test_absence_reads_the_usual_variants(base, name, content):
    result = imp(base, "verzuim", content)
    assert result.ok, (name, result.problems)
    assert absence(base) == EXPECTED


def test_windows_1252_is_read_as_such(base):
    content = "pseudoniem;voornaam;achternaam;geboortedatum\nLL04;Zoë;Çelik;01-01-2016\n".encode("cp1252")
    result = imp(base, "leerlingen", content)
    assert result.ok and "Windows-1252" in result.file_description
    with base.connect() as conn:
        assert conn.execute(select(models.Pupil.first_name, models.Pupil.last_name)
                            .where(models.Pupil.pseudonym == "LL04")).one() == ("Zoë", "Çelik")


def test_utf8_with_bom_keeps_accents(base):
    content = "\ufeffpseudoniem;voornaam;achternaam;geboortedatum\nLL04;Zoë;Çelik;01-01-2016\n".encode("utf-8")
    result = imp(base, "leerlingen", content)
    assert result.ok and "UTF-8 met BOM" in result.file_description


def test_excel_with_real_dates_and_numbers_imports(base):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Datum", "Pseudoniem", "Uren", "Code"])
    ws.append([dt.datetime(2023, 10, 2), "LL01", 5.5, "ZI"])
    ws.append([])  # an empty row is skipped but still counts for the row numbers
    ws.append([dt.datetime(2023, 10, 3), "LL02", 2, "A"])
    buffer = io.BytesIO()
    wb.save(buffer)
    result = imp(base, "verzuim", buffer.getvalue(), name="verzuim.xlsx")
    assert result.ok and result.file_description.startswith("Excel")
    assert absence(base) == EXPECTED
    assert list(result.preview["rij"]) == [2, 4]


def test_a_broken_excel_file_gets_a_dutch_message_not_an_exception_name(base):
    result = imp(base, "verzuim", b"PK\x03\x04 dit is geen werkmap", name="verzuim.xlsx")
    assert not result.ok
    messages = [p.message for p in result.problems]
    assert messages == ["Het Excel-bestand is niet te openen: het is geen geldige Excel-werkmap. Is het "
                        "beschadigd, beveiligd met een wachtwoord of eigenlijk een ander soort bestand? Sla het "
                        "opnieuw op als Excel-werkmap (.xlsx) of als CSV."]


def test_lesson_periods_are_converted_with_the_lesson_length(base):
    result = imp(base, "verzuim", "datum;pseudoniem;lesuren;code\n02-10-2023;LL01;3;A\n", lesson_minutes=50)
    assert result.ok
    assert absence(base) == [("LL01", "99ZZ00", D(2023, 10, 2), 2.5, "A", "ongeoorloofd")]


def test_a_source_specific_code_wins_over_the_general_one(base):
    assert imp(base, "verzuimcodes", "bron;code;categorie\nParnasSys;ZI;geoorloofd\n").ok
    result = imp(base, "verzuim", "datum;pseudoniem;uren;code\n02-10-2023;LL01;1;ZI\n", source="ParnasSys")
    assert result.ok
    assert absence(base) == [("LL01", "99ZZ00", D(2023, 10, 2), 1.0, "ZI", "geoorloofd")]


def test_a_melding_delivered_again_with_a_new_status_is_updated_not_duplicated(base):
    first = "pseudoniem;soort;meldingsdatum;status\nLL02;16 uur;06-10-2023;open\n"
    assert imp(base, "verzuimmeldingen", first).ok
    again = imp(base, "verzuimmeldingen", first.replace("open", "afgehandeld"))
    assert again.ok and (again.counts.inserted, again.counts.updated) == (0, 1)
    with base.connect() as conn:
        assert conn.execute(select(models.Verzuimmelding.kind, models.Verzuimmelding.status)).all() == [
            ("16_uur", "afgerond")]  # "afgehandeld" is stored as DUO's afgesloten (MELDING_STATUSES)


def test_today_is_the_default_for_a_pupils_enrolment_year(base):
    result = imp(base, "leerlingen", "pseudoniem;voornaam;achternaam;geboortedatum;vestigingsnummer;groep\n"
                                     "LL05;Ali;Yilmaz;01-02-2017;99ZZ00;2\n")
    assert result.ok
    with base.connect() as conn:
        years = conn.execute(select(models.PupilEnrolment.school_year)
                             .join(models.Pupil).where(models.Pupil.pseudonym == "LL05")).scalars().all()
    assert TODAY == D(2024, 6, 1) and years == [2023]  # today is in school year 2023/24


def test_a_schools_import_that_changes_a_sector_rebuilds_the_covid_contact_summary(base):
    from data_access import aggregates
    from data_access.summary_state import contact_segment_is_stale

    with base.begin() as conn:
        school_id = conn.execute(select(models.School.id).where(models.School.vestigingsnummer == "99ZZ00")).scalar()
        conn.execute(insert(models.Contact).values(date=D(2024, 3, 4), officer="lpa1", target="school",
                                                   channel="bezoek", reached=True, school_id=school_id))
        aggregates.refresh_contacts(conn)
    result = imp(base, "scholen", "vestigingsnummer;vestigingsnaam;soort\n99ZZ00;OBS De Esdoorn;SBAO\n")
    assert result.ok and result.counts.updated == 1
    with base.connect() as conn:
        assert not contact_segment_is_stale(conn)
        sectors = conn.execute(select(models.ContactSegment.sector).distinct()).scalars().all()
    assert sectors == ["SBAO"]  # the visit counts under the school's new sector on /covid
