"""The council appendix (Word and PDF, issue 15) holds what the page shows for the role: the
colour counts per light, every action's lights as shape + word, the "einddatum verstreken"
flag, the explanation as typed, the KPI evidence lines and every "het bewijs wijst op …"
warning; its properties name the document, the user who made it and when.

Expected values from tests/fixtures/status.py (worked out there and in test_status_views.py):
2024-T1 Kwaliteit 2 groen, 1 oranje, 1 rood; Tijd 1, 3, 0; Geld 4, 0, 0; LEA-01's evidence
(1 of 4 primary schools visited) points to rood while groen was reported.
"""
import datetime as dt
import io
import re
from dataclasses import replace
from zoneinfo import ZoneInfo

import docx
import pytest
from pypdf import PdfReader

from data_access.definitions import DEFAULTS, Suppressor
from data_access.definitions.actions import past_planned_end
from data_access.exports.status_docx import council_appendix_docx
from data_access.exports.status_pdf import council_appendix_pdf
from data_access.queries import status as q
from ui.status.report import council_report
from fixtures import status as fixture

MADE_AT = dt.datetime(2024, 4, 10, 14, 5, tzinfo=ZoneInfo("Europe/Amsterdam"))  # 12:05 UTC
TODAY = dt.date(2026, 12, 4)
LEA01_EVIDENCE = ("Basisscholen bezocht in de periode: 25,0% (doel ≥ 80,0%) — scholen bezocht 1, "
                  "basisscholen 4 → bewijs: ■ rood")
LEA04_EVIDENCE = "Nieuwsbrieven in de periode: 1 (doel ≥ 2) — nieuwsbrieven 1 → bewijs: ■ rood"
WARNING = ("Het bewijs wijst op ■ rood voor Kwaliteit; gerapporteerd is ● groen. De gerapporteerde kleur "
           "blijft het oordeel van de leerplichtambtenaar.")


def report_of(engine, period_name: str, suppressor=Suppressor(5), today=TODAY):
    with engine.connect() as conn:
        period = {p.name: p for p in q.reporting_periods(conn)}[period_name]
        content = council_report(period, q.overview(conn, period.id, None),
                                 q.evidence(conn, period, DEFAULTS, suppressor), today)
    return replace(content, made_at=MADE_AT, author="Wethouder Jansen")


@pytest.fixture
def t1(engine):
    fixture.build(engine)
    return report_of(engine, "2024-T1")


def docx_text(data: bytes) -> tuple[docx.document.Document, str]:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return document, "\n".join(parts)


