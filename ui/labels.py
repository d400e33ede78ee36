"""The Dutch words for codes that several pages show: absence categories, contact channels and
whom a contact was with. One word per code everywhere (the /covid charts and the /jongeren
contact list say the same); page-specific words stay in the page's own ``labels`` module.

Labels are written as they stand alone (a table cell, a legend, a choice); in running text use
``.lower()``.
"""
from __future__ import annotations

CATEGORY_LABELS = {
    "ongeoorloofd": "ongeoorloofd",
    "te_laat": "te laat",
    "luxe": "luxeverzuim",
    "ziek": "ziek",
    "geoorloofd": "geoorloofd",
    "schorsing": "schorsing",
    "onbekend": "onbekende code",
}

# A contact channel. "Informatiebijeenkomst" rather than "voorlichting": it names the meeting the
# code stands for (the importer accepts both words for it).
CHANNEL_LABELS = {
    "phone": "Telefoon", "email": "E-mail", "letter": "Brief", "home_visit": "Huisbezoek",
    "school_visit": "Schoolbezoek", "meeting": "Overleg", "newsletter": "Nieuwsbrief",
    "info_session": "Informatiebijeenkomst",
}

# Whom a contact was with: one contact (singular) and a group of contacts (plural, chart titles).
# "Gezin" rather than "ouders/gezin": a contact with a parent is a contact with the family.
TARGET_LABELS = {"school": "School", "family": "Gezin", "youth": "Jongere", "partner": "Partner"}
TARGET_PLURAL_LABELS = {"school": "Scholen", "family": "Gezinnen", "youth": "Jongeren", "partner": "Partners"}
