"""Council appendix (raadsbijlage) of a reporting period as a Word document.

Every light is written as shape + word ("● groen", "▲ oranje", "■ rood") with a light tint
behind it, so it stays recognisable when printed in black and white. The content is
:class:`~data_access.exports.council_report.CouncilReport`: the colour counts, every action's
lights (with the "einddatum verstreken" flag on Tijd), explanation, evidence and warnings. The
document's properties say what it is, who made it and when (not python-docx's template values).
"""
from __future__ import annotations

import datetime as dt
import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from data_access.exports.council_report import (
    COLOURS, HEADERS, TINTS, ActionEntry, CouncilReport, colour_header, legend,
)
from data_access.queries.status import light_text

WIDTHS_CM = [6.0, 3.3, 2.3, 2.6, 2.3, 10.2]
SUMMARY_WIDTHS_CM = [3.0, 2.6, 2.6, 2.6, 3.6]


def council_appendix_docx(report: CouncilReport) -> bytes:
    """The appendix; ``report.made_at`` and ``report.author`` become the document's properties."""
    document = Document()
    _properties(document, report)
    _landscape(document)
    style = document.styles["Normal"]
    style.font.name, style.font.size = "Calibri", Pt(9.5)

    document.add_heading(report.title, level=1)
    document.add_paragraph(report.intro())
    document.add_paragraph(legend())

    document.add_heading("Samenvatting: aantal acties per kleur", level=2)
    _summary_table(document, report)

    if report.warnings:
        document.add_heading("Het bewijs wijst op een andere kleur", level=2)
        for action, warning in report.warnings:
            paragraph = document.add_paragraph(style="List Bullet")
            paragraph.add_run(f"{action}: ").bold = True
            paragraph.add_run(warning)

    document.add_heading("Per actie", level=2)
    document.add_paragraph(report.evidence_heading + ": de indicatoren onder elke actie.")
    table = document.add_table(rows=1, cols=len(HEADERS))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, HEADERS):
        cell.text = ""
        cell.paragraphs[0].add_run(header).bold = True
    _repeat_as_header(table.rows[0])
    for action in report.actions:
        _action_row(table.add_row().cells, action)
    _widths(table, WIDTHS_CM)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _properties(document, report: CouncilReport) -> None:
    made_at = report.made_at or dt.datetime.now(dt.timezone.utc)
    utc = made_at.astimezone(dt.timezone.utc).replace(tzinfo=None)  # Word stores UTC ("…Z")
    properties = document.core_properties
    properties.title = report.title
    properties.subject = f"Voortgang LEA-acties, rapportageperiode {report.period.name}"
    properties.author = report.author
    properties.last_modified_by = report.author
    properties.created = utc
    properties.modified = utc
    properties.revision = 1
    properties.language = "nl-NL"
    properties.keywords = "LEA, statusrapportage, raadsbijlage"
    properties.comments = ""


def _summary_table(document, report: CouncilReport) -> None:
    table = document.add_table(rows=1, cols=1 + len(COLOURS))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, ["Licht", *(colour_header(c) for c in COLOURS)]):
        cell.text = ""
        cell.paragraphs[0].add_run(header).bold = True
    for colour, cell in zip(COLOURS, table.rows[0].cells[1:]):
        if colour in TINTS:
            _shade(cell, TINTS[colour])
    for light, numbers in report.counts:
        cells = table.add_row().cells
        cells[0].text = light
        for cell, number in zip(cells[1:], numbers):
            cell.text = str(number)
    _widths(table, SUMMARY_WIDTHS_CM)


def _action_row(cells, action: ActionEntry) -> None:
    cells[0].paragraphs[0].add_run(action.name).bold = True
    cells[0].add_paragraph(action.programme)
    cells[1].text = action.portfolio_holder
    for index, (cell, colour) in enumerate(zip(cells[2:5], action.lights)):
        cell.text = light_text(colour)
        if colour in TINTS:
            _shade(cell, TINTS[colour])
        if index == 1 and action.past_end:  # Tijd
            cell.add_paragraph().add_run(action.past_end).bold = True
    _explanation(cells[5], action)


def _explanation(cell, action: ActionEntry) -> None:
    paragraph = cell.paragraphs[0]
    if action.no_report:
        paragraph.add_run(action.no_report).italic = True
    elif not action.explanation:
        paragraph.add_run("Alle lichten groen; geen toelichting nodig.").italic = True
    for index, (label, text) in enumerate(action.explanation):
        target = paragraph if index == 0 else cell.add_paragraph()
        target.add_run(f"{label}: ").bold = True
        target.add_run(text)  # as typed: a run holds plain text
    if action.evidence:
        cell.add_paragraph().add_run("Bewijs uit de gegevens:").bold = True
        for line in action.evidence:
            cell.add_paragraph(line)
    if action.warning:
        warning = cell.add_paragraph()
        warning.add_run("⚠ ").bold = True
        warning.add_run(action.warning).bold = True


def _widths(table, widths_cm: list[float]) -> None:
    for column, width in zip(table.columns, widths_cm):
        for cell in column.cells:
            cell.width = Cm(width)


def _landscape(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_as_header(row) -> None:
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(header)
