"""Lines told apart without colour, and labels that do not overlap (issue 15, accessible charts):
the per-school trend (ui.schools.charts.trend_by_series) and the pilot chart (pilot_chart), on
their Vega-Lite specs and as rendered SVG. Positions worked out by hand below."""
from __future__ import annotations

import colorsys

import pandas as pd
import pytest

from ui.chart_theme import TEXT, contrast  # (importing ui enables the house theme, as the app has it)
from ui.downloads import chart_bytes
from ui.schools.charts import (
    PILOT_SERIES, SERIES_COLORS, ChartStyle, dodge, nice_top, pilot_chart, pilot_label_positions, series_styles,
    trend_by_series,
)

STYLE = ChartStyle()  # plot height 320 px, font 12 px: labels at least 15 px apart
PILOT, OTHERS, EXPECTED = PILOT_SERIES


def layers(spec: dict) -> list[dict]:
    """Every unit layer of a (nested) layered spec."""
    found = []
    for layer in spec.get("layer", []):
        found += layers(layer) if "layer" in layer else [layer]
    return found


def mark(layer: dict) -> dict:
    return layer["mark"] if isinstance(layer["mark"], dict) else {"type": layer["mark"]}


def data_of(spec: dict, layer: dict) -> list[dict]:
    return spec["datasets"][layer["data"]["name"]]


def trend_points(ends: dict[str, float]) -> pd.DataFrame:
    """Three months per school; the last value as given, the first two 2,0 and 6,0 (max 6,0)."""
    rows = []
    for name, last in ends.items():
        for month, value in ((9, 2.0), (10, 6.0), (11, last)):
            rows.append({"period_start": pd.Timestamp(2024, month, 1), "rate_pct": value, "periode": f"{month}",
                         "reeks": name, "categorie": "", "verzuim": "", "teller": "", "noemer": "",
                         "leerlingen": ""})
    return pd.DataFrame(rows)


# --- the rules by hand ---------------------------------------------------------------------------


def test_an_axis_top_is_a_round_step_above_the_largest_value():
    assert nice_top(13.7) == 14  # steps of 2
    assert nice_top(1.37) == 1.4  # steps of 0,2
    assert nice_top(6.0) == 6 and nice_top(61.0) == 70 and nice_top(100.0) == 100
    assert nice_top(0.0) == 1 and nice_top(float("nan")) == 1


def test_labels_are_moved_apart_by_at_least_the_gap_and_stay_on_the_axis():
    assert dodge([5.0, 5.0, 5.0], 1.0, 10.0) == [5.0, 6.0, 7.0]
    assert dodge([9.9, 9.8], 1.0, 10.0) == [10.0, 9.0]  # pushed up past the top, then back down
    assert dodge([3.0, 1.0], 1.0, 10.0) == [3.0, 1.0]  # far enough apart: where they are


def test_each_of_24_schools_has_its_own_colour_and_dash_and_neighbours_differ_in_all_three():
    names = [f"school {i:02d}" for i in range(24)]
    styles = series_styles(names)
    assert len({(colour, tuple(dash)) for colour, dash, _ in styles.values()}) == 24
    for a, b in zip(names, names[1:]):
        assert all(x != y for x, y in zip(styles[a], styles[b]))


def _hue(colour: str) -> float:
    r, g, b = (int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4))
    h, s, v = colorsys.rgb_to_hsv(r, g, b)
    return h * 360 if s >= 0.35 and v >= 0.25 else -1.0


def test_the_line_colours_are_okabe_ito_without_red_beside_green():
    okabe_ito = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"}
    assert set(SERIES_COLORS) <= okabe_ito
    assert not any(75 <= _hue(c) <= 165 for c in SERIES_COLORS)  # no green (the vermillion stays)
    assert "#F0E442" not in SERIES_COLORS  # yellow: too light for a line on white


# --- the per-school trend ----------------------------------------------------------------------


