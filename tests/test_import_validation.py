"""Validation rules with hand-made files, the code table, "periode vervangen", "alleen geldige rijen",
the refresh of the summaries for the touched schools and weeks only — on SQLite and PostgreSQL."""
from __future__ import annotations

from sqlalchemy import insert, select

from data_access import models
from data_access.importers import codes
from fixtures.imports import DUO_FILE, D, absence, dump, imp, load_base, messages

HEAD = "datum;pseudoniem;uren;code\n"


def problems(result) -> list[tuple]:
    return [(p.row, p.column, p.value, p.message) for p in result.problems]


def test_hours_outside_0_to_8_are_refused_with_row_column_and_value(base):
    before = dump(base)
    result = imp(base, "verzuim", HEAD + "02-10-2023;LL01;2;A\n03-10-2023;LL01;8,5;A\n04-10-2023;LL01;-1;A\n")
    assert result.status == "afgewezen" and not result.written
    assert problems(result) == [
        (3, "uren", "8,5", "Buiten het bereik: moet van 0 t/m 8 zijn."),
        (4, "uren", "-1", "Buiten het bereik: moet van 0 t/m 8 zijn.")]
    assert (result.rows, result.invalid_rows) == (3, 2)
    assert dump(base) == before


def test_more_than_8_hours_for_one_pupil_on_one_day_is_refused(base):
    result = imp(base, "verzuim", HEAD + "02-10-2023;LL01;5;A\n02-10-2023;LL02;5;A\n02-10-2023;LL01;4;ZI\n")
    assert [(p.row, p.message) for p in result.problems] == [
        (2, "Deze leerling heeft op deze dag samen 9 uur verzuim in het bestand: meer dan 8 uur op een dag."),
        (4, "Deze leerling heeft op deze dag samen 9 uur verzuim in het bestand: meer dan 8 uur op een dag.")]


def test_dates_in_the_future_or_outside_the_declared_school_year_are_refused(base):
    result = imp(base, "verzuim", HEAD + "03-06-2024;LL01;1;A\n31-07-2023;LL01;1;A\n01-08-2023;LL01;1;A\n",
                 school_year=2023)
    assert problems(result) == [
        (2, "datum", "03-06-2024", "Datum ligt in de toekomst (vandaag is 01-06-2024)."),
        (3, "datum", "31-07-2023", "Datum valt buiten schooljaar 2023/24 (01-08-2023 t/m 31-07-2024).")]


def test_the_school_year_column_is_checked_like_the_option(base):
    result = imp(base, "verzuim", "datum;pseudoniem;uren;code;schooljaar\n02-10-2023;LL01;1;A;2023/24\n"
                                  "02-10-2023;LL02;1;A;2022-2023\n02-10-2023;LL03;1;A;2023/25\n")
    assert problems(result) == [
        (3, "datum", "02-10-2023", "Datum valt buiten schooljaar 2022/23 (01-08-2022 t/m 31-07-2023)."),
        (4, "schooljaar", "2023/25",
         "Dit schooljaar klopt niet: het tweede jaar moet het jaar na het eerste zijn (2023/24).")]


def test_wrong_types_get_a_dutch_message_each(base):
    result = imp(base, "verzuim", HEAD + "31-02-2023;LL01;1;A\n2-10-23;LL01;1;A\n02-10-2023;LL01;veel;A\n"
                                         "02-10-2023;;1;A\n")
    assert problems(result) == [
        (2, "datum", "31-02-2023", "Deze datum bestaat niet."),
        (3, "datum", "2-10-23", "Geen geldige datum: gebruik dd-mm-jjjj of jjjj-mm-dd."),
        (4, "uren", "veel", "Geen getal."),
        (5, "pseudoniem", "", "Verplicht veld is leeg.")]


def test_unknown_pupils_and_schools_are_named(base):
    result = imp(base, "verzuim", "datum;pseudoniem;vestigingsnummer;uren;code\n02-10-2023;LL99;;1;A\n"
                                  "02-10-2023;LL01;12AB00;1;A\n02-10-2023;LL01;12AB0;1;ZI\n")
    assert problems(result) == [
        (2, "pseudoniem", "LL99", "Leerling met pseudoniem 'LL99' bestaat niet: importeer eerst de leerlingen."),
        (3, "vestigingsnummer", "12AB00",
         "Vestiging '12AB00' staat niet in het scholenregister: importeer eerst het scholenregister."),
        (4, "vestigingsnummer", "12AB0", "Ongeldig formaat: verwacht 4 tekens BRIN + 2 cijfers.")]


