"""A difference from the baseline that rounds to zero reads as no change (issue 15, point 8).

"±0,0 dagen" used to show with a red arrow, as if the figure had got worse.
"""
from __future__ import annotations

from data_access.queries.contacts import Figure
from ui.covid import format as cf
from ui.covid.tiles import _tile


def test_a_difference_is_signed_by_what_is_shown():
    assert cf.difference_text("median_days", 0.04) == "±0,0 dagen"  # rounds to 0,0: no sign
    assert cf.difference_text("median_days", -0.04) == "±0,0 dagen"
    assert cf.difference_text("median_days", -8.0) == "-8,0 dagen"
    assert cf.difference_text("median_days", 0.06) == "+0,1 dagen"  # shown as 0,1: a change
    assert cf.difference_text("median_days", None) is None


def test_no_change_is_drawn_neutral_and_a_change_keeps_its_colour():
    same = _tile("median_days", Figure(6.5), Figure(6.5))
    assert (same.delta, same.delta_color) == ("±0,0 dagen", "off")
    better = _tile("median_days", Figure(6.5), Figure(14.5))  # fewer days to a first contact: better
    assert (better.delta, better.delta_color) == ("-8,0 dagen", "inverse")
