"""What /jongeren says about its rows (issue 15): officers by their display name on every
table, an empty result that names the search and filters that caused it, and dates within
calendar.date_bounds. On the hand-made municipality of fixtures/work_queue.py (AppTest)."""
from __future__ import annotations

import datetime as dt

import pytest

from data_access.definitions import DEFAULTS
from data_access.definitions.calendar import date_bounds, reference_date_bounds
from data_access.queries.youths import FilterOptions, YouthFilters
from fixtures import work_queue
from fixtures.pages import open_page
from ui.text import plain
from ui.youths.filters import empty_cause, empty_list_text, empty_queue_text, settings_from_params

D = dt.date
ON_13_NOV = {"peildatum": "2020-11-13", "behandelaar": "*"}
OPTIONS = FilterOptions(schools={1: "De Esdoorn", 2: "Het *Baken*"}, swv_codes=("PO2201",), grades=(5, 6),
                        case_statuses=("geen zaak", "open"), routes=("route 1",),
                        officers={"leerplicht": "Lotte Leerplicht", "lpa2": "Piet Plicht"},
                        categories=("ongeoorloofd", "ziek"))


@pytest.fixture
def page(engine, sqlite_url, app_env):
    work_queue.build(engine)
    app_env(sqlite_url)

    def open_as(username: str, **params):
        at = open_page("jongeren.py", username, params=params)
        assert not at.exception
        return at

    return open_as


def table(at, first_column: str):
    return next(df.value for df in at.dataframe if df.value.columns[0] == first_column)


def infos(at) -> list[str]:
    return [i.value for i in at.info]


# --- officers by display name ------------------------------------------------------------------


def test_the_queue_and_the_list_name_officers_by_their_display_name(page):
    at = page("leerplicht", **ON_13_NOV)
    queue = table(at, "Reden").set_index("Pseudoniem")
    # P-DICHT-OP-DAG's (closed) case is lpa2's; P-GEEN has no case
    assert queue.loc["P-DICHT-OP-DAG", "Behandelaar"] == "Piet Plicht"
    assert queue.loc["P-GEEN", "Behandelaar"] in ("–", None)
    listed = table(at, "Pseudoniem").set_index("Pseudoniem")
    # P-ZAAK-DICHT's case is by "oud-lpa", who has no account: the username is all there is
    assert listed.loc["P-ZAAK", "Behandelaar"] == "Piet Plicht"
    assert listed.loc["P-ZAAK-DICHT", "Behandelaar"] == "oud-lpa"
    assert "lpa2" not in set(listed["Behandelaar"]) | set(queue["Behandelaar"])
    officer = at.selectbox(key="yf_officer")
    assert officer.options == ["iedereen", "ik", "oud-lpa", "Piet Plicht"]


def test_a_youths_file_names_officers_by_their_display_name(page):
    at = page("leerplicht", jongere="P-ZAAK", **ON_13_NOV)
    contacts = table(at, "Datum")
    assert contacts["Door"].tolist() == ["Piet Plicht", "oud-lpa"]  # 9 Nov by lpa2, 6 Nov by oud-lpa
    assert any("behandelaar Piet Plicht" in c.value for c in at.caption)
    assert table(at, "Tijd")["Gebruiker"].tolist() == ["Lotte Leerplicht"]  # who looked: the officer herself
    meldingen = table(page("lpa2", jongere="P-AFGEROND", **ON_13_NOV), "Gemeld op")
    assert meldingen["Behandelaar"].tolist() == ["Piet Plicht"]
    assert table(page("lpa2", jongere="P-BEHANDELING", **ON_13_NOV), "Gemeld op")["Behandelaar"].tolist() \
        == ["oud-lpa"]


# --- an empty result names its cause -------------------------------------------------------------


def test_an_empty_result_names_the_search_and_the_filters(page):
    at = page("leerplicht", school="1", signaal="ernstig", **ON_13_NOV)
    at.text_input(key="yf_search").input("xyz").run()
    assert not at.dataframe
    cause = "zoekterm ‘xyz’ en filters: school De Esdoorn, signaal ernstig (≥ 50%), peildatum 13-11-2020"
    assert infos(at) == [f"Geen jongeren gevonden voor {cause}, dus ook geen werkvoorraad.",
                         f"Geen jongeren gevonden voor {cause}. Wis de zoekterm of zet filters uit."]
    assert not any("werkvoorraad is leeg voor deze filters" in text for text in infos(at))


def test_an_empty_queue_beside_a_list_names_the_officer_filter(page):
    # lpa2's own open cases: P-ZAAK only (contact on 9 Nov, next action on 20 Nov): no open work
    at = page("lpa2", peildatum="2020-11-13", behandelaar="lpa2", zonder_behandelaar="0", status="open")
    assert infos(at)[0] == ("De werkvoorraad is leeg voor filters: behandelaar ik, zonder jongeren zonder zaak, "
                            "zaakstatus open, peildatum 13-11-2020: geen verlopen acties, signalen zonder zaak of "
                            "zaken zonder recent contact.")
    assert table(at, "Pseudoniem")["Pseudoniem"].tolist() == ["P-ZAAK"]


def test_the_search_text_is_shown_as_plain_text():
    search = "**vet** [klik](https://e.nl)"
    cause = empty_cause(YouthFilters(search=search), OPTIONS, "leerplicht", DEFAULTS)
    assert cause == f"zoekterm ‘{plain(search)}’"
    assert cause.startswith("zoekterm ‘\\*\\*vet\\*\\* \\[klik\\]")  # markdown escaped: shown as typed
    # a school name is text people typed, too
    assert empty_cause(YouthFilters(school_ids=(2,)), OPTIONS, "leerplicht", DEFAULTS) == \
        "filter: school Het \\*Baken\\*"


