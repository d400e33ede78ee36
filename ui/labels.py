"""The Dutch words for codes that several pages show: absence categories, contact channels,
whom a contact was with, and the chain from melding to outcome (verzuimsoort, melding status,
intervention, case outcome). One word per code everywhere (the /covid charts and the /jongeren
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

# --- the chain from melding to outcome (issue 18): DUO's words -----------------------------------
# The words the importer accepts first (data_access/importers/kinds.py), shown as they are, so a
# file exported from DUO reads back as shown (tests/test_chain_labels.py).
from data_access.importers import kinds as duo  # noqa: E402

MELDING_LABELS = duo.MELDING_DUO_WORDS  # verzuimsoort, as DUO's verzuimregister names it
MELDING_STATUS_LABELS = duo.MELDING_STATUS_DUO_WORDS  # "open" is stored for what DUO calls geregistreerd
INTERVENTION_LABELS = duo.INTERVENTION_WORDS  # referrals and the zorgadviesteam are help; HALT, pv punishment
OUTCOME_LABELS = duo.CASE_OUTCOME_DUO_WORDS  # DUO's closing reasons
OUTCOME_EXPLANATION_LABELS = duo.OUTCOME_EXPLANATION_DUO_WORDS
