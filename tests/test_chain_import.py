"""Issue 18: meldingen in DUO's shape. The meldingen import accepts DUO's verzuimsoorten and statuses
as DUO writes them and their common abbreviations, maps them to the stored codes, takes DUO's
fields (meldingsnummer, einddatum verzuim, vermoedelijke reden, actie door school, actie gewenst),
names a wrong value's file, row and column, and the template on /beheer shows all of it.
Base data: tests/fixtures/imports.py (LL01 at 99ZZ00, LL02 at 99ZZ01, LL03 at 98YY00; today 01-06-2024).
"""
from __future__ import annotations

import csv
import io

from sqlalchemy import select

from data_access import models
from data_access.importers import templates
from data_access.importers.kinds import MELDINGEN
from fixtures.imports import D, dump, imp

# Headers as a DUO export spells them (case, spaces and other names than the template's)
DUO_HEAD = ("Pseudoniem;Verzuimsoort;Meldingsnummer;Begindatum verzuim;Einddatum verzuim;Melddatum;Status;"
            "Vermoedelijke reden;Actie door school;Actie gewenst\n")


def stored(engine) -> list[tuple]:
    M = models.Verzuimmelding
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            select(models.Pupil.pseudonym, M.kind, M.meldingsnummer, M.absence_start, M.absence_end, M.reported_on,
                   M.status, M.suspected_reason, M.school_action, M.action_wanted)
            .join(models.Pupil, models.Pupil.id == M.pupil_id).order_by(M.meldingsnummer))]


def test_a_meldingen_file_with_duos_words_and_abbreviations_lands_the_stored_codes(base):
    result = imp(base, "verzuimmeldingen", DUO_HEAD +
                 "LL01;16 uur in 4 lesweken;2023000101;11-09-2023;04-10-2023;06-10-2023;geregistreerd;"
                 "problemen thuis;gesprek met ouders;gesprek leerplicht met ouders\n"
                 "LL01;LRV;2023000102;01-11-2023;15-12-2023;18-12-2023;In behandeling;;;\n"
                 "LL02;luxe;2023000103;02-02-2024;09-02-2024;12-02-2024;Afgesloten;vakantie;;proces-verbaal\n"
                 "LL02;Signaal;2023000104;04-03-2024;;08-03-2024;tkn;;;\n"
                 "LL03;16 uur;2023000105;08-01-2024;26-01-2024;29-01-2024;ingetrokken;;;\n"
                 "LL03;Overig verzuim;2023000106;;;05-02-2024;Ter kennisgeving aangenomen;;;\n"
                 "LL03;Langdurig relatief verzuim (> 4 weken);2023000107;01-03-2024;;30-04-2024;;;;\n"
                 "LL03;verzuim 18+ (RMC);2023000108;;;06-05-2024;afgehandeld;;;\n",
                 name="meldingen-duo.csv")
    assert result.ok, result.problems
    assert result.counts.inserted == 8
    assert stored(base) == [
        ("LL01", "16_uur", "2023000101", D(2023, 9, 11), D(2023, 10, 4), D(2023, 10, 6), "open",
         "problemen thuis", "gesprek met ouders", "gesprek leerplicht met ouders"),
        ("LL01", "lrv", "2023000102", D(2023, 11, 1), D(2023, 12, 15), D(2023, 12, 18), "in_behandeling",
         None, None, None),
        ("LL02", "luxe", "2023000103", D(2024, 2, 2), D(2024, 2, 9), D(2024, 2, 12), "afgerond",
         "vakantie", None, "proces-verbaal"),
        ("LL02", "signaal", "2023000104", D(2024, 3, 4), None, D(2024, 3, 8), "ter_kennisgeving", None, None, None),
        ("LL03", "16_uur", "2023000105", D(2024, 1, 8), D(2024, 1, 26), D(2024, 1, 29), "ingetrokken",
         None, None, None),
        ("LL03", "overig", "2023000106", None, None, D(2024, 2, 5), "ter_kennisgeving", None, None, None),
        ("LL03", "lrv", "2023000107", D(2024, 3, 1), None, D(2024, 4, 30), "open", None, None, None),  # empty: geregistreerd
        ("LL03", "rmc", "2023000108", None, None, D(2024, 5, 6), "afgerond", None, None, None),
    ]


