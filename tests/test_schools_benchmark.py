"""Comparisons that show uncertainty (issue 15) on the hand-made municipality of
tests/fixtures/schools.py and the hand-made rows of tests/fixtures/benchmark.py.

Window 5–30 Oct 2020 (82,5 school hours per pupil). Municipal figures: absence 760 / 72.600 =
1,047 %; meldingen 30 / 880 = 34,09 per 1.000; meldtrouw 10 / 20 = 50 %.
"""
from __future__ import annotations

import pandas as pd
import pytest

from data_access.queries import benchmark
from data_access.queries import schools as q
from fixtures.benchmark import benchmark_rows, no_delays
from fixtures.schools import DAYS, FIVE, HOURS, PERSISTENT, WINDOW, build_fixture
from ui.schools.charts import ChartStyle
from ui.schools.comparison import comparison_chart, comparison_points, similar_caption
from ui.schools.labels import FIGURES
from ui.schools.tables import code_note, comparison_table


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request):
    eng = request.getfixturevalue("engine" if request.param == "sqlite" else "pg_engine")
    with eng.begin() as conn:
        build_fixture(conn)
    return eng


def view_of(db, category: str | None, suppressor=None, level="school", window=WINDOW):
    with db.connect() as conn:
        comparison = q.school_comparison(conn, window, DAYS, HOURS, PERSISTENT, exact_below=5)
        if category is not None:
            comparison = q.with_spread(comparison, q.pupil_spread(conn, window, category))
    return q.comparison_view(comparison, level, None, suppressor)


def test_pupil_spread_sums_each_pupils_hours_by_hand(db):
    with db.connect() as conn:
        total = q.pupil_spread(conn, WINDOW, "total").set_index("school_id")
        sick = q.pupil_spread(conn, WINDOW, "ziek").set_index("school_id")
        year = q.pupil_spread(conn, q.Window.for_school_year(2020), "total").set_index("school_id")
        unauthorised = q.pupil_spread(conn, q.Window.for_school_year(2020), "ongeoorloofd").set_index("school_id")
    # De Wilg (4): 99 sick hours as 18 absences of 5,5 h over 15 pupils → 3 pupils 11 h, 12 pupils 5,5 h
    assert total.loc[4, "sy_total"] == 99 and total.loc[4, "sq_total"] == pytest.approx(3 * 121 + 12 * 30.25)
    # De Linde (1), per pupil 22,5 22,5 17 16,75 16,75 16,5 11 11 5,5 5,5 (ongeoorloofd, ziek twice,
    # onbekend, te laat 0,25 h a time added up): Σy = 145, Σy² = 2.437,375
    assert total.loc[1, "sy_total"] == 145 and total.loc[1, "sq_total"] == pytest.approx(2437.375)
    # sick only: pupils 0–7 twice 5,5 h, 8–9 once: 8 · 121 + 2 · 30,25
    assert sick.loc[1, "sy_ziek"] == 99 and sick.loc[1, "sq_ziek"] == pytest.approx(8 * 121 + 2 * 30.25)
    assert 5 not in total.index  # Buiten is out of scope
    # whole school year, total: from pupil_year — De Linde 30, 27,5, 27, 10
    assert year.loc[1, "sy_total"] == 94.5 and year.loc[1, "sq_total"] == pytest.approx(900 + 756.25 + 729 + 100)
    # whole school year, one category: from pupil_category_year — De Eik's 22 unauthorised hours
    # as 5 absences of 4,4 h by 5 pupils: Σy = 22, Σy² = 5 · 4,4²
    assert unauthorised.loc[2, "sy_ongeoorloofd"] == pytest.approx(22)
    assert unauthorised.loc[2, "sq_ongeoorloofd"] == pytest.approx(5 * 4.4 ** 2)
    with db.connect() as conn, pytest.raises(ValueError):
        q.pupil_spread(conn, WINDOW, "geen categorie")


