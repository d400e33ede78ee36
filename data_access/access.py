"""Who may open which page: the one role × page matrix (enforced by ui.guard on every page)."""
from __future__ import annotations

PAGES: dict[str, dict] = {
    "status": {"title": "Status LEA-acties", "icon": ":material/traffic:",  # lea reads; leerplicht, beheer add reports
               "roles": {"portefeuillehouder", "lea", "leerplicht", "beheer"}},
    "scholen": {"title": "Verzuim per school", "icon": ":material/school:",
                "roles": {"portefeuillehouder", "lea", "leerplicht"}},
    "covid": {"title": "Contact tijdens COVID-19", "icon": ":material/call:",
              "roles": {"lea", "leerplicht"}},
    "jongeren": {"title": "Jongeren in beeld", "icon": ":material/person_search:",
                 "roles": {"leerplicht"}},
    "beheer": {"title": "Beheer", "icon": ":material/settings:",
               "roles": {"beheer"}},
    "audit": {"title": "Auditlog", "icon": ":material/policy:",
              "roles": {"beheer"}},
}

PERSONAL_DATA_ROLES = {"leerplicht"}


def allowed_pages(roles: set[str] | list[str]) -> list[str]:
    roles = set(roles)
    return [key for key, page in PAGES.items() if page["roles"] & roles]


def may_open(roles: set[str] | list[str], page: str) -> bool:
    return bool(PAGES[page]["roles"] & set(roles))


def sees_personal_data(roles: set[str] | list[str]) -> bool:
    return bool(PERSONAL_DATA_ROLES & set(roles))
