"""The council appendix (Word and print-ready HTML) holds every action of the period, with the
lights as shape + word (readable in black and white) and the explanations."""
import datetime as dt
import io
import re

import docx
import pytest

from data_access.exports.status_docx import council_appendix_docx
from data_access.exports.status_html import council_appendix_html
from data_access.queries import status as q
from fixtures import status as fixture

MADE_ON = dt.date(2024, 4, 10)


@pytest.fixture
def t1(engine):
    ids = fixture.build(engine, evidence=False)
    with engine.connect() as conn:
        periods = {p.name: p for p in q.reporting_periods(conn)}
        overview = q.overview(conn, ids["periods"]["2024-T1"], ids["periods"]["2023-T3"])
        earlier = q.overview(conn, ids["periods"]["2023-T3"], None)
    return periods, overview, earlier


def _docx_rows(data: bytes) -> list[list[str]]:
    [table] = docx.Document(io.BytesIO(data)).tables
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_word_appendix_has_every_action_with_lights_and_explanation(t1):
    periods, overview, _ = t1
    data = council_appendix_docx(periods["2024-T1"], overview, MADE_ON)
    document = docx.Document(io.BytesIO(data))
    assert document.paragraphs[0].text == "Bijlage voortgang LEA-acties — 2024-T1"
    assert "Rapportageperiode 01-01-2024 t/m 31-03-2024. Opgesteld op 10-04-2024." in document.paragraphs[1].text
    header, *rows = _docx_rows(data)
    assert header == ["Actie", "Portefeuillehouder", "Kwaliteit", "Tijd", "Geld", "Toelichting"]
    by_code = {row[0].split(" — ")[0]: row for row in rows}
    assert sorted(by_code) == ["LEA-01", "LEA-02", "LEA-03", "LEA-04"]
    assert by_code["LEA-04"][1:5] == ["Wethouder de Vries", "■ rood", "▲ oranje", "● groen"]
    assert by_code["LEA-02"][2:5] == ["● groen", "▲ oranje", "● groen"]  # the correction, not the original
    assert by_code["LEA-04"][5] == ("Oorzaak: Minder capaciteit\nGevolg: Bezoeken schuiven op\n"
                                    "Maatregel: Inhuur per mei")


def test_word_appendix_marks_an_action_without_report(t1):
    periods, _, earlier = t1
    rows = {row[0].split(" — ")[0]: row for row in _docx_rows(
        council_appendix_docx(periods["2023-T3"], earlier, MADE_ON))[1:]}
    assert len(rows) == 4
    assert rows["LEA-03"][2:] == ["– geen rapportage"] * 3 + ["Geen statusrapportage in deze periode."]
    assert rows["LEA-01"][5] == "Alle lichten groen; geen toelichting nodig."


def test_html_appendix_has_every_action_and_prints_landscape(t1):
    periods, overview, _ = t1
    page = council_appendix_html(periods["2024-T1"], overview, MADE_ON)
    assert '<html lang="nl">' in page and "size: A4 landscape" in page
    body = page.split("<tbody>")[1]
    assert body.count("<tr>") == 4
    for code in ("LEA-01", "LEA-02", "LEA-03", "LEA-04"):
        assert f"<strong>{code} — " in body
    lea04 = re.search(r"<tr><td><strong>LEA-04.*?</tr>", body).group(0)
    assert re.findall(r'class="licht (\w+)">([^<]+)<', lea04) == [
        ("rood", "■ rood"), ("oranje", "▲ oranje"), ("groen", "● groen")]
    assert "<strong>Maatregel:</strong> Inhuur per mei" in lea04


def test_html_escapes_what_officers_typed(engine):
    ids = fixture.build(engine, reports=False, evidence=False)
    with engine.begin() as conn:
        fixture.add(conn, fixture.StatusReport, action_id=ids["actions"]["LEA-01"],
                    reporting_period_id=ids["periods"]["2024-T1"], quality="rood", time="groen",
                    money="groen", cause="<script>alert(1)</script>", consequence="a & b",
                    measure="m", author="lpa", created_at=dt.datetime(2024, 4, 1))
    with engine.connect() as conn:
        period = [p for p in q.reporting_periods(conn) if p.name == "2024-T1"][0]
        overview = q.overview(conn, period.id, None)
    page = council_appendix_html(period, overview, MADE_ON)
    assert "<script>" not in page and "&lt;script&gt;" in page and "a &amp; b" in page


def test_no_report_text_mentions_a_planned_end_before_the_period():
    period = q.Period(9, "2025-T1", dt.date(2025, 1, 1), dt.date(2025, 4, 30))
    assert q.no_report_text(dt.date(2022, 7, 31), period) == (
        "Geen statusrapportage in deze periode. De actie was volgens planning gereed op 31-07-2022.")
    assert q.no_report_text(dt.date(2025, 7, 31), period) == "Geen statusrapportage in deze periode."
    assert q.no_report_text(None, period) == "Geen statusrapportage in deze periode."
