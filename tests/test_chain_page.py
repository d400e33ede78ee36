"""/keten as each role gets it (AppTest on the chain fixture), and its charts' readability."""
from __future__ import annotations

import colorsys
import time
from pathlib import Path

import altair as alt
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import ui  # noqa: F401  (enables the house theme, as the app does)
from fixtures import chain as fixture
from ui.chain import charts
from ui.chart_theme import TEXT, contrast
from ui.youths.chain import KIND_COLOURS

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "pages" / "keten.py")


@pytest.fixture
def chain_url(sqlite_url, engine, app_env):
    fixture.build(engine)
    return app_env(sqlite_url)


def opened(username: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["lea_username"] = username
    at.session_state["lea_auth_at"] = time.time()
    return at.run()


def text_of(at: AppTest) -> str:
    return " ".join([m.value for m in at.markdown] + [c.value for c in at.caption]
                    + [df.value.to_csv() for df in at.dataframe])


def test_leerplicht_gets_every_count_and_the_officer_split(chain_url):
    at = opened("leerplicht")
    assert not at.exception and at.title[0].value == "Keten: van signaal tot terug in de klas"
    assert at.selectbox(key="keten_jaar").value == 2020
    assert "signaal niet gemeld: 1 · te laat gemeld: 0 · geen contact na melding: 2 · contact te laat: 1" in text_of(at)
    assert at.button_group(key="keten_niveau").options == ["school", "bestuur", "behandelaar"]
    at.button_group(key="keten_niveau").set_value("officer").run()
    assert "Lotte Leerplicht" in text_of(at) and "Piet Plicht" in text_of(at)


def test_lea_gets_small_counts_hidden_and_no_officer(chain_url):
    at = opened("lea")
    assert not at.exception
    text = text_of(at)
    assert "signaal niet gemeld: <5 · te laat gemeld: 0 · geen contact na melding: <5 · contact te laat: <5" in text
    assert at.button_group(key="keten_niveau").options == ["school", "bestuur"]
    assert "Lotte" not in text and "Piet" not in text and "lpa2" not in text and "K-" not in text


def _is_red(colour: str) -> bool:
    h, s, v = colorsys.rgb_to_hsv(*(int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)))
    return s >= 0.35 and v >= 0.25 and (h * 360 >= 330 or h * 360 <= 30)


def _is_green(colour: str) -> bool:
    h, s, v = colorsys.rgb_to_hsv(*(int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)))
    return s >= 0.35 and v >= 0.25 and 75 <= h * 360 <= 165


@pytest.mark.parametrize("palette", [list(charts.PALETTE.values()), list(KIND_COLOURS.values())])
def test_the_chain_palettes_put_no_red_beside_green(palette):
    assert not ([c for c in palette if _is_red(c)] and [c for c in palette if _is_green(c)])


def test_the_chain_charts_carry_readable_text():
    points = pd.DataFrame({"stap": ["Signaal", "Gemeld door school"], "value": [7.0, None], "bar": [7.0, 7.0],
                           "soort": ["bereikt", "verborgen"], "tekst": ["7", "verborgen (<5)"]})
    spec = charts.funnel_chart(points).to_dict()
    assert spec["config"]["axis"]["labelColor"] == TEXT and contrast(TEXT) >= 4.5
    assert contrast(charts.WHISKER) >= 4.5  # the grey line is read as a range
    texts = [layer["mark"].get("color") for layer in spec["layer"] if isinstance(layer["mark"], dict)
             and layer["mark"].get("type") == "text"]
    assert texts == [TEXT]
    assert isinstance(charts.step_days_chart(pd.DataFrame({
        "stap": ["a"], "min": [0.0], "q1": [1.0], "median": [2.0], "q3": [3.0], "max": [4.0], "tekst": ["x"]})),
        alt.LayerChart)
