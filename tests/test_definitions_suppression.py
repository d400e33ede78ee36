"""Small-cell suppression (data_access.definitions.suppression) on hand-made counts."""
import pandas as pd
import pytest

from data_access.definitions import Suppressor

FIVE = Suppressor(5)
TEN = Suppressor(10)


def test_a_count_between_one_and_threshold_minus_one_reads_as_the_marker():
    assert [FIVE.count(n) for n in (0, 1, 4, 5, 12)] == [0, "<5", "<5", 5, 12]
    # threshold 10: 7 is hidden and the marker names the configured threshold
    assert [TEN.count(n) for n in (0, 7, 9, 10)] == [0, "<10", "<10", 10]
    assert TEN.marker == "<10"


def test_zero_none_and_nan_are_never_hidden():
    assert not FIVE.hides(0)
    assert not FIVE.hides(None)
    assert not FIVE.hides(float("nan"))
    assert FIVE.count(None) is None


def test_a_rate_is_hidden_when_its_numerator_or_denominator_people_are_too_few():
    # 3 of 200 pupils: the 3 are too few → hidden; 30 of 200 → shown; 3 of 3 → hidden
    assert FIVE.rate(0.015, 3, 200) is None
    assert FIVE.rate(0.15, 30, 200) == 0.15
    assert FIVE.rate(1.0, 3, 3) is None
    # 7 of 200: shown at threshold 5, hidden at threshold 10
    assert FIVE.rate(0.035, 7, 200) == 0.035
    assert TEN.rate(0.035, 7, 200) is None
    # a zero numerator hides nothing: "0 of 200" says nothing about a person
    assert FIVE.rate(0.0, 0, 200) == 0.0


def test_the_reason_names_the_configured_threshold():
    assert TEN.reason == "verborgen: teller of noemer kleiner dan 10"
    assert TEN.fewer_than("leerlingen") == "verborgen: minder dan 10 leerlingen"


def test_frame_hides_small_counts_and_one_more_cell_so_a_total_gives_nothing_away():
    frame = pd.DataFrame({"school": ["A", "B", "C"], "meldingen": [3, 12, 40],
                          "leerlingen": [250, 300, 4], "per_1000": [12.0, 40.0, 10000.0]})
    out = FIVE.frame(frame, counts=["meldingen"], rates={"per_1000": ("meldingen", "leerlingen")})
    # A: 3 → "<5"; the only small cell, so the next smallest (12) is hidden too — marked "•":
    # it is hidden to protect A, and it is not below 5
    assert list(out["meldingen"]) == ["<5", "•", 40]
    # a rate is hidden where its numerator or denominator is hidden (B's rate would give 12 away;
    # C has 4 pupils)
    assert list(out["per_1000"]) == [None, None, None]
    assert list(out["per_1000_reden"]) == ["verborgen: teller of noemer kleiner dan 5",
                                           "verborgen om een klein aantal elders te beschermen",
                                           "verborgen: teller of noemer kleiner dan 5"]
    frame.loc[1, "meldingen"] = 5
    frame.loc[0, "meldingen"] = 6
    shown = FIVE.frame(frame, counts=["meldingen"], rates={"per_1000": ("meldingen", "leerlingen")})
    assert list(shown["meldingen"]) == [6, 5, 40] and shown.loc[1, "per_1000"] == 40.0
    assert list(shown["per_1000_reden"]) == ["", "", "verborgen: teller of noemer kleiner dan 5"]


def test_frame_with_threshold_ten_hides_seven_and_the_complementary_cell():
    frame = pd.DataFrame({"kanaal": ["telefoon", "brief", "huisbezoek"], "pogingen": [7, 25, 0]})
    out = TEN.frame(frame, counts=["pogingen"])
    # 7 < 10 → "<10"; the one other non-zero cell (25) is hidden with it as "•"; 0 stays 0
    assert list(out["pogingen"]) == ["<10", "•", 0]
    assert list(FIVE.frame(frame, counts=["pogingen"])["pogingen"]) == [7, 25, 0]


def test_a_suppressor_needs_its_threshold():
    with pytest.raises(TypeError):
        Suppressor()  # type: ignore[call-arg]
    with pytest.raises(AttributeError):
        FIVE.threshold = 10  # type: ignore[misc]  (frozen: one decision per run)


def test_counts_of_people_are_suppressed_and_the_officers_own_work_never():
    """suppression.COUNTS_PEOPLE decides once per kind of count (DESIGN, "Small-cell suppression")."""
    from data_access.definitions.suppression import applies, counts_people

    for people in ("pupils", "youths", "families", "family_contacts", "meldingen", "signals"):
        assert counts_people(people) and applies(FIVE, people) is FIVE
        assert applies(None, people) is None  # leerplicht: no suppressor at all
    for work in ("schools", "school_contacts", "visits", "newsletters", "meetings"):
        assert not counts_people(work) and applies(FIVE, work) is None
    with pytest.raises(KeyError):  # a new kind of count must be classified before a page shows it
        counts_people("onbekend")
