"""Intervals and similar schools (data_access.definitions.intervals, .similar_schools): every
expected value worked out by hand from the formulas in the docstrings, z = 1,96."""
from __future__ import annotations

import math

import pytest

from data_access.definitions.intervals import (
    HIGHER, LOWER, NO_CLEAR_DIFFERENCE, NOT_TESTED, Z_95, position, rate_interval_over_pupils, wilson_interval,
)
from data_access.definitions.similar_schools import (
    MIN_SIMILAR_SCHOOLS, benchmark_formed, estimated_pupils, size_bounds, size_class,
)

Z = 1.96


def test_z_is_the_two_sided_95_percent_point():
    assert Z_95 == pytest.approx(1.95996, abs=1e-5)


def test_wilson_interval_of_2_out_of_10():
    # p = 0,2; z²/n = 0,38416; centre = (0,2 + 0,19208) / 1,38416 = 0,283262;
    # half = 1,96 · √(0,016 + 0,009604) / 1,38416 = 0,226581
    low, high = wilson_interval(2, 10, Z)
    assert low == pytest.approx(0.056681, abs=1e-6) and high == pytest.approx(0.509843, abs=1e-6)


def test_wilson_interval_at_the_edges_stays_inside_0_and_1():
    # 0 of 10: low 0, high = (z²/n) / (1 + z²/n) = 0,38416 / 1,38416 = 0,277540
    assert wilson_interval(0, 10, Z) == pytest.approx((0.0, 0.277540), abs=1e-6)
    # 10 of 10: the mirror image
    assert wilson_interval(10, 10, Z) == pytest.approx((0.722460, 1.0), abs=1e-6)


def test_wilson_interval_of_6_out_of_10_and_of_12_meldingen_per_200_pupils():
    assert wilson_interval(6, 10, Z) == pytest.approx((0.312669, 0.831823), abs=1e-6)
    # p = 0,06, n = 200: centre 0,0682919, half 0,0336406
    assert wilson_interval(12, 200, Z) == pytest.approx((0.0346513, 0.1019325), abs=1e-6)


@pytest.mark.parametrize("k, n", [(1, 0), (None, 10), (3, None), (11, 10), (-1, 10), ("<5", 10), (float("nan"), 10)])
def test_no_wilson_interval_without_a_usable_share(k, n):
    assert wilson_interval(k, n, Z) is None


def test_rate_interval_over_pupils_by_hand():
    # 180 pupils, 82,5 possible hours each (14.850); 3 pupils 11 h, 12 pupils 5,5 h, the rest 0:
    # Σy = 99, Σy² = 3·121 + 12·30,25 = 726; s² = (726 − 99²/180) / 179 = 3,751676;
    # SE = √(s²/180) / 82,5 = 0,00174994; rate 0,0066667 ± 1,96 · SE = ± 0,0034299
    low, high = rate_interval_over_pupils(99 / 14850, 99, 726, 180, 14850, Z)
    assert low == pytest.approx(0.0032368, abs=1e-6) and high == pytest.approx(0.0100966, abs=1e-6)


def test_the_same_hours_spread_over_more_pupils_give_a_narrower_interval():
    # 99 hours as 18 pupils × 5,5 h: Σy² = 18 · 30,25 = 544,5 < 726 (fewer hours per pupil)
    spread = rate_interval_over_pupils(99 / 14850, 99, 544.5, 180, 14850, Z)
    lumped = rate_interval_over_pupils(99 / 14850, 99, 726, 180, 14850, Z)
    assert spread[1] - spread[0] < lumped[1] - lumped[0]


def test_rate_interval_is_cut_at_zero_and_needs_two_pupils():
    # one pupil with all 10 hours of 2 pupils × 100 possible: s² = (100 − 50) / 1 = 50;
    # SE = √(50/2) / 100 = 0,05; 0,05 ± 0,098 → cut at 0
    low, high = rate_interval_over_pupils(0.05, 10, 100, 2, 200, Z)
    assert low == 0.0 and high == pytest.approx(0.05 + Z * 0.05)
    assert rate_interval_over_pupils(0.05, 10, 100, 1, 100, Z) is None
    assert rate_interval_over_pupils(None, 10, 100, 5, 100, Z) is None  # hidden rate
    assert rate_interval_over_pupils(0.0, 0, 0, 5, 0, Z) is None        # no possible hours


def test_without_absence_the_interval_is_the_point_zero():
    assert rate_interval_over_pupils(0.0, 0, 0, 50, 5000, Z) == (0.0, 0.0)


def test_position_only_when_the_interval_excludes_the_reference():
    assert position((0.04, 0.06), 0.05) == NO_CLEAR_DIFFERENCE
    assert position((0.051, 0.06), 0.05) == HIGHER
    assert position((0.03, 0.049), 0.05) == LOWER
    assert position((0.05, 0.06), 0.05) == NO_CLEAR_DIFFERENCE  # on the edge: not clear
    assert position(None, 0.05) == NOT_TESTED
    assert position((0.04, 0.06), None) == NOT_TESTED
    assert position((0.04, 0.06), float("nan")) == NOT_TESTED


# --- similar schools --------------------------------------------------------------------------


def test_estimated_pupils_from_six_years_of_group_8_advices():
    assert estimated_pupils(83) == pytest.approx(83 / 6 * 8)  # 110,7
    assert estimated_pupils(0) == 0


def test_size_bounds_are_nearest_rank_thirds():
    # 7 locations: ⌈7/3⌉ = 3rd → 30; ⌈14/3⌉ = 5th → 50
    bounds = size_bounds([70, 10, 30, 20, 50, 40, 60])
    assert (bounds.small, bounds.medium) == (30, 50)
    assert bounds.counts == (3, 2, 2)
    assert bounds.labels() == ("klein (≤ 30)", "middel (31–50)", "groot (> 50)")
    # 6 locations: 2nd → 20 and 4th → 40: exactly a third each
    six = size_bounds([10, 20, 30, 40, 50, 60])
    assert (six.small, six.medium, six.counts) == (20, 40, (2, 2, 2))
    # bounds are whole pupils: 3 locations, 1st → 100 and 2nd → 146,67 → 147
    assert size_bounds([100, 146.67, 200]).medium == 147
    with pytest.raises(ValueError):
        size_bounds([1, 2])


def test_size_class_at_the_bounds():
    bounds = size_bounds([10, 20, 30, 40, 50, 60])
    assert [size_class(p, bounds) for p in (20, 21, 40, 41)] == [0, 1, 1, 2]
    assert size_class(None, bounds) is None and size_class(math.nan, bounds) is None
    assert size_class("<5", bounds) is None


def test_a_benchmark_needs_five_other_schools():
    assert MIN_SIMILAR_SCHOOLS == 5
    assert not benchmark_formed(4, MIN_SIMILAR_SCHOOLS) and benchmark_formed(5, MIN_SIMILAR_SCHOOLS)
