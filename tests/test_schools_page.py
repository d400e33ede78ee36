"""The /scholen page per role (AppTest) on the hand-made fixtures of tests/fixtures/schools.py and
tests/fixtures/pilot.py; expected figures worked out by hand in test_schools_queries and
test_schools_pilot and repeated here."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy.exc import OperationalError
from streamlit.testing.v1 import AppTest

from fixtures.pages import COMPARISON, PILOT, REGISTRATION, make_db, table_with
from fixtures.pilot import build_pilot_fixture
from fixtures.schools import WINDOW_OPTION  # 15 school days, 82,5 h per pupil
from fixtures.schools import build_fixture

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "scholen.py")


@pytest.fixture
def fixture_url(tmp_path, app_env):
    return app_env(make_db(tmp_path / "scholen.sqlite", build_fixture))


@pytest.fixture
def pilot_url(tmp_path, app_env):
    return app_env(make_db(tmp_path / "pilot.sqlite", build_pilot_fixture))


def open_page(role: str, tab: str | None = None, **state) -> AppTest:
    """Render the page as ``role`` with ``tab`` open (only the open tab runs)."""
    at = AppTest.from_file(PAGE, default_timeout=90)
    at.session_state["lea_username"] = role
    if tab:
        at.session_state["weergave"] = tab
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def no_errors(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


# --- suppression per role ------------------------------------------------------------------


def test_a_school_with_3_meldingen_shows_less_than_5_to_lea(fixture_url):
    at = open_page("lea", COMPARISON)
    no_errors(at)
    table = table_with(at, "Meldingen")
    assert table.loc["De Linde", "Meldingen"] == "<5"
    assert table.loc["Het Baken", "Meldingen"] == "•"   # 6: hidden too, so the total cannot tell
    assert table.loc["De Eik", "Meldingen"] == "13"
    assert table.loc["Gemeente (alle scholen)", "Meldingen"] == "31"
    assert "kleiner dan 5" in table.loc["De Linde", "Verborgen (reden)"]
    assert table["Meldingen per 1.000"].isna()["De Linde"]


def test_leerplicht_sees_the_3_meldingen(fixture_url):
    at = open_page("leerplicht", COMPARISON)
    no_errors(at)
    table = table_with(at, "Meldingen")
    assert table.loc["De Linde", "Meldingen"] == "3"
    assert table.loc["Het Baken", "Meldingen"] == "6"
    assert table.loc["De Linde", "Meldingen per 1.000"] == pytest.approx(30.0)   # 3 / 100 × 1.000
    assert table.loc["De Linde", "Verborgen (reden)"] == ""


def test_portefeuillehouder_sees_the_suppressed_page_and_beheer_is_refused(fixture_url):
    at = open_page("portefeuillehouder", COMPARISON)
    no_errors(at)
    assert table_with(at, "Meldingen").loc["De Linde", "Meldingen"] == "<5"
    refused = open_page("beheer")
    assert any("geen toegang" in e.value for e in refused.error)
    assert not refused.dataframe


# --- the figures on the page equal the hand calculation -------------------------------------


def test_comparison_for_a_named_period_matches_the_hand_calculation(fixture_url):
    at = open_page("leerplicht", COMPARISON, schools_comparison_window=WINDOW_OPTION)
    no_errors(at)
    assert any("Gedeeltelijke sluiting (fictief)" in s.value for s in at.subheader)
    table = table_with(at, "Grootte")
    # De Linde: 145 h / (100 × 82,5 h) = 1,758 %; municipality: 760 / 72.600 = 1,047 %
    assert table.loc["De Linde", "Verzuim totaal (%)"] == pytest.approx(1.758)
    assert table.loc["De Linde", "Ziek (%)"] == pytest.approx(1.2)                 # 99 / 8.250
    assert table.loc["Gemeente (alle scholen)", "Verzuim totaal (%)"] == pytest.approx(1.047)
    assert table.loc["De Eik", "Meldingen per 1.000"] == pytest.approx(60.0)       # 12 / 200
    assert table.loc["De Eik", "Meldtrouw (%)"] == pytest.approx(60.0)             # 6 of 10 within 5 days
    assert table.loc["Het Baken", "Meldtrouw (%)"] == pytest.approx(33.33)         # 2 of 6
    assert table.loc["De Linde", "Mediaan schooldagen tot melding"] == 5.0         # 2, 5, 9
    assert table.loc["De Linde", "Bekende code (%)"] == pytest.approx(92.41)       # 134 / 145
    # De Eik's only similar school (BAO, middel 148–244) is De Wilg: fewer than 5, so no benchmark
    assert pd.isna(table.loc["De Eik", "Vergelijkbare scholen: Verzuim totaal (%)"])
    assert table.loc["De Eik", "Aantal vergelijkbare scholen"] == 1
    assert table.loc["De Linde", "Aantal vergelijkbare scholen"] == 0
    assert any("BAO, middel (148–244): geen vergelijkbare scholen genoeg — 2 scholen in deze database (alle in Testgemeente)" in c.value
               for c in at.caption)
    # the chart's rate with its interval over pupils: De Wilg 0,32 – 1,01 %, below 1,047 %
    assert table.loc["De Wilg", "95%-interval van: Verzuim totaal (%)"] == pytest.approx(0.32, abs=0.005)
    assert table.loc["De Wilg", "95%-interval tot: Verzuim totaal (%)"] == pytest.approx(1.01, abs=0.005)
    assert table.loc["De Wilg", "Ten opzichte van gemeente"] == "lager dan gemeente"
    assert table.loc["De Linde", "Ten opzichte van gemeente"] == "geen duidelijk verschil"
    assert table.loc["De Linde", "Leerlingen"] == "100"


def test_compliance_window_is_set_on_the_page(fixture_url):
    at = open_page("leerplicht", COMPARISON, schools_comparison_window=WINDOW_OPTION)
    at.number_input(key="schools_compliance_days").set_value(7).run()
    no_errors(at)
    table = table_with(at, "Grootte")
    assert table.loc["De Eik", "Meldtrouw (%)"] == pytest.approx(70.0)       # 0,1,1,2,3,4,6 of 10
    assert table.loc["Het Baken", "Meldtrouw (%)"] == pytest.approx(66.67)   # 1,3,7,7 of 6


def test_roll_up_to_boards(fixture_url):
    at = open_page("leerplicht", COMPARISON, schools_comparison_window=WINDOW_OPTION, schools_comparison_level="board")
    no_errors(at)
    table = table_with(at, "Scholen")
    # Stichting Noord = De Linde + De Eik: (145 + 176) / (8.250 + 16.500) = 1,297 %; 15 / 300 → 50
    assert table.loc["Stichting Noord", "Verzuim totaal (%)"] == pytest.approx(1.297)
    assert table.loc["Stichting Noord", "Meldingen per 1.000"] == pytest.approx(50.0)
    assert table.loc["Stichting Noord", "Scholen"] == "2"
    assert table.loc["Stichting Zuid", "Verzuim totaal (%)"] == pytest.approx(0.917)  # 439 / 47.850


def test_persistent_absence_for_the_school_year(fixture_url):
    at = open_page("leerplicht", COMPARISON)
    table = table_with(at, "Langdurig verzuim (%)")
    # ≥ 27,5 h of 275 possible hours to date: De Linde 2 of 100, De Eik 6 of 200
    assert table.loc["De Linde", "Langdurig verzuim (%)"] == pytest.approx(2.0)
    assert table.loc["De Eik", "Langdurig verzuim (%)"] == pytest.approx(3.0)
    assert table.loc["De Eik", "Langdurig verzuim (leerlingen)"] == "6"


def test_registration_view_per_school(fixture_url):
    at = open_page("leerplicht", REGISTRATION, schools_registration_window=WINDOW_OPTION)
    no_errors(at)
    table = table_with(at, "Dagen achter op nieuwste registratie")
    assert table.loc["De Eik", "Meldtrouw (%)"] == pytest.approx(60.0)
    assert table.loc["De Eik", "Mediaan schooldagen tot melding"] == 2.5
    assert table.loc["Gemeente (alle scholen)", "Mediaan schooldagen tot melding"] == 3.5
    assert table.loc["De Linde", "Laatste registratie"] == "30-10-2020"


def test_only_the_open_tab_runs(fixture_url):
    at = open_page("lea")  # Trends open by default: no comparison table yet
    no_errors(at)
    assert any(s.value == "Verzuim per maand — Testgemeente" for s in at.subheader)
    assert not at.dataframe
    at = open_page("lea", COMPARISON)
    assert table_with(at, "Meldingen") is not None
    assert not any(s.value.startswith("Verzuim per maand") for s in at.subheader)


def test_trends_for_chosen_schools_and_for_the_municipality(fixture_url):
    at = open_page("lea")
    assert any(s.value == "Verzuim per maand — Testgemeente" for s in at.subheader)
    # the fixture's last registered day is Fri 30 Oct 2020, inside school year 2020/21: the
    # figures say up to which day they run
    assert any(c.value.startswith("Cijfers t/m 30-10-2020: de laatste dag waarop geregistreerd is.")
               for c in at.caption)
    at = open_page("lea", schools_scope="schools", schools_scope_schools=["De Linde", "De Eik"])
    no_errors(at)
    assert any(s.value == "Verzuim per maand — De Linde, De Eik" for s in at.subheader)
    nobody = open_page("lea", schools_scope="schools", schools_scope_schools=[])
    assert any("Kies een of meer scholen" in i.value for i in nobody.info)


def test_the_trends_tab_has_an_unauthorised_panel_and_says_when_no_category_is_chosen(fixture_url):
    at = open_page("lea")
    no_errors(at)
    panel = [m.value for m in at.markdown if m.value.startswith("**Ongeoorloofd verzuim, luxeverzuim en te laat**")]
    assert len(panel) == 1 and "eigen schaal" in panel[0]
    assert len(at.get("arrow_vega_lite_chart")) + len(at.get("vega_lite_chart")) == 2  # the total and the panel
    nothing = open_page("lea", schools_trend_categories=[])
    no_errors(nothing)
    assert any("Geen categorie gekozen" in i.value for i in nothing.info)
    assert len(nothing.get("arrow_vega_lite_chart")) + len(nothing.get("vega_lite_chart")) == 0  # not all categories


# --- pilot ---------------------------------------------------------------------------------


def test_pilot_effect_in_two_sentences(pilot_url):
    at = open_page("lea", PILOT)
    no_errors(at)
    texts = [m.value for m in at.markdown]
    compliance = next(t for t in texts if t.startswith("Bij de pilotscholen ging de meldtrouw"))
    assert "van 50,0% vóór de pilot naar 90,0% tijdens de pilot, bij de overige scholen van 50,0% naar 60,0%." in compliance
    assert "+30,0 procentpunt (95%-interval +" in compliance
    assert "waarschijnlijk geen toeval" in compliance
    meldingen = next(t for t in texts if t.startswith("Bij de pilotscholen ging het aantal meldingen"))
    assert "van 20,0 vóór de pilot naar 50,0 tijdens de pilot, bij de overige scholen van 20,0 naar 30,0." in meldingen
    assert "+20,0 meldingen per 1.000 leerlingen (95%-interval +20,0 tot +20,0)" in meldingen


def test_no_pilot_schools_says_so(fixture_url):
    at = open_page("lea", PILOT)
    assert any("geen pilotscholen" in i.value for i in at.info)


# --- meeting mode, empty database, unreachable database -------------------------------------


def test_meeting_mode_hides_downloads_and_explanations(fixture_url):
    at = open_page("lea", COMPARISON)
    assert at.get("download_button") and at.caption
    at.toggle(key="schools_meeting").set_value(True).run()
    no_errors(at)
    assert not at.get("download_button")
    assert not at.caption
    assert any("stSidebar" in m.value for m in at.markdown)  # the projector CSS
    assert at.table  # the comparison as a large static table
    at.toggle(key="schools_meeting").set_value(False).run()
    assert at.get("download_button")


def test_an_empty_database_gets_a_dutch_message(tmp_path, app_env):
    app_env(make_db(tmp_path / "leeg.sqlite"))
    at = open_page("lea")
    no_errors(at)
    assert any("nog geen scholen" in i.value for i in at.info)


def test_database_failure_shows_a_dutch_error(fixture_url, monkeypatch):
    from data_access.queries import schools

    def unreachable(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(schools, "school_comparison", unreachable)
    at = open_page("lea", COMPARISON)
    assert not at.exception
    assert any("database is op dit moment niet bereikbaar" in e.value for e in at.error)


def test_a_school_with_doubtful_registration_is_greyed_out_of_the_ranking_with_its_reason(fixture_url):
    at = open_page("lea", COMPARISON)
    no_errors(at)
    table = table_with(at, "Registratiekwaliteit")
    # De Linde: 11 of its 145 absence hours carry an unknown code (7,6 % > 5 %); Het Baken reported 2
    # of its 6 signals on time (33 % < 50 %, at least 5 signals); De Eik and De Wilg neither
    assert "onbekende code" in table.loc["De Linde", "Registratiekwaliteit"]
    assert table.loc["Het Baken", "Registratiekwaliteit"].startswith("meldtrouw 2 van 6 signalen")
    assert table.loc["De Eik", "Registratiekwaliteit"] == table.loc["De Wilg", "Registratiekwaliteit"] == ""
    # moved below the schools that can be compared
    assert set(list(table.index)[-2:]) == {"De Linde", "Het Baken"}
