"""Council appendix (raadsbijlage) of a reporting period as a Word document.

Every light is written as shape + word ("● groen", "▲ oranje", "■ rood") with a light tint
behind it, so it stays recognisable when printed in black and white.
"""
from __future__ import annotations

import datetime as dt
import io

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from data_access.queries.status import (
    LIGHT_COLUMNS, LIGHT_MEANINGS, LIGHT_SYMBOLS, Period, explanation_lines, light_text, no_report_text,
)

TINTS = {"groen": "D8F0DC", "oranje": "FFE6C7", "rood": "F8D3D3"}
HEADERS = ["Actie", "Portefeuillehouder", *LIGHT_COLUMNS.values(), "Toelichting"]
WIDTHS_CM = [6.5, 3.5, 2.3, 2.3, 2.3, 9.8]


def council_appendix_docx(period: Period, overview: pd.DataFrame, made_on: dt.date | None = None) -> bytes:
    """One row per action of the period (``overview`` from queries.status.overview)."""
    document = Document()
    _landscape(document)
    style = document.styles["Normal"]
    style.font.name, style.font.size = "Calibri", Pt(9.5)

    document.add_heading(f"Bijlage voortgang LEA-acties — {period.name}", level=1)
    made_on = made_on or dt.date.today()
    document.add_paragraph(
        f"Rapportageperiode {period.start:%d-%m-%Y} t/m {period.end:%d-%m-%Y}. "
        f"Opgesteld op {made_on:%d-%m-%Y}. Per actie de stand van Kwaliteit, Tijd en Geld volgens de "
        "laatste statusrapportage in deze periode, met de toelichting bij elk licht dat niet groen is.")
    document.add_paragraph("Legenda: " + "; ".join(
        f"{LIGHT_SYMBOLS[c]} {c} = {meaning}" for c, meaning in LIGHT_MEANINGS.items()) + ".")

    table = document.add_table(rows=1, cols=len(HEADERS))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, HEADERS):
        cell.text = ""
        cell.paragraphs[0].add_run(header).bold = True
    _repeat_as_header(table.rows[0])
    for row in overview.itertuples(index=False):
        _action_row(table.add_row().cells, row._asdict(), period)
    for column, width in zip(table.columns, WIDTHS_CM):
        for cell in column.cells:
            cell.width = Cm(width)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _action_row(cells, row: dict, period: Period) -> None:
    title = cells[0].paragraphs[0]
    title.add_run(f"{row['code']} — {row['title']}").bold = True
    cells[0].add_paragraph(row["programme"])
    cells[1].text = row["portfolio_holder"]
    for cell, key in zip(cells[2:5], LIGHT_COLUMNS):
        colour = row[key] if isinstance(row[key], str) else None
        cell.text = light_text(colour)
        if colour in TINTS:
            _shade(cell, TINTS[colour])
    _explanation(cells[5], row, period)


def _explanation(cell, row: dict, period: Period) -> None:
    lines = explanation_lines(row)
    paragraph = cell.paragraphs[0]
    if not isinstance(row.get("quality"), str):
        paragraph.add_run(no_report_text(row["planned_end"], period)).italic = True
        return
    if not lines:
        paragraph.add_run("Alle lichten groen; geen toelichting nodig.").italic = True
        return
    for index, (label, text) in enumerate(lines):
        target = paragraph if index == 0 else cell.add_paragraph()
        target.add_run(f"{label}: ").bold = True
        target.add_run(text)


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