def pdf_text(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_the_content_has_counts_lights_evidence_and_the_warning(t1):
    assert t1.counts == (("Kwaliteit", (2, 1, 1, 0)), ("Tijd", (1, 3, 0, 0)), ("Geld", (4, 0, 0, 0)))
    by_code = {a.code: a for a in t1.actions}
    assert sorted(by_code) == ["LEA-01", "LEA-02", "LEA-03", "LEA-04"]
    assert by_code["LEA-04"].lights == ("rood", "oranje", "groen")
    assert by_code["LEA-02"].lights == ("groen", "oranje", "groen")  # the correction, not the original
    assert by_code["LEA-01"].evidence == (LEA01_EVIDENCE,) and by_code["LEA-01"].warning == WARNING
    assert by_code["LEA-04"].evidence == (LEA04_EVIDENCE,) and by_code["LEA-04"].warning is None  # agrees
    assert t1.warnings == (("LEA-01 — Schoolbezoeken leerplicht", WARNING),)
    assert by_code["LEA-04"].explanation == (("Oorzaak", "Minder capaciteit"), ("Gevolg", "Bezoeken schuiven op"),
                                             ("Maatregel", "Inhuur per mei"))


def test_word_appendix_carries_everything_and_its_properties(t1):
    document, text = docx_text(council_appendix_docx(t1))
    assert document.paragraphs[0].text == "Bijlage voortgang LEA-acties — 2024-T1"
    assert "Rapportageperiode 01-01-2024 t/m 31-03-2024. Opgesteld op 10-04-2024 14:05 door Wethouder Jansen." \
        in document.paragraphs[1].text
    summary, actions = document.tables
    assert [[c.text for c in row.cells] for row in summary.rows] == [
        ["Licht", "● groen", "▲ oranje", "■ rood", "– geen rapportage"],
        ["Kwaliteit", "2", "1", "1", "0"], ["Tijd", "1", "3", "0", "0"], ["Geld", "4", "0", "0", "0"]]
    header, *rows = [[c.text for c in row.cells] for row in actions.rows]
    assert header == ["Actie", "Portefeuillehouder", "Kwaliteit", "Tijd", "Geld", "Toelichting en bewijs"]
    by_code = {row[0].split(" — ")[0]: row for row in rows}
    assert by_code["LEA-04"][1:5] == ["Wethouder de Vries", "■ rood", "▲ oranje", "● groen"]
    assert by_code["LEA-04"][5].startswith("Oorzaak: Minder capaciteit\nGevolg: Bezoeken schuiven op\n"
                                           "Maatregel: Inhuur per mei\nBewijs uit de gegevens:\n" + LEA04_EVIDENCE)
    assert by_code["LEA-01"][5].endswith(LEA01_EVIDENCE + "\n⚠ " + WARNING)
    assert f"LEA-01 — Schoolbezoeken leerplicht: {WARNING}" in text  # the warnings listed together too
    properties = document.core_properties
    assert properties.title == "Bijlage voortgang LEA-acties — 2024-T1"
    assert properties.author == "Wethouder Jansen" and properties.last_modified_by == "Wethouder Jansen"
    assert properties.created == MADE_AT  # stored in UTC (12:05Z), not python-docx's 2013
    assert properties.language == "nl-NL"


def test_pdf_appendix_carries_everything_and_its_metadata(t1):
    reader, text = pdf_text(council_appendix_pdf(t1))
    assert "Bijlage voortgang LEA-acties — 2024-T1" in text
    assert "Licht ● groen ▲ oranje ■ rood – geen rapportage Kwaliteit 2 1 1 0 Tijd 1 3 0 0 Geld 4 0 0 0" in text
    for code, lights in (("LEA-04", "■ rood ▲ oranje ● groen"), ("LEA-01", "● groen ▲ oranje ● groen")):
        assert re.search(code + r" — .*?" + re.escape(lights), text), code
    assert LEA01_EVIDENCE in text and LEA04_EVIDENCE in text
    assert f"⚠ LEA-01 — Schoolbezoeken leerplicht {WARNING}" in text and f"⚠ {WARNING}" in text
    assert "Oorzaak: Minder capaciteit Gevolg: Bezoeken schuiven op Maatregel: Inhuur per mei" in text
    metadata = reader.metadata
    assert metadata.title == "Bijlage voortgang LEA-acties — 2024-T1"
    assert metadata.author == "Wethouder Jansen"
    assert metadata.creation_date == MADE_AT


def test_leerplicht_gets_the_evidence_other_roles_see_hidden(engine):
    """The appendix follows the role's suppression, as the page does (test_status_views)."""
    fixture.build(engine)
    hidden = {a.code: a.evidence for a in report_of(engine, "2024-T1").actions}
    shown = {a.code: a.evidence for a in report_of(engine, "2024-T1", suppressor=None).actions}
    assert all("verborgen" in line for line in hidden["LEA-03"])
    assert not any("verborgen" in line for line in shown["LEA-03"])


def test_an_action_without_report_and_typed_text_stay_plain(engine):
    ids = fixture.build(engine, reports=False, evidence=False)
    with engine.begin() as conn:
        fixture.add(conn, fixture.StatusReport, action_id=ids["actions"]["LEA-01"],
                    reporting_period_id=ids["periods"]["2024-T1"], quality="rood", time="groen",
                    money="groen", cause="<script>alert(1)</script> **vet**", consequence="a & b",
                    measure="m", author="lpa", created_at=dt.datetime(2024, 4, 1))
    content = report_of(engine, "2024-T1")
    _, words = docx_text(council_appendix_docx(content))
    _, printed = pdf_text(council_appendix_pdf(content))
    for text in (words, printed):
        assert "Oorzaak: <script>alert(1)</script> **vet**" in text and "Gevolg: a & b" in text
        assert "Geen statusrapportage in deze periode." in text  # LEA-02 … LEA-04
    assert content.counts[0] == ("Kwaliteit", (0, 0, 1, 3))


# --- "einddatum verstreken" on Tijd ---------------------------------------------------------


@pytest.mark.parametrize(("planned_end", "today", "past"), [
    (dt.date(2024, 3, 30), TODAY, True),             # before the period's last day (31-03-2024)
    (dt.date(2024, 3, 31), TODAY, False),            # on it: not past
    (dt.date(2024, 3, 15), dt.date(2024, 3, 10), False),  # the period still runs and it is not the 15th yet
    (dt.date(2024, 3, 15), dt.date(2024, 3, 16), True),
    (None, TODAY, False),
])
def test_past_planned_end(planned_end, today, past):
    assert past_planned_end(planned_end, dt.date(2024, 3, 31), today) is past


def test_an_action_past_its_end_is_flagged_on_tijd_on_the_tile_and_in_both_files(engine):
    ids = fixture.build(engine, evidence=False)
    with engine.begin() as conn:  # LEA-01 was to be done mid-February; its 2024-T1 report says Tijd groen
        conn.execute(fixture.PolicyAction.__table__.update().where(
            fixture.PolicyAction.id == ids["actions"]["LEA-01"]).values(planned_end=dt.date(2024, 2, 15)))
        fixture.report(conn, ids["actions"]["LEA-01"], ids["periods"]["2024-T1"], "g/g/g", dt.datetime(2024, 4, 5, 9))
    flag = "⚑ einddatum verstreken (gepland gereed 15-02-2024)"
    content = report_of(engine, "2024-T1")
    assert {a.code: a.past_end for a in content.actions} == {"LEA-01": flag, "LEA-02": None, "LEA-03": None,
                                                            "LEA-04": None}
    _, words = docx_text(council_appendix_docx(content))
    assert f"● groen\n{flag}" in words  # in the Tijd cell, under the light
    _, printed = pdf_text(council_appendix_pdf(content))
    assert f"● groen {flag}" in printed
    # the 2023-T3 report (period ending 31-12-2023) is not past the end
    assert not any(a.past_end for a in report_of(engine, "2023-T3").actions)
