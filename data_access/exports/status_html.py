"""Council appendix (raadsbijlage) of a reporting period as print-ready HTML (A4 landscape).

Open it in a browser and print (or "print to PDF"). Lights are shape + word with a border, so
they read the same on a black-and-white printer.
"""
from __future__ import annotations

import datetime as dt
from html import escape

import pandas as pd

from data_access.queries.status import (
    LIGHT_COLUMNS, LIGHT_MEANINGS, LIGHT_SYMBOLS, Period, explanation_lines, light_text, no_report_text,
)

STYLE = """
@page { size: A4 landscape; margin: 14mm; }
body { font-family: Calibri, Arial, sans-serif; font-size: 10pt; color: #111; }
h1 { font-size: 15pt; margin: 0 0 4pt 0; }
p { margin: 0 0 6pt 0; }
table { width: 100%; border-collapse: collapse; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; break-inside: avoid; }
th, td { border: 1px solid #555; padding: 4pt 5pt; vertical-align: top; text-align: left; }
th { background: #eee; }
.licht { display: inline-block; white-space: nowrap; padding: 1pt 5pt; border: 1.5px solid #111;
         border-radius: 3pt; font-weight: bold; }
.groen { background: #d8f0dc; } .oranje { background: #ffe6c7; } .rood { background: #f8d3d3; }
.geen { border-style: dashed; font-weight: normal; }
.programma { color: #444; font-size: 9pt; }
.leeg { font-style: italic; color: #444; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
@media screen { body { max-width: 1100px; margin: 24px auto; } .hint { color: #555; } }
@media print { .hint { display: none; } }
"""


def council_appendix_html(period: Period, overview: pd.DataFrame, made_on: dt.date | None = None) -> str:
    """One table row per action of the period (``overview`` from queries.status.overview)."""
    made_on = made_on or dt.date.today()
    legend = "; ".join(f"{_light(c)} = {escape(m)}" for c, m in LIGHT_MEANINGS.items())
    headers = "".join(f"<th>{escape(h)}</th>" for h in
                      ["Actie", "Portefeuillehouder", *LIGHT_COLUMNS.values(), "Toelichting"])
    body = "\n".join(_row(row._asdict(), period) for row in overview.itertuples(index=False))
    return f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8">
<title>Bijlage voortgang LEA-acties — {escape(period.name)}</title>
<style>{STYLE}</style></head>
<body>
<h1>Bijlage voortgang LEA-acties — {escape(period.name)}</h1>
<p>Rapportageperiode {period.start:%d-%m-%Y} t/m {period.end:%d-%m-%Y}. Opgesteld op {made_on:%d-%m-%Y}.
Per actie de stand van Kwaliteit, Tijd en Geld volgens de laatste statusrapportage in deze periode,
met de toelichting bij elk licht dat niet groen is.</p>
<p>Legenda: {legend}.</p>
<p class="hint">Afdrukken of opslaan als pdf: Ctrl+P (liggend A4).</p>
<table>
<thead><tr>{headers}</tr></thead>
<tbody>
{body}
</tbody>
</table>
</body></html>
"""


def _light(colour: str | None) -> str:
    css = colour if colour in LIGHT_SYMBOLS else "geen"
    return f'<span class="licht {css}">{escape(light_text(colour))}</span>'


def _row(row: dict, period: Period) -> str:
    lights = "".join(f"<td>{_light(row[key] if isinstance(row[key], str) else None)}</td>"
                     for key in LIGHT_COLUMNS)
    return (f"<tr><td><strong>{escape(row['code'])} — {escape(row['title'])}</strong><br>"
            f"<span class=\"programma\">{escape(row['programme'])}</span></td>"
            f"<td>{escape(row['portfolio_holder'])}</td>{lights}<td>{_explanation(row, period)}</td></tr>")


def _explanation(row: dict, period: Period) -> str:
    if not isinstance(row.get("quality"), str):
        return f'<span class="leeg">{escape(no_report_text(row["planned_end"], period))}</span>'
    lines = explanation_lines(row)
    if not lines:
        return '<span class="leeg">Alle lichten groen; geen toelichting nodig.</span>'
    return "<br>".join(f"<strong>{escape(label)}:</strong> {escape(text)}" for label, text in lines)