def test_a_duplicate_within_the_file_points_at_the_first_row(base):
    result = imp(base, "verzuim", HEAD + "02-10-2023;LL01;1;A\n03-10-2023;LL01;1;A\n2023-10-02;LL01;1;a\n")
    assert problems(result) == [
        (4, "code", "a", "Dubbele regel: dezelfde leerling, datum en code staan ook in rij 2.")]


def test_formula_like_cells_are_refused(base):
    result = imp(base, "leerlingen", "pseudoniem;voornaam;achternaam;geboortedatum\n"
                                     "LL07;=cmd|' /C calc'!A0;Smit;01-01-2016\nLL08;@SUM(A1);Jansen;01-01-2016\n"
                                     "LL09;-Jan;Jansen;01-01-2016\nLL10;Jan;- 5;01-01-2016\n")
    formula = ("Waarde begint als een formule (=, +, - of @ gevolgd door tekst): zo'n cel kan in Excel een "
               "opdracht uitvoeren en wordt niet geïmporteerd. Haal het teken weg.")
    assert problems(result) == [(2, "voornaam", "=cmd|' /C calc'!A0", formula), (3, "voornaam", "@SUM(A1)", formula),
                                (4, "voornaam", "-Jan", formula)]


def test_unknown_and_missing_columns_reject_the_file_before_any_row(base):
    result = imp(base, "verzuim", "datum;leerling;uren;opmerking\n02-10-2023;LL01;1;x\n")
    assert result.rows == 0
    assert [m for m in messages(result)] == [
        "Onbekende kolom 'leerling' voor verzuimregistraties. Toegestane kolommen: datum, pseudoniem, "
        "vestigingsnummer, uren, lesuren, code, bron, schooljaar, registratiedatum.",
        "Onbekende kolom 'opmerking' voor verzuimregistraties. Toegestane kolommen: datum, pseudoniem, "
        "vestigingsnummer, uren, lesuren, code, bron, schooljaar, registratiedatum.",
        "Verplichte kolom 'pseudoniem' (of: pseudonym, leerling_pseudoniem, pseudo_id, pupil_pseudonym) "
        "ontbreekt in de kopregel.",
        "Verplichte kolom 'code' (of: verzuimcode, las_code, absentiecode, reden_code) ontbreekt in de kopregel."]


def test_a_misspelt_column_gets_a_suggestion(base):
    result = imp(base, "verzuim", "datum;pseudoniem;urne;code\n02-10-2023;LL01;1;A\n")
    assert messages(result)[0].startswith("Onbekende kolom 'urne' voor verzuimregistraties. Bedoelt u 'uren'?")


def test_rules_of_the_other_kinds(base):
    contact = imp(base, "contacten", "datum;leerplichtambtenaar;doelgroep;kanaal;vestigingsnummer;pseudoniem\n"
                                     "12-10-2023;lpa;school;telefoon;;\n12-10-2023;lpa;gezin;huisbezoek;;\n"
                                     "12-10-2023;lpa;buurman;telefoon;99ZZ00;\n")
    assert problems(contact) == [
        (2, "vestigingsnummer", "", "Bij doelgroep school is een vestigingsnummer verplicht."),
        (3, "pseudoniem", "", "Bij doelgroep gezin of jongere is een pseudoniem verplicht."),
        (4, "doelgroep", "buurman", "Onbekende waarde. Kies uit: family, partner, school, youth.")]
    period = imp(base, "perioden", "naam;soort;sector;begin;einde\nKerst;vakantie;PO;20-12-2023;19-12-2023\n")
    assert problems(period) == [
        (2, "sector", "PO", "Onbekende sector. Kies uit: BAO, SBAO, SO, VO of laat leeg (alle sectoren)."),
        (2, "einde", "19-12-2023", "Einde ligt vóór het begin.")]
    case = imp(base, "casussen", "pseudoniem;geopend_op;bron;reden;gesloten_op\nLL01;02-10-2023;GGD;zorg;01-10-2023\n")
    assert problems(case) == [(2, "gesloten_op", "01-10-2023", "Gesloten op ligt vóór geopend op.")]
    enrol = imp(base, "inschrijvingen", "vestigingsnummer;schooljaar;leerlingen\n99ZZ00;2023/24;200\n"
                                        "99ZZ00;2023;201\n99ZZ01;2025/26;10\n")
    assert problems(enrol) == [
        (3, "vestigingsnummer", None,
         "Dubbele regel: dezelfde vestiging en hetzelfde schooljaar staat ook in rij 2."),
        (4, "schooljaar", "2025/26", "Schooljaar ligt in de toekomst.")]


