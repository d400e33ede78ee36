"""The Dutch words for codes and the Dutch number format: one place each, the same on every page
and in the charts."""
from __future__ import annotations

import re
from pathlib import Path

import altair as alt
import pandas as pd
import vl_convert

from data_access.models import CONTACT_CHANNELS, CONTACT_TARGETS
from ui import format as fmt
from ui.labels import CATEGORY_LABELS, CHANNEL_LABELS, TARGET_LABELS, TARGET_PLURAL_LABELS
from ui.schools.charts import ChartStyle, value_axis

ROOT = Path(__file__).resolve().parent.parent


def test_numbers_use_a_decimal_comma_and_a_thousands_point():
    assert fmt.number(1234.5, 1) == "1.234,5"
    assert fmt.number(1234567) == "1.234.567"
    assert fmt.number(-0.25, 2) == "-0,25"
    assert fmt.number(None) == "–" and fmt.number(float("nan"), 1) == "–"
    assert fmt.number("<5") == "<5"  # a suppressed count stays as it is
    assert fmt.percent(0.0526) == "5,3%"
    assert fmt.numbers([1234.5, None, "<5"], 1) == ["1.234,5", "–", "<5"]


def _svg_texts(chart: alt.TopLevelMixin) -> list[str]:
    return re.findall(r">([^<>]+)</text>", vl_convert.vegalite_to_svg(chart.to_dict()))


def test_chart_axes_use_the_same_dutch_separators_through_the_vega_locale():
    frame = pd.DataFrame({"x": ["a", "b"], "y": [1000.0, 2500.0]})
    chart = alt.Chart(frame).mark_bar().encode(
        x="x:N", y=alt.Y("y:Q", axis=value_axis("Uren", 1, " uur"), scale=alt.Scale(domain=[0, 2500])))
    labels = _svg_texts(ChartStyle().apply(chart.properties(width=200, height=200)))
    assert "1.000,0 uur" in labels and "2.500,0 uur" in labels
    assert not any("1,000" in text for text in labels)


def test_every_contact_code_has_one_dutch_word():
    assert set(CHANNEL_LABELS) == set(CONTACT_CHANNELS)
    assert set(TARGET_LABELS) == set(TARGET_PLURAL_LABELS) == set(CONTACT_TARGETS)
    assert CHANNEL_LABELS["info_session"] == "Informatiebijeenkomst"
    assert (TARGET_LABELS["family"], TARGET_PLURAL_LABELS["family"]) == ("Gezin", "Gezinnen")
    assert CATEGORY_LABELS["onbekend"] == "onbekende code"


def test_the_words_for_codes_are_written_in_one_module():
    defined = re.compile(r"^(CATEGORY_LABELS|CHANNEL_LABELS|TARGET_LABELS|TARGET_PLURAL_LABELS)\s*=", re.M)
    found = [path.relative_to(ROOT).as_posix()
             for folder in ("data_access", "ui", "pages") for path in sorted((ROOT / folder).rglob("*.py"))
             if defined.search(path.read_text(encoding="utf-8"))]
    assert found == ["ui/labels.py"]
    # the words not chosen appear only where ui/labels.py says why
    words = re.compile(r"voorlichting|ouders/gezin", re.I)
    assert [p.relative_to(ROOT).as_posix() for p in sorted((ROOT / "ui").rglob("*.py"))
            if words.search(p.read_text(encoding="utf-8"))] == ["ui/labels.py"]
