"""Charts a meeting can read: text contrast ≥ 4,5 : 1 and no red beside green (issue 15, point 8).

The contrast is checked on what the charts carry (the Vega-Lite config every chart gets from
the house theme, ui.chart_theme); the palettes are checked by hue: a palette that holds a red and
a green is unreadable for about 1 in 12 men. The status lights are the one exception on purpose:
green/orange/red is what they mean, and each light also has its own shape and word.
"""
from __future__ import annotations

import colorsys

import altair as alt
import pandas as pd
import pytest

import ui  # noqa: F401  (enables the theme, as the app does)
from ui.chart_theme import TEXT, contrast
from ui.covid.charts import CHANNEL_COLOURS, RECENCY_CLASSES
from ui.schools.charts import ChartStyle, trend_by_category
from ui.schools.labels import CATEGORY_COLORS, PERIOD_KIND_COLORS
from ui.youths.charts import PALETTE


def test_contrast_formula_by_hand():
    assert contrast("#000000") == pytest.approx(21.0)
    assert contrast("#FFFFFF") == pytest.approx(1.0)
    assert contrast("#767676") == pytest.approx(4.54, abs=0.01)  # the lightest grey that passes


def test_every_chart_carries_readable_text():
    chart = alt.Chart(pd.DataFrame({"x": [1, 2], "y": [3, 4], "c": ["a", "b"]})).mark_line().encode(
        x="x:Q", y="y:Q", color="c:N").properties(title="Titel")
    config = chart.to_dict()["config"]
    for part, keys in (("axis", ("labelColor", "titleColor")), ("legend", ("labelColor", "titleColor")),
                       ("title", ("color",))):
        for key in keys:
            assert contrast(config[part][key]) >= 4.5, (part, key)
    assert config["locale"]["number"]["decimal"] == ","  # and Dutch numbers


def test_a_page_chart_keeps_the_readable_text_with_its_own_settings():
    points = pd.DataFrame({
        "period_start": pd.to_datetime(["2024-09-01"]), "period_end": pd.to_datetime(["2024-10-01"]),
        "rate_pct": [1.0], "volgorde": [0], "categorie": ["ziek"], "periode": ["september 2024"],
        "reeks": ["x"], "verzuim": ["1,00%"], "teller": ["1 uur"], "noemer": ["100 uur"], "leerlingen": ["10"]})
    config = trend_by_category(points, points.iloc[0:0], ChartStyle()).to_dict()["config"]
    assert config["axis"]["labelColor"] == TEXT and config["axis"]["labelFontSize"] == 12


def _hue(colour: str) -> tuple[float, float, float]:
    r, g, b = (int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4))
    h, s, v = colorsys.rgb_to_hsv(r, g, b)
    return h * 360, s, v


def _is_red(colour: str) -> bool:
    h, s, v = _hue(colour)
    return s >= 0.35 and v >= 0.25 and (h >= 330 or h <= 30)


def _is_green(colour: str) -> bool:
    h, s, v = _hue(colour)
    return s >= 0.35 and v >= 0.25 and 75 <= h <= 165


def test_the_hue_rule_by_hand():
    assert _is_red("#c0392b") and _is_green("#27ae60")  # the old pair of the calendar
    assert not _is_green("#0072B2") and not _is_red("#E69F00")  # blue; orange is not red


@pytest.mark.parametrize("name, palette", [
    ("absence categories", list(CATEGORY_COLORS.values())),
    ("shaded periods", list(PERIOD_KIND_COLORS.values())),
    ("a youth's calendar", list(PALETTE.values())),
    ("contact channels", list(CHANNEL_COLOURS.values())),
    ("last school contact", [colour for _, colour in RECENCY_CLASSES]),
])
def test_no_palette_puts_red_beside_green(name, palette):
    reds, greens = [c for c in palette if _is_red(c)], [c for c in palette if _is_green(c)]
    assert not (reds and greens), (name, reds, greens)
