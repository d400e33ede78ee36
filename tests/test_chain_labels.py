"""Issue 18: one Dutch word per code of the chain (ui/labels.py), and the importer reads the words
on screen back as the same codes (a file exported from what the page shows imports unchanged)."""
from __future__ import annotations

from data_access.importers.kinds import MELDING_CHOICES, MELDING_STATUS_CHOICES, norm_key
from data_access.models import CASE_OUTCOMES, INTERVENTION_KINDS, MELDING_KINDS, MELDING_STATUSES, OUTCOME_EXPLANATIONS
from ui import labels
from ui.youths import labels as youth_labels


def test_every_code_of_the_chain_has_its_dutch_label():
    assert list(labels.MELDING_LABELS) == list(MELDING_KINDS)
    assert list(labels.MELDING_STATUS_LABELS) == list(MELDING_STATUSES)
    assert list(labels.INTERVENTION_LABELS) == list(INTERVENTION_KINDS)
    assert list(labels.OUTCOME_LABELS) == list(CASE_OUTCOMES)
    assert list(labels.OUTCOME_EXPLANATION_LABELS) == list(OUTCOME_EXPLANATIONS)
    assert youth_labels.MELDING_LABELS is labels.MELDING_LABELS  # one list, also for the /jongeren file


def test_duos_words_as_the_issue_names_them():
    assert [labels.MELDING_LABELS[k] for k in ("16_uur", "lrv", "luxe", "overig", "signaal")] == [
        "16 uur in 4 lesweken", "langdurig relatief verzuim (> 4 weken)", "luxe verzuim", "overig verzuim",
        "signaalverzuim"]
    assert list(labels.MELDING_STATUS_LABELS.values()) == [
        "geregistreerd", "in behandeling", "afgesloten", "ingetrokken", "ter kennisgeving aangenomen"]
    assert labels.INTERVENTION_LABELS["zorgadviesteam"] == "zorgadviesteam/OZA"
    assert labels.INTERVENTION_LABELS["verwijzing_ggd"] == "verwijzing hulpverlening: GGD"
    assert labels.OUTCOME_LABELS["beeindigd_andere_opleiding"] == "inschrijving beëindigd, andere opleiding"
    assert labels.OUTCOME_LABELS["beeindigd_werk"] == "inschrijving beëindigd, werk"
    assert labels.OUTCOME_LABELS["legitiem_afwezig"] == "geen verzuim, legitiem afwezig"


def test_the_words_on_screen_import_as_their_codes():
    kinds = {norm_key(k): v for k, v in MELDING_CHOICES.items()}
    statuses = {norm_key(k): v for k, v in MELDING_STATUS_CHOICES.items()}
    assert {code: kinds[norm_key(word)] for code, word in labels.MELDING_LABELS.items()} == {
        k: k for k in MELDING_KINDS}
    assert {code: statuses[norm_key(word)] for code, word in labels.MELDING_STATUS_LABELS.items()} == {
        s: s for s in MELDING_STATUSES}


def test_no_spelling_is_accepted_for_two_codes():
    for choices in (MELDING_CHOICES, MELDING_STATUS_CHOICES):
        seen: dict[str, str] = {}
        for spelling, code in choices.items():
            assert seen.setdefault(norm_key(spelling), code) == code, spelling