def test_a_second_delivery_updates_duos_fields_and_a_file_without_them_keeps_them(base):
    head = "pseudoniem;soort;meldingsdatum;status;meldingsnummer;vermoedelijke_reden\n"
    assert imp(base, "verzuimmeldingen", head + "LL02;16 uur;06-10-2023;geregistreerd;2023000201;ziek?\n").ok
    again = imp(base, "verzuimmeldingen", head + "LL02;16 uur;06-10-2023;in behandeling;2023000201;schoolangst\n")
    assert again.ok and (again.counts.inserted, again.counts.updated) == (0, 1)
    without = imp(base, "verzuimmeldingen", "pseudoniem;soort;meldingsdatum;status\nLL02;16 uur;06-10-2023;afgesloten\n")
    assert without.ok and without.counts.updated == 1
    assert [(r[1], r[2], r[6], r[7]) for r in stored(base)] == [("16_uur", "2023000201", "afgerond", "schoolangst")]


def test_a_wrong_status_verzuimsoort_or_end_date_names_file_row_column_and_the_allowed_words(base):
    before = dump(base)
    result = imp(base, "verzuimmeldingen", DUO_HEAD +
                 "LL01;16 uur;1;11-09-2023;04-10-2023;06-10-2023;geregistreerd;;;\n"
                 "LL01;16 uur;2;11-09-2023;04-10-2023;09-10-2023;verwerkt;;;\n"
                 "LL02;spijbelen;3;11-09-2023;04-10-2023;06-10-2023;open;;;\n"
                 "LL03;luxe;4;11-09-2023;01-09-2023;06-10-2023;open;;;\n",
                 name="meldingen-duo.csv")
    assert result.status == "afgewezen" and not result.written and dump(base) == before
    assert [str(p) for p in result.problems] == [
        "meldingen-duo.csv: rij 3, kolom Status, waarde 'verwerkt': Onbekende waarde. Kies uit: geregistreerd, "
        "in behandeling, afgesloten, ingetrokken, ter kennisgeving aangenomen.",
        "meldingen-duo.csv: rij 4, kolom Verzuimsoort, waarde 'spijbelen': Onbekende waarde. Kies uit: "
        "16 uur in 4 lesweken, langdurig relatief verzuim (> 4 weken), luxe verzuim, signaalverzuim, "
        "zorgwekkend ziekteverzuim, te laat, overig verzuim, verzuim 18+ (RMC).",
        "meldingen-duo.csv: rij 5, kolom Einddatum verzuim, waarde '01-09-2023': Einddatum van het verzuim ligt "
        "vóór de startdatum.",
    ]


def test_the_meldingen_template_shows_duos_columns_and_words_and_imports_them(engine):
    content = templates.template_bytes("verzuimmeldingen").decode("utf-8-sig")
    [row] = list(csv.DictReader(io.StringIO(content), delimiter=";"))  # one example row
    assert list(row) == ["pseudoniem", "vestigingsnummer", "soort", "meldingsnummer", "startdatum_verzuim",
                            "einddatum_verzuim", "meldingsdatum", "uren", "status", "vermoedelijke_reden",
                            "actie_door_school", "actie_gewenst", "uitkomst", "leerplichtambtenaar"]
    assert (row["soort"], row["status"], row["meldingsnummer"]) == ("16 uur in 4 lesweken", "geregistreerd",
                                                                    "2023004711")
    # the column table on /beheer (tab Sjablonen) names the allowed values in DUO's words
    table = templates.columns_frame("verzuimmeldingen").set_index("kolom")
    assert table.loc["soort", "soort"] == (
        "een van: 16 uur in 4 lesweken, langdurig relatief verzuim (> 4 weken), luxe verzuim, signaalverzuim, "
        "zorgwekkend ziekteverzuim, te laat, overig verzuim, verzuim 18+ (RMC)")
    assert table.loc["status", "soort"] == (
        "een van: geregistreerd, in behandeling, afgesloten, ingetrokken, ter kennisgeving aangenomen")
    assert "tkn" in table.loc["status", "betekenis"] and "LRV" in table.loc["soort", "betekenis"]
    assert table.loc["einddatum_verzuim", "soort"] == "datum (dd-mm-jjjj of jjjj-mm-dd)"
    assert "DUO" in templates.description("verzuimmeldingen")
    for kind in ("scholen", "leerlingen", "verzuimmeldingen"):  # the template's pupil and school first
        result = imp(engine, kind, templates.template_bytes(kind))
        assert result.ok, (kind, result.problems)
    assert stored(engine) == [("LL000002", "16_uur", "2023004711", D(2023, 9, 11), D(2023, 10, 4), D(2023, 10, 6), "open",
                             "problemen thuis", "gesprek met ouders", "gesprek leerplicht met ouders")]