def test_each_school_line_has_its_own_dash_and_marker_and_its_name_at_its_end():
    spec = trend_by_series(trend_points({"De Eik": 4.4, "De Linde": 4.3, "Het Baken": 1.0}),
                           pd.DataFrame(), STYLE).to_dict()
    units = layers(spec)
    line = next(u for u in units if mark(u)["type"] == "line")
    point = next(u for u in units if mark(u)["type"] == "point")
    text = next(u for u in units if mark(u)["type"] == "text")
    dashes = line["encoding"]["strokeDash"]["scale"]["range"]
    shapes = point["encoding"]["shape"]["scale"]["range"]
    assert line["encoding"]["strokeDash"]["scale"]["domain"] == ["De Eik", "De Linde", "Het Baken"]
    assert len({tuple(d) for d in dashes}) == 3 and len(set(shapes)) == 3
    colours = line["encoding"]["color"]["scale"]["range"]
    assert colours == list(SERIES_COLORS[:3])  # colour too, in addition
    # the end labels: each school's name at its last month. The axis runs 0 – 6 (max 6,0) over
    # 320 px, so 15 px are 15 × 6 / 320 = 0,28125: De Linde stays at 4,3, De Eik moves up from
    # 4,4 to 4,58125 (15 px above), Het Baken stays at 1,0
    labels = {row["reeks"]: row for row in data_of(spec, text)}
    assert text["encoding"]["text"]["field"] == "reeks" and mark(text)["align"] == "left"
    assert {name: row["label_y"] for name, row in labels.items()} == pytest.approx(
        {"De Eik": 4.58125, "De Linde": 4.3, "Het Baken": 1.0})
    assert all(pd.Timestamp(row["period_start"]).month == 11 for row in labels.values())
    positions = sorted(row["label_y"] * 320 / 6 for row in labels.values())
    assert min(b - a for a, b in zip(positions, positions[1:])) >= 15 - 1e-9
    assert text["encoding"]["y"]["scale"]["domain"] == [0, 6]  # the same axis as the lines
    assert spec["autosize"]["type"] == "fit-x"  # the plot is exactly 320 px high: the 15 px hold on screen


def test_a_school_whose_data_stop_early_is_named_at_its_own_last_point():
    points = trend_points({"De Eik": 3.0, "De Linde": 2.0})
    points.loc[(points["reeks"] == "De Linde") & (points["period_start"].dt.month == 11), "rate_pct"] = None
    spec = trend_by_series(points, pd.DataFrame(), STYLE).to_dict()
    text = next(u for u in layers(spec) if mark(u)["type"] == "text")
    ends = {row["reeks"]: (pd.Timestamp(row["period_start"]).month, row["rate_pct"]) for row in data_of(spec, text)}
    assert ends == {"De Eik": (11, 3.0), "De Linde": (10, 6.0)}


def test_the_rendered_trend_names_every_school_in_the_chart():
    svg = chart_bytes(trend_by_series(trend_points({"De Eik": 4.4, "De Linde": 4.3}), pd.DataFrame(), STYLE),
                      "svg").decode()
    assert ">De Eik<" in svg and ">De Linde<" in svg


# --- the pilot chart -----------------------------------------------------------------------------


def pilot_points() -> pd.DataFrame:
    """As seen in issue 15: 13,7 and 13,1 almost on top of each other."""
    rows = [(PILOT, "vóór de pilot", 13.1, "13,1%"), (OTHERS, "vóór de pilot", 13.7, "13,7%"),
            (PILOT, "tijdens de pilot", 13.7, "13,7%"), (OTHERS, "tijdens de pilot", 13.1, "13,1%"),
            (EXPECTED, "vóór de pilot", 13.1, ""), (EXPECTED, "tijdens de pilot", 12.5, "12,5%")]
    return pd.DataFrame([{"reeks": r, "fase": f, "value": v, "tekst": t, "uitleg": ""} for r, f, v, t in rows])


