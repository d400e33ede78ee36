"""Dutch words for the /scholen page: categories, figures, levels, periods."""
from __future__ import annotations

from dataclasses import dataclass

from ui.labels import CATEGORY_LABELS

# Okabe–Ito colours: told apart with every common colour-vision deficiency (no red beside green)
CATEGORY_COLORS = {
    "ongeoorloofd": "#D55E00",
    "te_laat": "#E69F00",
    "luxe": "#CC79A7",
    "ziek": "#0072B2",
    "geoorloofd": "#56B4E9",
    "schorsing": "#7f3b08",
    "onbekend": "#9e9e9e",
}
DEFAULT_TREND_CATEGORIES = ("ongeoorloofd", "te_laat", "luxe", "ziek", "geoorloofd", "schorsing")

PERIOD_KIND_LABELS = {
    "covid_sluiting": "COVID-sluiting",
    "covid_gedeeltelijk": "COVID: gedeeltelijk open",
    "vakantie": "vakantie",
}
PERIOD_KIND_COLORS = {"covid_sluiting": "#d62728", "covid_gedeeltelijk": "#ff9f40", "vakantie": "#bdbdbd"}

GRAIN_LABELS = {"week": "Week", "month": "Maand", "school_year": "Schooljaar"}
SCOPE_LABELS = {"municipality": "Gemeente", "swv": "Samenwerkingsverband", "board": "Bestuur",
                "schools": "Scholen"}
ROLL_UP_LABELS = {"school": "School", "board": "Bestuur", "swv": "SWV", "municipality": "Gemeente"}


@dataclass(frozen=True)
class Figure:
    """A figure the comparison can be sorted and charted by."""

    column: str
    label: str
    kind: str  # "percent" (a share 0–1), "number" (a value), "count"
    decimals: int = 1
    higher_is_worse: bool = True


FIGURES: dict[str, Figure] = {f.column: f for f in (
    Figure("rate_total", "Verzuim totaal (%)", "percent", 2),
    *(Figure(f"rate_{c}", f"Verzuim {label} (%)", "percent", 2) for c, label in CATEGORY_LABELS.items()),
    Figure("per_1000", "Meldingen per 1.000 leerlingen", "number", 1),
    Figure("persistent_share", "Langdurig verzuim (% leerlingen)", "percent", 1),
    Figure("compliance", "Meldtrouw 16 uur (%)", "percent", 1, higher_is_worse=False),
    Figure("known_share", "Verzuim met bekende code (%)", "percent", 1, higher_is_worse=False),
    Figure("median_days", "Mediaan schooldagen signaal → melding", "number", 1),
)}
CHART_FIGURES = ("rate_total", "rate_ongeoorloofd", "rate_ziek", "rate_te_laat", "rate_luxe", "per_1000",
                 "persistent_share", "compliance", "known_share", "median_days")

# Against the municipal figure (data_access.definitions.intervals.position): coloured only when
# the 95 % interval excludes the municipal value
POSITION_LABELS = {
    "higher": "hoger dan gemeente",
    "lower": "lager dan gemeente",
    "no_clear_difference": "geen duidelijk verschil",
    "not_tested": "geen interval (niet getoetst)",
    "flagged": "registratie twijfelachtig (buiten de rangorde)",  # ui.quality, issue 18
}
# Okabe–Ito vermillion and blue (told apart with colour-vision deficiencies), greys for the rest
POSITION_COLORS = {"higher": "#D55E00", "lower": "#0072B2", "no_clear_difference": "#767676",
                   "not_tested": "#BBBBBB", "flagged": "#E0E0E0"}

# A samenwerkingsverband or board is stored as whatever the school register gave: a name, or only
# a DUO code (PO2201, PO 22-01; a board's 5-digit bevoegd-gezagnummer). A code is shown as such
# with an explanation, never dressed up as a name.
SWV_CODE = r"(?i)^(PO|VO|SWV)[\s-]*\d{2}[\s.-]*\d{2}[A-Z]?$"
BOARD_CODE = r"^\d{5}$"
CODE_NOTE = {
    "swv": "code van het samenwerkingsverband passend onderwijs (DUO); het schoolregister geeft geen naam",
    "board": "bevoegd-gezagnummer (DUO); de naam van het bestuur staat niet in het schoolregister",
}