def test_the_personal_fields_are_masked_in_the_preview():
    personal = {c.name for c in MELDINGEN.columns if c.personal}
    assert personal == {"vermoedelijke_reden", "actie_door_school", "actie_gewenst"}
    assert set(models.personal_columns()["verzuimmelding"]) >= {"suspected_reason", "school_action", "action_wanted"}


# --- cases with DUO's outcome, and the interventions in them ---------------------------------------

CASES_HEAD = "Pseudoniem;Geopend op;Bron;Reden;Status;Gesloten op;Uitkomst;Toelichting uitkomst\n"
INTERVENTIONS_HEAD = "Pseudoniem;Casus geopend op;Bron;Soort;Datum;Leerplichtambtenaar\n"


def test_a_closed_case_takes_duos_outcome_and_interventions_find_their_case(base):
    cases = imp(base, "casussen", CASES_HEAD +
                "LL01;02-10-2023;school;verzuim;gesloten;20-11-2023;terug naar school / opleiding hervat;"
                "leerling gezien door gemeente\n"
                "LL02;09-10-2023;GGD;zorgen;open;;;\n", name="casussen.csv")
    assert cases.ok, cases.problems
    # abbreviations and the source in other capitals: "OZA", "pv", "School"
    done = imp(base, "interventies", INTERVENTIONS_HEAD +
               "LL01;02-10-2023;School;gesprek;05-10-2023;lpa1\n"
               "LL01;02-10-2023;school;OZA;12-10-2023;lpa1\n"
               "LL02;09-10-2023;GGD;pv;16-10-2023;\n", name="interventies.csv")
    assert done.ok, done.problems
    M = models
    with base.connect() as conn:
        outcome = conn.execute(select(M.Concern.outcome, M.Concern.outcome_explanation)
                               .where(M.Concern.source == "school")).one()
        rows = conn.execute(select(M.Concern.source, M.Intervention.kind, M.Intervention.date, M.Intervention.officer)
                            .join(M.Concern, M.Concern.id == M.Intervention.concern_id)
                            .order_by(M.Intervention.date)).all()
    assert tuple(outcome) == ("terug_naar_school", "gezien_door_gemeente")
    assert [tuple(r) for r in rows] == [("school", "gesprek", D(2023, 10, 5), "lpa1"),
                                        ("school", "zorgadviesteam", D(2023, 10, 12), "lpa1"),
                                        ("GGD", "proces_verbaal", D(2023, 10, 16), None)]
    # the same file again changes nothing
    again = imp(base, "interventies", INTERVENTIONS_HEAD + "LL01;02-10-2023;school;gesprek;05-10-2023;lpa1\n")
    assert again.ok and again.counts.inserted == 0 and again.counts.unchanged == 1


def test_an_outcome_on_an_open_case_and_an_intervention_without_its_case_are_refused_with_row_and_column(base):
    before = dump(base)
    cases = imp(base, "casussen", CASES_HEAD + "LL01;02-10-2023;school;verzuim;open;;legitiem afwezig;\n",
                name="casussen.csv")
    assert not cases.ok
    assert [(p.row, p.column) for p in cases.problems] == [(2, "Uitkomst")]
    assert "gesloten casus" in cases.problems[0].message
    lost = imp(base, "interventies", INTERVENTIONS_HEAD +
               "LL01;02-10-2023;school;gesprek;05-10-2023;lpa1\n"
               "LL01;02-10-2023;school;boete;06-10-2023;lpa1\n", name="interventies.csv")
    assert not lost.ok
    # no case of LL01 opened on 2 October (both rows), and "boete" is no intervention
    assert sorted((p.row, p.column) for p in lost.problems) == [
        (2, "Casus geopend op"), (3, "Casus geopend op"), (3, "Soort")]
    assert all("importeer eerst de casussen" in p.message for p in lost.problems if p.column == "Casus geopend op")
    assert dump(base) == before  # nothing half written