def test_absence_rate_intervals_and_colours_by_hand(db):
    view = view_of(db, "total")
    rows = view.rows.set_index("name")
    # De Wilg: 0,667 % ± 1,96 · 0,00174994 → 0,324 % – 1,010 %: below the municipal 1,047 %
    assert rows.loc["De Wilg", "rate_total_low"] == pytest.approx(0.0032368, abs=2e-6)
    assert rows.loc["De Wilg", "rate_total_high"] == pytest.approx(0.0100966, abs=2e-6)
    # De Linde: 1,758 %, s² = (2.437,375 − 145²/100) / 99 = 22,49621, SE = √(s²/100) / 82,5 =
    # 0,0057491 → 0,631 % – 2,884 %: includes 1,047 % — no clear difference although 1,7 × as high
    assert rows.loc["De Linde", "rate_total_low"] == pytest.approx(0.006307, abs=2e-6)
    assert rows.loc["De Linde", "rate_total_high"] == pytest.approx(0.028844, abs=2e-6)
    municipal = view.total.iloc[0]["rate_total"]
    assert municipal == pytest.approx(760 / 72600)
    found = dict(zip(view.rows["name"], benchmark.positions(view.rows, "rate_total", municipal)))
    assert found["De Wilg"] == "lower" and found["De Linde"] == "no_clear_difference"
    # without the pupils' spread no absence-rate interval (and so no colour)
    plain = view_of(db, None)
    assert plain.rows["rate_total_low"].isna().all()
    assert set(benchmark.positions(plain.rows, "rate_total", municipal)) == {"not_tested"}


def test_wilson_intervals_of_meldingen_and_meldtrouw(db):
    rows = view_of(db, None).rows.set_index("name")
    # De Eik 12 meldingen / 200 pupils: 34,65 – 101,93 per 1.000, just above the municipal 34,09
    assert rows.loc["De Eik", "per_1000_low"] == pytest.approx(34.6513, abs=1e-3)
    assert rows.loc["De Eik", "per_1000_high"] == pytest.approx(101.9325, abs=1e-3)
    # De Wilg 9 / 180: 26,52 – 92,28 per 1.000: includes 34,09
    assert rows.loc["De Wilg", "per_1000_low"] == pytest.approx(26.5246, abs=1e-3)
    # De Eik's meldtrouw 6 of 10: 31,3 % – 83,2 %, includes the municipal 50 %
    assert rows.loc["De Eik", "compliance_low"] == pytest.approx(0.312669, abs=1e-5)
    assert rows.loc["De Eik", "compliance_high"] == pytest.approx(0.831823, abs=1e-5)
    # De Wilg has no signals: no share, no interval
    assert pd.isna(rows.loc["De Wilg", "compliance_low"])


def test_a_hidden_figure_has_no_interval(db):
    view = view_of(db, "total", FIVE)
    rows = view.rows.set_index("name")
    # De Linde's 3 meldingen and Het Baken's 6 (complementary) are hidden for lea: so are their intervals
    assert rows.loc["De Linde", "per_1000"] is None and pd.isna(rows.loc["De Linde", "per_1000_low"])
    assert pd.isna(rows.loc["Het Baken", "per_1000_high"])
    assert rows.loc["De Eik", "per_1000_low"] == pytest.approx(34.6513, abs=1e-3)  # shown: interval kept
    assert rows.loc["Het Baken", "compliance"] is None and pd.isna(rows.loc["Het Baken", "compliance_low"])
    assert rows.loc["De Wilg", "rate_total_low"] == pytest.approx(0.0032368, abs=2e-6)


def test_boards_and_swv_get_pooled_intervals(db):
    view = view_of(db, "total", None, "swv")
    rows = view.rows.set_index("group")
    # SWV-A = De Linde, De Eik, De Wilg: 3 + 12 + 9 = 24 meldingen of 480 pupils; Wilson p = 0,05,
    # z²/n = 0,0080031: centre 0,0535728, half 0,0197464 → 33,83 – 73,32 per 1.000
    assert rows.loc["SWV-A", "per_1000_low"] == pytest.approx(33.826, abs=0.01)
    assert rows.loc["SWV-A", "per_1000_high"] == pytest.approx(73.319, abs=0.01)
    assert rows.loc["SWV-A", "sy_total"] == 145 + 176 + 99  # the pupils' sums add up


# --- similar schools --------------------------------------------------------------------------


def test_similar_schools_need_five_others_and_say_where_they_are():
    schools = benchmark_rows()
    peers = q.similar_schools(schools, no_delays())
    peers.index = schools["name"]
    # School 1 (1 %): the 5 other small ones, (2100 − 100) / (60.000 − 10.000) = 4 %
    assert peers.loc["School 1", "schools"] == 5 and peers.loc["School 1", "formed"]
    assert peers.loc["School 1", "rate_total"] == pytest.approx(0.04)
    assert peers.loc["School 6", "rate_total"] == pytest.approx(1500 / 50000)
    assert peers.loc["School 1", "places"] == (("Buurgemeente", 3), ("Testgemeente", 2))
    assert peers.loc["School 4", "places"] == (("Testgemeente", 3), ("Buurgemeente", 2))
    # School 7 is the only middle one: no benchmark, no figure
    assert peers.loc["School 7", "schools"] == 0 and not peers.loc["School 7", "formed"]
    assert pd.isna(peers.loc["School 7", "rate_total"])
    # asking 6 others: the small ones have only 5
    strict = q.similar_schools(schools, no_delays(), minimum=6)
    assert not strict["formed"].any() and strict["rate_total"].isna().all()


