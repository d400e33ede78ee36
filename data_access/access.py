"""Who may open which page: the one role × page matrix (enforced by ui.guard on every page)."""
from __future__ import annotations

PAGES: dict[str, dict] = {
    "status": {"title": "Status LEA-acties", "icon": ":material/traffic:",  # lea reads; leerplicht, beheer add reports
               "roles": {"portefeuillehouder", "lea", "leerplicht", "beheer"}},
    "scholen": {"title": "Verzuim per school", "icon": ":material/school:",
                "roles": {"portefeuillehouder", "lea", "leerplicht"}},
    "covid": {"title": "Contact tijdens COVID-19", "icon": ":material/call:",
              "roles": {"lea", "leerplicht"}},
    # the chain monitor: leerplicht sees every figure and the split per officer; lea and the
    # portefeuillehouder see it aggregated and suppressed (issue 18)
    "keten": {"title": "Keten: van signaal tot terug in de klas", "icon": ":material/conversion_path:",
              "roles": {"portefeuillehouder", "lea", "leerplicht"}},
    "jongeren": {"title": "Jongeren in beeld", "icon": ":material/person_search:",
                 "roles": {"leerplicht"}},
    "beheer": {"title": "Beheer", "icon": ":material/settings:",
               "roles": {"beheer"}},
    "audit": {"title": "Auditlog", "icon": ":material/policy:",
              "roles": {"beheer"}},
}

PERSONAL_DATA_ROLES = {"leerplicht"}

# The page each role starts on: its own question. lea may read /status, but its meeting is about
# absence per school.
HOME_PAGES = {"portefeuillehouder": "status", "lea": "scholen", "leerplicht": "status", "beheer": "status"}


def allowed_pages(roles: set[str] | list[str]) -> list[str]:
    roles = set(roles)
    return [key for key, page in PAGES.items() if page["roles"] & roles]


def home_page(roles: set[str] | list[str]) -> str | None:
    """The start page: of the roles' home pages the one that comes first in the menu."""
    homes = {HOME_PAGES[role] for role in roles if role in HOME_PAGES}
    return next((key for key in allowed_pages(roles) if key in homes), next(iter(allowed_pages(roles)), None))


def may_open(roles: set[str] | list[str], page: str) -> bool:
    return bool(PAGES[page]["roles"] & set(roles))


def sees_personal_data(roles: set[str] | list[str]) -> bool:
    return bool(PERSONAL_DATA_ROLES & set(roles))