def test_a_status_report_that_is_not_all_green_needs_cause_consequence_and_measure(base):
    with base.begin() as conn:
        conn.execute(insert(models.PolicyAction).values(code="A1", programme="LEA", title="Pilot",
                                                        portfolio_holder="wethouder"))
        conn.execute(insert(models.ReportingPeriod).values(name="2024-T1", start=D(2024, 1, 1),
                                                           end=D(2024, 4, 30)))
    result = imp(base, "statusrapportages", "actiecode;rapportageperiode;kwaliteit;tijd;geld;oorzaak\n"
                                            "A1;2024-T1;groen;green;groen;\nA1;2024-T1;rood;groen;groen;te laat\n"
                                            "A9;2024-T2;groen;groen;groen;\n")
    assert problems(result) == [
        (3, "gevolg", None, "Gevolg is verplicht als niet alles groen is."),
        (3, "maatregel", None, "Maatregel is verplicht als niet alles groen is."),
        (4, "actiecode", "A9", "LEA-actie 'A9' bestaat niet."),
        (4, "rapportageperiode", "2024-T2", "Rapportageperiode '2024-T2' bestaat niet.")]


# --- unknown LAS codes ----------------------------------------------------------------------------


UNKNOWN = HEAD + "02-10-2023;LL01;1;XX\n02-10-2023;LL02;2;YY\n03-10-2023;LL01;1;xx\n03-10-2023;LL02;1;A\n"


def test_an_unknown_code_stops_the_import_with_the_codes_and_where_they_occur(base):
    before = dump(base)
    result = imp(base, "verzuim", UNKNOWN)
    assert result.status == "afgewezen"
    assert [(e["code"], e["aantal"], e["rijen"]) for e in result.unknown_codes] == [("XX", 2, [2, 4]),
                                                                                   ("YY", 1, [3])]
    assert messages(result) == [
        "Onbekende verzuimcode 'XX': 2 keer, in rij 2, 4. Voeg de code toe aan de codetabel (beheer → Codetabel) "
        "of kies 'onbekende codes als onbekend importeren'.",
        "Onbekende verzuimcode 'YY': 1 keer, in rij 3. Voeg de code toe aan de codetabel (beheer → Codetabel) "
        "of kies 'onbekende codes als onbekend importeren'."]
    assert dump(base) == before


def test_unknown_codes_imported_as_onbekend_get_their_category_when_the_code_is_added(base):
    result = imp(base, "verzuim", UNKNOWN, unknown_as_onbekend=True)
    assert result.ok and result.onbekend_rows == 3 and result.counts.inserted == 4
    # sorted by pupil and date: LL01 2 and 3 October (XX, xx), LL02 2 and 3 October (YY, A)
    assert [r[4:] for r in absence(base)] == [("XX", "onbekend"), ("XX", "onbekend"), ("YY", "onbekend"),
                                              ("A", "ongeoorloofd")]
    with base.begin() as conn:
        assert codes.unknown_in_use(conn)[["code", "registraties"]].values.tolist() == [["XX", 2], ["YY", 1]]
        n = codes.set_code(conn, "*", "xx", "Ziek", "ziek (oud LAS)", username="tester")
    assert n == 2
    with base.connect() as conn:
        weeks = conn.execute(select(models.AbsenceWeek.category, models.AbsenceWeek.hours)
                             .order_by(models.AbsenceWeek.category)).all()
    # week of 2 October: YY 2 h stays onbekend, A 1 h ongeoorloofd, XX 1 + 1 h now ziek
    assert weeks == [("onbekend", 2.0), ("ongeoorloofd", 1.0), ("ziek", 2.0)]


# --- idempotency, conflicts, "periode vervangen" ---------------------------------------------------


EXISTING = ("datum;pseudoniem;vestigingsnummer;uren;code\n"
            "02-10-2023;LL01;99ZZ00;2;A\n03-10-2023;LL01;99ZZ00;5;ZI\n05-10-2023;LL01;99ZZ00;0,5;TA\n"
            "09-10-2023;LL01;99ZZ00;1;A\n03-10-2023;LL02;99ZZ01;3;A\n")
REDELIVERY = ("datum;pseudoniem;vestigingsnummer;uren;code\n"
              "02-10-2023;LL01;99ZZ00;2;A\n03-10-2023;LL01;99ZZ00;4;ZI\n06-10-2023;LL01;99ZZ00;1;A\n")


