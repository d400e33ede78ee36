"""Dutch words of the chain: its steps, the school days between them, outcomes, interventions,
hulp vóór straf and the flags (used by /keten and the timeline on /jongeren)."""
from __future__ import annotations

from data_access.definitions import chain as definition
from ui.labels import OUTCOME_LABELS as DUO_OUTCOME_LABELS

PAGE_TITLE = "Keten: van signaal tot terug in de klas"

STEP_LABELS = {
    "signaal": "Signaal", "gemeld": "Gemeld door school", "contact": "Contact met gezin of jongere",
    "zaak": "Zaak geopend", "uitkomst": "Uitkomst", "terug": "Terug in de klas",
}
INTERVAL_LABELS = {
    "signaal_gemeld": "signaal → melding", "gemeld_contact": "melding → eerste contact",
    "signaal_contact": "signaal → eerste contact", "signaal_zaak": "signaal → zaak",
    "zaak_uitkomst": "zaak → uitkomst", "signaal_uitkomst": "signaal → uitkomst",
}
TRIGGER_LABELS = {
    definition.TRIGGER_SIGNAL: "16-uurssignaal", definition.TRIGGER_MELDING: "melding", definition.TRIGGER_CASE: "zaak",
}
OUTCOME_LABELS = {**DUO_OUTCOME_LABELS, "niet_vastgelegd": "uitkomst niet vastgelegd"}
INTERVENTION_LABELS = {
    "gesprek": "gesprek", "huisbezoek": "huisbezoek", "verwijzing_jeugdconsulent": "verwijzing jeugdconsulent",
    "verwijzing_ggd": "verwijzing GGD", "verwijzing_wijkteam": "verwijzing wijkteam",
    "zorgadviesteam": "zorgadviesteam / OZA", "halt": "HALT", "proces_verbaal": "proces-verbaal",
    "vrijstelling_aangevraagd": "vrijstelling aangevraagd",
}
HELP_LABELS = {
    definition.ONLY_HELP: "alleen hulp", definition.HELP_FIRST: "hulp vóór straf",
    definition.PUNISHMENT_FIRST: "straf zonder hulp vooraf", definition.NEITHER: "geen hulp of straf (telt niet mee)",
}
FLAG_LABELS = {
    definition.NOT_REPORTED: "signaal niet gemeld", definition.REPORTED_LATE: "te laat gemeld",
    definition.NO_CONTACT: "geen contact na melding", definition.CONTACT_LATE: "contact te laat",
}
BACK_LABELS = {
    definition.BACK_YES: "terug in de klas", definition.BACK_NO: "niet terug: opnieuw boven de 16-uursgrens",
    definition.BACK_PENDING: "nog niet te beoordelen", definition.BACK_NA: "niet van toepassing",
}
LEVEL_LABELS = {"school": "school", "board": "bestuur", "officer": "behandelaar"}


def label(mapping: dict, code) -> str:
    if code is None or (isinstance(code, float) and code != code):
        return "–"
    return mapping.get(code, str(code).replace("_", " "))