def test_every_filter_is_named_as_the_filter_bar_names_it():
    filters = YouthFilters(school_ids=(1, 2), swv_codes=("PO2201",), grades=(5,), age_min=8, signals=("16_uur",),
                           categories=("ongeoorloofd", "ziek"), case_statuses=("geen zaak",), routes=("route 1",),
                           officers=("lpa2",), include_unassigned=False, contact_older_than_days=14,
                           overdue_only=True)
    assert empty_cause(filters, OPTIONS, "leerplicht", DEFAULTS, D(2020, 11, 13)) == (
        "filters: behandelaar Piet Plicht, zonder jongeren zonder zaak, scholen De Esdoorn of Het \\*Baken\\*, "
        "samenwerkingsverband PO2201, groep/leerjaar 5, signaal 16 uur, verzuimcategorieën ongeoorloofd of ziek, "
        "zaakstatus geen zaak, MAS-route route 1, leeftijd 8–23, laatste contact ouder dan 14 dagen, "
        "alleen verlopen acties, peildatum 13-11-2020")
    assert empty_list_text(filters, "x") == ("Geen jongeren gevonden voor x. Zet filters uit of kies 'iedereen' "
                                             "als behandelaar.")
    assert empty_cause(YouthFilters(), OPTIONS, "leerplicht", DEFAULTS) == ""
    assert empty_queue_text("", False) == ("De werkvoorraad is leeg: geen verlopen acties, signalen zonder zaak "
                                           "of zaken zonder recent contact.")


# --- dates within bounds ---------------------------------------------------------------------------


def test_the_bounds_of_a_date_are_2000_up_to_a_year_ahead():
    assert date_bounds(D(2020, 11, 13)) == (D(2000, 1, 1), D(2021, 11, 13))
    assert date_bounds(D(2024, 2, 29)) == (D(2000, 1, 1), D(2025, 2, 28))
    # a reference date: nothing has been registered after today
    assert reference_date_bounds(D(2020, 11, 13)) == (D(2000, 1, 1), D(2020, 11, 13))


@pytest.mark.parametrize("text, accepted", [
    ("1900-01-01", False), ("1999-12-31", False), ("2000-01-01", True), ("2020-11-13", True),
    ("13-11-2020", False), ("morgen", False),
])
def test_a_reference_date_in_a_link_outside_the_bounds_gives_the_default(text, accepted):
    ignored: list[str] = []
    settings = settings_from_params({"peildatum": [text]}, D(2020, 11, 11), DEFAULTS, ignored)
    assert settings.today == (dt.date.fromisoformat(text) if accepted else D(2020, 11, 11))
    assert ignored == ([] if accepted else ["peildatum"])


def test_a_reference_date_after_today_gives_the_default():
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    ignored: list[str] = []
    assert settings_from_params({"peildatum": [tomorrow.isoformat()]}, D(2020, 11, 11), DEFAULTS,
                                ignored).today == D(2020, 11, 11)
    assert ignored == ["peildatum"]


def test_a_link_with_peildatum_1900_shows_the_default_date_and_says_why(page):
    today = dt.date.today().strftime("%d-%m-%Y")
    notice = (f"De peildatum ‘1900-01-01’ uit de link is niet gebruikt: een peildatum ligt tussen 01-01-2000 en "
              f"{today} (vandaag). De lijst toont de standaardpeildatum 11-11-2020.")
    at = page("leerplicht", peildatum="1900-01-01")
    assert notice in infos(at)
    assert any(c.value.startswith("Peildatum **11-11-2020** (de laatste verzuimregistratie") for c in at.caption)
    assert not any("1899" in c.value for c in at.caption)
    # a link straight to a youth's file says the same
    assert notice in infos(page("leerplicht", jongere="P-ZAAK", peildatum="1900-01-01"))


def test_a_reference_date_that_is_no_date_is_shown_as_plain_text(page):
    at = page("leerplicht", peildatum="![x](https://e.nl/a.png)")
    assert f"De peildatum ‘{plain('![x](https://e.nl/a.png)')}’ uit de link is niet gebruikt" in infos(at)[0]


def test_every_date_input_of_jongeren_stays_within_the_bounds(page):
    today = dt.date.today()
    earliest, latest = date_bounds(today)
    at = page("leerplicht", jongere="P-ZAAK", **ON_13_NOV)  # a file with an open case: every form
    bounds = {d.label: (d.min, d.max) for d in at.date_input}
    assert bounds == {
        "Datum": (earliest, today),  # a contact: not after today
        "Datum volgende actie": (earliest, latest),  # planned: at most a year ahead
        "Datum interventie": (dt.date(2020, 11, 6), today),  # within the case: from its opening (6 Nov), not after today
    }
    at = page("leerplicht", jongere="P-GEEN", **ON_13_NOV)  # no open case: the form to open one
    assert {d.label: (d.min, d.max) for d in at.date_input} == {
        "Datum": (earliest, today), "Geopend op": (earliest, today), "Datum volgende actie": (earliest, latest)}
    at = page("leerplicht", **ON_13_NOV)
    assert (at.date_input(key="yf_today").min, at.date_input(key="yf_today").max) == (earliest, today)