def test_the_same_absence_file_twice_changes_nothing(base):
    assert imp(base, "verzuim", EXISTING).ok
    before = dump(base)
    again = imp(base, "verzuim", EXISTING)
    assert again.ok and (again.counts.inserted, again.counts.unchanged) == (0, 5)
    assert dump(base) == before


def test_a_row_that_exists_with_other_hours_is_a_conflict_unless_the_period_is_replaced(base):
    assert imp(base, "verzuim", EXISTING).ok
    before = dump(base)
    result = imp(base, "verzuim", REDELIVERY)
    assert problems(result) == [
        (3, "uren", "4", "Deze registratie (leerling, datum, code) staat al in de database met andere uren. "
                         "Kies 'periode vervangen' om een levering te vervangen.")]
    assert dump(base) == before


def _replace_expectations(result, deleted_until):
    assert (result.counts.inserted, result.counts.updated, result.counts.unchanged, result.counts.deleted) == (
        1, 1, 1, 1 if deleted_until == D(2023, 10, 6) else 2)
    assert [(r["vestigingsnummer"], r["van"], r["tot en met"]) for r in result.replaced] == [
        ("99ZZ00", D(2023, 10, 2), deleted_until)]


def test_replacing_the_period_replaces_exactly_that_schools_period(base):
    assert imp(base, "verzuim", EXISTING).ok
    before = dump(base)
    dry = imp(base, "verzuim", REDELIVERY, replace_period=True, dry_run=True)
    assert dry.status == "proef: in orde"
    _replace_expectations(dry, D(2023, 10, 6))
    assert dump(base) == before
    result = imp(base, "verzuim", REDELIVERY, replace_period=True)
    _replace_expectations(result, D(2023, 10, 6))
    # 5 October (TA) is gone, 9 October (outside the period) and the other school stay
    assert absence(base) == [
        ("LL01", "99ZZ00", D(2023, 10, 2), 2.0, "A", "ongeoorloofd"),
        ("LL01", "99ZZ00", D(2023, 10, 3), 4.0, "ZI", "ziek"),
        ("LL01", "99ZZ00", D(2023, 10, 6), 1.0, "A", "ongeoorloofd"),
        ("LL01", "99ZZ00", D(2023, 10, 9), 1.0, "A", "ongeoorloofd"),
        ("LL02", "99ZZ01", D(2023, 10, 3), 3.0, "A", "ongeoorloofd")]
    again = imp(base, "verzuim", REDELIVERY, replace_period=True)
    assert (again.counts.inserted, again.counts.updated, again.counts.deleted, again.counts.unchanged) == (0, 0, 0, 3)


def test_a_stated_period_is_replaced_as_a_whole(base):
    assert imp(base, "verzuim", EXISTING).ok
    result = imp(base, "verzuim", REDELIVERY, replace_period=True, period_from=D(2023, 10, 2),
                 period_to=D(2023, 10, 13))
    _replace_expectations(result, D(2023, 10, 13))
    assert [r[2] for r in absence(base)] == [D(2023, 10, 2), D(2023, 10, 3), D(2023, 10, 6), D(2023, 10, 3)]


def test_only_valid_rows_writes_the_good_rows_and_reports_the_others(base):
    result = imp(base, "verzuim", HEAD + "02-10-2023;LL01;2;A\n03-10-2023;LL01;9;A\n04-10-2023;LL02;1;ZI\n",
                 only_valid=True)
    assert result.status == "geslaagd" and result.written
    assert (result.rows, result.invalid_rows, result.counts.inserted) == (3, 1, 2)
    assert [p.row for p in result.problems] == [3]
    assert [r[:3] for r in absence(base)] == [("LL01", "99ZZ00", D(2023, 10, 2)), ("LL02", "99ZZ01", D(2023, 10, 4))]


def test_only_valid_rows_does_not_override_a_broken_header(base):
    result = imp(base, "verzuim", "datum;pseudoniem;code\n02-10-2023;LL01;A\n", only_valid=True)
    assert result.status == "afgewezen"
    assert messages(result) == ["Kolom 'uren' of 'lesuren' ontbreekt: één van beide is nodig."]


