"""Dutch labels for the codes on the /jongeren page."""
from __future__ import annotations

from data_access.definitions import Settings
from data_access.queries.youths import NO_CASE, signal_labels
from ui import labels as shared

STATUS_LABELS = {
    "open": "open",
    "in_behandeling": "in behandeling",
    "wacht_op_reactie": "wacht op reactie",
    "gesloten": "gesloten",
    "afgesloten": "afgesloten",
    NO_CASE: "geen zaak",
}
MELDING_LABELS = shared.MELDING_LABELS  # one list of DUO's words, in ui/labels.py
SOURCE_LABELS = {
    "school": "school", "leerplicht": "leerplicht (eigen signaal)", "ggd": "GGD",
    "jeugdconsulent": "jeugdconsulent", "wijkteam": "wijkteam", "politie": "politie", "ouders": "ouders",
    "overig": "overig",
}
ACTION_LABELS = {
    "bekijk_jongere": "dossier bekeken", "contact_toegevoegd": "contact vastgelegd",
    "notitie_toegevoegd": "notitie toegevoegd", "status_gewijzigd": "status gewijzigd",
    "zaak_geopend": "zaak geopend", "interventie_toegevoegd": "interventie vastgelegd", "export": "export",
}


def label(mapping: dict, code) -> str:
    """The Dutch label of a code; an unknown code is shown readable instead of hidden."""
    if code is None or (isinstance(code, float) and code != code):
        return "–"
    return mapping.get(code, str(code).replace("_", " "))


def signal_label(code: str, settings: Settings) -> str:
    return signal_labels(settings).get(code, code)