def test_the_caption_names_the_number_of_schools_and_where_they_come_from():
    schools = benchmark_rows()
    peers = q.similar_schools(schools, no_delays())
    text = similar_caption(schools, peers)
    # the national register: 2.151 BAO locations in the class klein (nearest-rank thirds, 147 and 244)
    assert ("BAO, klein (≤ 147): 6 scholen in deze database (in 2 gemeenten: Buurgemeente 3, "
            "Testgemeente 3), per school de 5 andere; landelijk 2.151 BAO-vestigingen in deze klasse.") in text
    assert "Verzuimcijfers zijn er alleen van de scholen in deze database" in text
    assert "BAO, middel (148–244): geen vergelijkbare scholen genoeg — 1 school in deze database" in text


def test_national_locations_per_sector_and_class():
    labels = benchmark.national_bounds().labels()
    assert benchmark.national_bounds().counts == (2215, 2196, 2178)  # of the 6.589 locations
    assert [benchmark.national_locations("BAO", label) for label in labels] == [2151, 2075, 2092]
    assert benchmark.national_locations("VO", labels[0]) is None  # not in the primary-school register


# --- on screen ------------------------------------------------------------------------------


def test_the_chart_colours_only_clear_differences_and_starts_at_zero(db):
    view = view_of(db, "total", None)
    figure = FIGURES["rate_total"]
    points, municipal, hidden = comparison_points(view.rows, view.peers, view.total, figure)
    by_name = points.set_index("group")
    assert by_name.loc["De Wilg", "positie"] == "lager dan gemeente"
    assert by_name.loc["De Linde", "positie"] == "geen duidelijk verschil"
    assert by_name.loc["De Wilg", "interval"] == "0,32 – 1,01 %"
    for _, point in points.iterrows():  # the Done-when, on every point
        if point["low"] <= municipal <= point["high"]:
            assert point["positie"] in ("geen duidelijk verschil", "geen interval (niet getoetst)")
    spec = comparison_chart(points, municipal, view.total, figure, True, ChartStyle()).to_dict()
    scales = [layer["encoding"]["x"].get("scale", {}) for layer in spec["layer"] if "x" in layer["encoding"]]
    assert scales and all(scale.get("domain", [None])[0] == 0 and scale.get("zero") for scale in scales)
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in spec["layer"]]
    assert marks.count("rule") == 2  # the interval bars and the municipal line
    colours = [layer["encoding"]["color"]["scale"] for layer in spec["layer"] if "color" in layer.get("encoding", {})]
    assert all("#d62728" not in c["range"] and "#2ca02c" not in c["range"] for c in colours)


def test_the_table_shows_the_interval_and_the_verdict(db):
    view = view_of(db, "total", FIVE)
    figure = FIGURES["rate_total"]
    table = comparison_table(view.rows, "school", WINDOW, view.peers, figure, municipal=view.total).frame
    table = table.set_index("Naam")
    assert table.loc["De Wilg", "95%-interval van: Verzuim totaal (%)"] == pytest.approx(0.32, abs=0.005)
    assert table.loc["De Wilg", "95%-interval tot: Verzuim totaal (%)"] == pytest.approx(1.01, abs=0.005)
    assert table.loc["De Wilg", "Ten opzichte van gemeente"] == "lager dan gemeente"
    assert table.loc["De Linde", "Ten opzichte van gemeente"] == "geen duidelijk verschil"


def test_swv_codes_are_explained_and_names_are_left_alone():
    assert code_note("swv", "PO2201").startswith("PO2201: code van het samenwerkingsverband passend onderwijs")
    assert code_note("swv", "PO 22-01") != "" and code_note("swv", "VO 22.01") != ""
    assert code_note("swv", "Samenwerkingsverband Noord") == ""
    assert code_note("board", "41234").startswith("41234: bevoegd-gezagnummer")
    assert code_note("board", "Stichting Noord") == "" and code_note("school", "PO2201") == ""