def test_the_summaries_are_refreshed_for_the_touched_schools_and_weeks_only(base):
    with base.connect() as conn:
        school = dict(conn.execute(select(models.School.vestigingsnummer, models.School.id)).all())
    with base.begin() as conn:  # stale rows that a full rebuild would remove
        conn.execute(insert(models.AbsenceWeek), [
            dict(school_id=school["98YY00"], week_start=D(2023, 10, 2), category="ziek", hours=99, occurrences=1,
                 pupils=1),
            dict(school_id=school["99ZZ00"], week_start=D(2024, 1, 8), category="ziek", hours=77, occurrences=1,
                 pupils=1)])
    assert imp(base, "verzuim", HEAD + "02-10-2023;LL01;2;A\n04-10-2023;LL01;1,5;A\n").ok
    with base.connect() as conn:
        weeks = conn.execute(select(models.AbsenceWeek.school_id, models.AbsenceWeek.week_start,
                                    models.AbsenceWeek.category, models.AbsenceWeek.hours,
                                    models.AbsenceWeek.occurrences)
                             .order_by(models.AbsenceWeek.school_id, models.AbsenceWeek.week_start)).all()
        years = conn.execute(select(models.PupilYear.pupil_id, models.PupilYear.school_year,
                                    models.PupilYear.unauthorised_hours)).all()
    assert sorted(weeks) == sorted([
        (school["99ZZ00"], D(2023, 10, 2), "ongeoorloofd", 3.5, 2),
        (school["99ZZ00"], D(2024, 1, 8), "ziek", 77.0, 1),
        (school["98YY00"], D(2023, 10, 2), "ziek", 99.0, 1)])
    assert [(y[1], y[2]) for y in years] == [(2023, 3.5)]


# --- PostgreSQL ---------------------------------------------------------------------------------------


def test_on_postgresql_absence_imports_replaces_and_reimports_the_same_way(pg_engine):
    load_base(pg_engine)
    assert imp(pg_engine, "verzuim", EXISTING).ok
    conflict = imp(pg_engine, "verzuim", REDELIVERY)
    assert [p.row for p in conflict.problems] == [3]
    result = imp(pg_engine, "verzuim", REDELIVERY, replace_period=True)
    _replace_expectations(result, D(2023, 10, 6))
    assert [r[2:5] for r in absence(pg_engine)] == [
        (D(2023, 10, 2), 2.0, "A"), (D(2023, 10, 3), 4.0, "ZI"), (D(2023, 10, 6), 1.0, "A"),
        (D(2023, 10, 9), 1.0, "A"), (D(2023, 10, 3), 3.0, "A")]
    before = dump(pg_engine)
    assert imp(pg_engine, "verzuim", REDELIVERY, replace_period=True).counts.unchanged == 3
    assert dump(pg_engine) == before


def test_on_postgresql_the_duo_register_imports_completely(pg_engine):
    result = imp(pg_engine, "scholen", DUO_FILE.read_bytes(), name=DUO_FILE.name)
    assert result.ok and result.counts.inserted == 6589
    again = imp(pg_engine, "scholen", DUO_FILE.read_bytes(), name=DUO_FILE.name)
    assert again.counts.unchanged == 6589


def test_a_row_that_exists_at_another_school_is_a_conflict_even_when_replacing(base):
    assert imp(base, "verzuim", EXISTING).ok
    before = dump(base)
    moved = "datum;pseudoniem;vestigingsnummer;uren;code\n03-10-2023;LL02;98YY00;3;A\n"
    result = imp(base, "verzuim", moved, replace_period=True)
    assert problems(result) == [
        (2, "uren", "3", "Deze registratie (leerling, datum, code) staat al in de database bij een andere vestiging. "
                         "Controleer het vestigingsnummer.")]
    assert dump(base) == before


def test_lesson_periods_that_come_to_more_than_8_hours_are_refused(base):
    result = imp(base, "verzuim", "datum;pseudoniem;lesuren;code\n02-10-2023;LL01;10;A\n02-10-2023;LL02;;A\n",
                 lesson_minutes=50)
    assert problems(result) == [
        (2, "lesuren", "10", "10 lesuren is omgerekend 8,33 uur: meer dan 8 uur op een dag."),
        (3, "lesuren", "", "Uren of lesuren is verplicht.")]


def test_an_excel_formula_is_refused_not_evaluated(base):
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["datum", "pseudoniem", "uren", "code"])
    ws.append(["02-10-2023", "LL01", "=1+1", "A"])
    ws.append(["03-10-2023", "LL01", 2, "A"])
    buffer = io.BytesIO()
    wb.save(buffer)
    result = imp(base, "verzuim", buffer.getvalue(), name="verzuim.xlsx")
    assert [(p.row, p.column, p.value) for p in result.problems] == [(2, "uren", "=1+1")]
    assert "formule" in result.problems[0].message and absence(base) == []
