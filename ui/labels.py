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
# The importer accepts these same words (data_access/importers/kinds.py; tests/test_chain_labels.py
# checks that every label here imports as its code), so a file exported from DUO reads back as shown.

# A verzuimmelding's verzuimsoort, as DUO's verzuimregister names it.
MELDING_LABELS = {
    "16_uur": "16 uur in 4 lesweken",
    "lrv": "langdurig relatief verzuim (> 4 weken)",
    "luxe": "luxe verzuim",
    "signaal": "signaalverzuim",
    "zorgwekkend_ziek": "zorgwekkend ziekteverzuim",
    "te_laat": "te laat",
    "overig": "overig verzuim",
    "rmc": "verzuim 18+ (RMC)",
}

# A melding's status in DUO's words; "open" is stored for what DUO calls geregistreerd.
MELDING_STATUS_LABELS = {
    "open": "geregistreerd",
    "in_behandeling": "in behandeling",
    "afgerond": "afgesloten",
    "ingetrokken": "ingetrokken",
    "ter_kennisgeving": "ter kennisgeving aangenomen",
}

# What an officer did in a case; the referrals and the zorgadviesteam are help (hulp), HALT and a
# proces-verbaal are punishment (straf).
INTERVENTION_LABELS = {
    "gesprek": "gesprek",
    "huisbezoek": "huisbezoek",
    "verwijzing_jeugdconsulent": "verwijzing hulpverlening: jeugdconsulent",
    "verwijzing_ggd": "verwijzing hulpverlening: GGD",
    "verwijzing_wijkteam": "verwijzing hulpverlening: wijkteam",
    "zorgadviesteam": "zorgadviesteam/OZA",
    "halt": "HALT",
    "proces_verbaal": "proces-verbaal",
    "vrijstelling_aangevraagd": "vrijstelling aangevraagd",
}

# How a case ended: the closing reasons a municipality reports back to DUO, and the explanation.
OUTCOME_LABELS = {
    "terug_naar_school": "terug naar school / opleiding hervat",
    "beeindigd_andere_opleiding": "inschrijving beëindigd, andere opleiding",
    "beeindigd_werk": "inschrijving beëindigd, werk",
    "beeindigd_overig": "inschrijving beëindigd, overige redenen",
    "overleden": "leerling overleden",
    "langdurig_ziek": "geen verzuim, langdurig ziek",
    "legitiem_afwezig": "geen verzuim, legitiem afwezig",
}
OUTCOME_EXPLANATION_LABELS = {
    "gezien_door_gemeente": "leerling gezien door gemeente",
    "actie_richting_leerling": "actie richting leerling",
    "geen_actie_meer": "geen actie meer",
}
