"""Council appendix (raadsbijlage) of a reporting period as a PDF (fpdf2, pure Python).

The same content as the Word file (:class:`~data_access.exports.council_report.CouncilReport`):
colour counts, every action's lights as shape + word on a light tint (readable in black and
white), the "einddatum verstreken" flag on Tijd, the explanation, the evidence lines and every
"het bewijs wijst op …" warning. A4 landscape, the table header repeated on every page.

The fonts travel with the product (``fonts/``, DejaVu Sans): the PDF core fonts cannot hold ●,
▲, ■, ⚑, "≥" or names in other scripts, and a server need not have fonts installed. Cells are
plain text (no markup): what people typed is printed as typed.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from fpdf import FPDF, FontFace
from fpdf.enums import TableCellFillMode

from data_access.exports.council_report import (
    COLOURS, HEADERS, TINTS, ActionEntry, CouncilReport, colour_header, legend,
)
from data_access.queries.status import light_text

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVu"
WIDTHS_MM = (58, 38, 24, 30, 24, 93)  # 267 mm: A4 landscape less 15 mm margins
SUMMARY_WIDTHS_MM = (35, 30, 30, 30, 42)
HEADER_FILL = (235, 235, 235)


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (0, 2, 4))


def council_appendix_pdf(report: CouncilReport) -> bytes:
    """The appendix; ``report.made_at`` and ``report.author`` become the PDF's metadata."""
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    _metadata(pdf, report)
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()

    pdf.set_font(FAMILY, "B", 15)
    pdf.multi_cell(0, 8, report.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 9.5)
    pdf.multi_cell(0, 5, report.intro(), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.multi_cell(0, 5, legend(), new_x="LMARGIN", new_y="NEXT")

    _heading(pdf, "Samenvatting: aantal acties per kleur")
    _summary_table(pdf, report)

    if report.warnings:
        _heading(pdf, "Het bewijs wijst op een andere kleur")
        for action, warning in report.warnings:
            pdf.set_font(FAMILY, "B", 9.5)
            pdf.multi_cell(0, 5, f"⚠ {action}", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font(FAMILY, "", 9.5)
            pdf.multi_cell(0, 5, warning, new_x="LMARGIN", new_y="NEXT")

    _heading(pdf, "Per actie")
    pdf.multi_cell(0, 5, report.evidence_heading + ": de indicatoren onder elke actie.",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.set_font(FAMILY, "", 8.5)
    with pdf.table(col_widths=WIDTHS_MM, width=sum(WIDTHS_MM), align="LEFT", text_align="LEFT",
                   line_height=4.2, repeat_headings=1, v_align="TOP",
                   headings_style=FontFace(emphasis="BOLD", fill_color=HEADER_FILL)) as table:
        table.row(list(HEADERS))
        for action in report.actions:
            _action_row(table.row(), action)
    return bytes(pdf.output())


def _metadata(pdf: FPDF, report: CouncilReport) -> None:
    made_at = report.made_at or dt.datetime.now(dt.timezone.utc)
    pdf.set_title(report.title)
    pdf.set_author(report.author)
    pdf.set_subject(f"Voortgang LEA-acties, rapportageperiode {report.period.name}")
    pdf.set_keywords("LEA, statusrapportage, raadsbijlage")
    pdf.set_creator("LEA-dashboard")
    pdf.set_lang("nl-NL")
    pdf.set_creation_date(made_at if made_at.tzinfo else made_at.replace(tzinfo=dt.timezone.utc))


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    pdf.set_font(FAMILY, "B", 11.5)
    pdf.multi_cell(0, 6.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 9.5)


def _summary_table(pdf: FPDF, report: CouncilReport) -> None:
    pdf.set_font(FAMILY, "", 9.5)
    with pdf.table(col_widths=SUMMARY_WIDTHS_MM, width=sum(SUMMARY_WIDTHS_MM), align="LEFT", line_height=5.5,
                   cell_fill_mode=TableCellFillMode.NONE,
                   headings_style=FontFace(emphasis="BOLD", fill_color=HEADER_FILL)) as table:
        header = table.row()
        header.cell("Licht")
        for colour in COLOURS:
            header.cell(colour_header(colour), style=FontFace(emphasis="BOLD", fill_color=_rgb(TINTS[colour]))
                        if colour in TINTS else None)
        for light, numbers in report.counts:
            row = table.row()
            row.cell(light)
            for number in numbers:
                row.cell(str(number), align="RIGHT")


def _action_row(row, action: ActionEntry) -> None:
    row.cell(f"{action.name}\n{action.programme}", style=FontFace(emphasis="BOLD"))
    row.cell(action.portfolio_holder)
    for index, colour in enumerate(action.lights):
        text = light_text(colour)
        if index == 1 and action.past_end:  # Tijd
            text += f"\n{action.past_end}"
        row.cell(text, style=FontFace(emphasis="BOLD", fill_color=_rgb(TINTS[colour])) if colour in TINTS else None)
    row.cell(_explanation(action))


def _explanation(action: ActionEntry) -> str:
    parts = []
    if action.no_report:
        parts.append(action.no_report)
    elif not action.explanation:
        parts.append("Alle lichten groen; geen toelichting nodig.")
    if action.explanation:
        parts.append("\n".join(f"{label}: {text}" for label, text in action.explanation))
    if action.evidence:
        parts.append("Bewijs uit de gegevens:\n" + "\n".join(f"• {line}" for line in action.evidence))
    if action.warning:
        parts.append(f"⚠ {action.warning}")
    return "\n\n".join(parts)