def test_the_pilot_labels_do_not_overlap():
    # axis 0 – 14 over 320 px: 15 px = 15 × 14 / 320 = 0,65625. Before: both labels left of their
    # points (13,1 stays, 13,7 is far enough above? 0,6 < 0,65625: moved to 13,75625). During
    # (the last phase): all three right; 12,5 and 13,1 are 0,6 apart (13,1 → 13,15625), 13,7 →
    # 13,8125
    labels = pilot_label_positions(pilot_points(), 14, 320, 12)
    placed = {(r.reeks, r.fase): (r.side, round(r.label_y, 5)) for r in labels.itertuples()}
    assert placed == {
        (PILOT, "vóór de pilot"): ("left", 13.1), (OTHERS, "vóór de pilot"): ("left", 13.75625),
        (PILOT, "tijdens de pilot"): ("right", 13.8125), (OTHERS, "tijdens de pilot"): ("right", 13.15625),
        (EXPECTED, "tijdens de pilot"): ("right", 12.5),
    }
    for (_, _), group in labels.groupby(["fase", "side"]):
        pixels = sorted(group["label_y"] * 320 / 14)
        assert all(b - a >= 15 - 1e-9 for a, b in zip(pixels, pixels[1:]))


def test_in_a_middle_phase_the_pilot_label_goes_left_and_the_others_right():
    points = pd.concat([pilot_points(), pd.DataFrame([
        {"reeks": PILOT, "fase": "na de pilot", "value": 14.0, "tekst": "14,0%", "uitleg": ""},
        {"reeks": OTHERS, "fase": "na de pilot", "value": 13.0, "tekst": "13,0%", "uitleg": ""}])])
    sides = {(r.reeks, r.fase): r.side for r in pilot_label_positions(points, 14, 320, 12).itertuples()}
    assert sides[(PILOT, "tijdens de pilot")] == "left" and sides[(OTHERS, "tijdens de pilot")] == "right"
    assert sides[(PILOT, "na de pilot")] == sides[(OTHERS, "na de pilot")] == "right"


def test_no_pilot_line_can_hide_another():
    spec = pilot_chart(pilot_points(), "Meldtrouw (%)", 1, "%", STYLE).to_dict()
    units = layers(spec)
    lines = {data_of(spec, u)[0]["reeks"]: mark(u) for u in units if mark(u)["type"] == "line"}
    points = {data_of(spec, u)[0]["reeks"]: mark(u) for u in units if mark(u)["type"] == "point"}
    # the others beside the pilot schools (4 px apart), each with its own marker
    assert lines[PILOT]["xOffset"] != lines[OTHERS]["xOffset"]
    assert len({points[s]["shape"] for s in PILOT_SERIES}) == 3
    # the expected line dashed, in its own colour, drawn after (over) the pilot line
    dash = next(u for u in units if mark(u)["type"] == "line")["encoding"]["strokeDash"]["scale"]
    assert dict(zip(dash["domain"], map(tuple, dash["range"])))[EXPECTED] != (1, 0)
    order = [data_of(spec, u)[0]["reeks"] for u in units if mark(u)["type"] == "line"]
    assert order.index(EXPECTED) > order.index(PILOT)
    assert next(u for u in units if mark(u)["type"] == "line")["encoding"]["y"]["scale"]["domain"] == [0, 14]
    assert spec["autosize"]["type"] == "fit-x"
    # every label with a white halo under it: a line crossing it leaves it readable
    texts = [mark(u) for u in units if mark(u)["type"] == "text"]
    assert any(t.get("stroke") == "white" for t in texts) and any("stroke" not in t for t in texts)
    # the labels in the readable text colour of the house theme, not in the (light) line colours
    assert all("color" not in t for t in texts) and spec["config"]["text"]["color"] == TEXT
    assert contrast(TEXT) >= 4.5


def test_the_rendered_pilot_chart_shows_every_value_once_in_front():
    svg = chart_bytes(pilot_chart(pilot_points(), "Meldtrouw (%)", 1, "%", STYLE), "svg").decode()
    for value in ("13,1%", "13,7%", "12,5%"):
        assert f">{value}<" in svg, value
