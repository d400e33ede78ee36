"""What the council appendix of a reporting period says, as plain text (issue 15), written by
``status_docx`` (Word) and ``status_pdf`` (PDF) alike.

ui.status.report fills it from the same functions as the page's tiles, so every light, every
evidence line and every "het bewijs wijst op …" warning the reader saw on the screen is in the
files, as shape + word (● groen, ▲ oranje, ■ rood, – geen rapportage), never colour alone.
Text people typed (the explanations) stays plain text: the writers never read it as markup.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from data_access.models import LIGHTS
from data_access.queries.status import LIGHT_COLUMNS, LIGHT_MEANINGS, LIGHT_SYMBOLS, NO_REPORT, Period, light_text

COLOURS = (*LIGHTS, NO_REPORT)  # the columns of the colour summary
TINTS = {"groen": "D8F0DC", "oranje": "FFE6C7", "rood": "F8D3D3"}  # light backgrounds: black text stays readable
HEADERS = ("Actie", "Portefeuillehouder", *LIGHT_COLUMNS.values(), "Toelichting en bewijs")


@dataclass(frozen=True)
class ActionEntry:
    code: str
    title: str
    programme: str
    portfolio_holder: str
    lights: tuple[str | None, str | None, str | None]  # quality, time, money; None: no report
    past_end: str | None  # the flag on Tijd: "⚑ einddatum verstreken (gepland gereed …)"
    explanation: tuple[tuple[str, str], ...]  # (Oorzaak/Gevolg/Maatregel, text as typed)
    no_report: str | None  # why there are no lights
    evidence: tuple[str, ...]  # the KPI lines as on the page, plain text
    warning: str | None  # "Het bewijs wijst op …" as on the page

    @property
    def name(self) -> str:
        return f"{self.code} — {self.title}"


@dataclass(frozen=True)
class CouncilReport:
    period: Period
    counts: tuple[tuple[str, tuple[int, ...]], ...]  # (Kwaliteit/Tijd/Geld, count per COLOURS)
    actions: tuple[ActionEntry, ...]
    evidence_heading: str  # "Bewijs uit de gegevens (schooldagen van … t/m …)"
    made_at: dt.datetime | None = None  # aware; set when the file is made
    author: str = ""  # the display name of who made it

    @property
    def title(self) -> str:
        return f"Bijlage voortgang LEA-acties — {self.period.name}"

    @property
    def warnings(self) -> tuple[tuple[str, str], ...]:
        """(action, warning) for every action whose evidence points to another colour."""
        return tuple((a.name, a.warning) for a in self.actions if a.warning)

    def intro(self) -> str:
        made = f" Opgesteld op {self.made_at:%d-%m-%Y %H:%M} door {self.author}." if self.made_at else ""
        return (f"Rapportageperiode {self.period.start:%d-%m-%Y} t/m {self.period.end:%d-%m-%Y}.{made} "
                "Per actie de stand van Kwaliteit, Tijd en Geld volgens de laatste statusrapportage in "
                "deze periode, de toelichting bij elk licht dat niet groen is, en het bewijs uit de gegevens.")


def legend() -> str:
    return "Legenda: " + "; ".join(f"{LIGHT_SYMBOLS[c]} {c} = {meaning}" for c, meaning in LIGHT_MEANINGS.items()) \
        + f"; {light_text(None)}; ⚑ = einddatum verstreken (de geplande einddatum ligt voor het einde van de periode)."


def colour_header(colour: str) -> str:
    return light_text(colour if colour in LIGHT_SYMBOLS else None)


def summary_sentence(report: CouncilReport) -> list[str]:
    """One line per light: 'Kwaliteit: ● groen 2, ▲ oranje 1, ■ rood 1, – geen rapportage 0'."""
    return [f"{light}: " + ", ".join(f"{colour_header(c)} {n}" for c, n in zip(COLOURS, numbers))
            for light, numbers in report.counts]
