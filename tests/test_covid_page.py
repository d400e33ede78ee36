"""/covid per role (AppTest) on the hand-made municipality of fixtures/covid.py.

The figures expected on the page are the hand-worked values of test_covid_metrics:
closure 5 of 6 schools (83,3 %) against 3 of 6 (50,0 %); families 4 of 7 (57,1 %) against 4 of 6
(66,7 %); median 2 against 3,5 days; 2 never reached against 1; 2 of 18 contacts led to a concern
(11,1 %) against 1 of 8 (12,5 %).
"""
import pytest
from sqlalchemy import insert
from streamlit.testing.v1 import AppTest

from data_access.models import Period
from fixtures.covid import PERIODS, add_users

PAGE = "../pages/covid.py"


def open_page(username: str | None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    if username:
        at.session_state["lea_username"] = username
    return at.run()


def metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def table(at: AppTest, column: str):
    """The one table on the page with this column."""
    [frame] = [df.value for df in at.dataframe if column in df.value.columns]
    return frame


def all_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [m.label for m in at.metric]
    parts += [df.value.to_csv() for df in at.dataframe]
    return "\n".join(parts)


def test_leerplicht_sees_every_figure_against_its_baseline(covid_url, app_env):
    app_env(covid_url)
    at = open_page("leerplicht")
    assert not at.exception
    assert metrics(at) == {
        "Scholen gecontacteerd": ("83,3%", "+33,3 %-punt"),
        "Contacten per school per week": ("0,50", "+0,25"),
        "Gezinnen bereikt (jongeren in beeld)": ("57,1%", "-9,5 %-punt"),
        "Mediaan dagen tot eerste contact": ("2,0 dagen", "-1,5 dagen"),
        "Gezinnen nooit bereikt": ("2", "+1"),
        "Contacten die tot nieuwe zorg leidden": ("11,1%", "-1,4 %-punt"),
    }
    captions = [c.value for c in at.caption]
    assert "5 van 6 scholen · basis: 50,0% (3 van 6 scholen)" in captions
    assert "4 van 7 jongeren in beeld · basis: 66,7% (4 van 6 jongeren in beeld)" in captions
    markdown = "\n".join(m.value for m in at.markdown)
    assert "16-03-2020 t/m 29-03-2020 (2 schoolweken)" in markdown
    assert "24-02-2020 t/m 01-03-2020 en 09-03-2020 t/m 15-03-2020" in markdown


def test_leerplicht_sees_families_by_outcome_and_the_attempts_for_those_never_reached(covid_url, app_env):
    app_env(covid_url)
    at = open_page("leerplicht")
    outcome = table(at, "Uitkomst")
    assert outcome.values.tolist() == [["Bereikt", "4", "4"], ["Benaderd, nooit bereikt", "2", "1"],
                                       ["Niet benaderd", "1", "1"], ["Totaal open", "7", "6"]]
    attempts = table(at, "Kanaal")
    assert attempts.values.tolist() == [["Telefoon", "2", "1"], ["E-mail", "2", "0"], ["Brief", "1", "0"],
                                        ["Huisbezoek", "1", "0"]]


def test_comparison_table_and_newsletters(covid_url, app_env):
    app_env(covid_url)
    at = open_page("leerplicht")
    assert "**Eerste sluiting** · 16-03-2020 – 29-03-2020" in [m.value for m in at.markdown]
    comparison = table(at, "Maatstaf").set_index("Maatstaf")
    assert comparison.loc["Scholen gecontacteerd", ["In de periode", "Basis", "Verschil"]].tolist() == \
        ["83,3%", "50,0%", "+33,3 %-punt"]
    assert comparison.loc["Mediaan dagen tot eerste contact", "Verschil"] == "-1,5 dagen"
    mass = table(at, "Onderwerp")
    assert mass[["Periode", "Soort", "Onderwerp", "Aantal keer", "Scholen bereikt"]].values.tolist() == [
        ["Buiten de COVID-perioden, schooljaar 2019/20", "Nieuwsbrief", "Verzuimcodes", "1", "3"],
        ["Eerste sluiting", "Informatiebijeenkomst", "Noodopvang", "1", "–"],
        ["Eerste sluiting", "Nieuwsbrief", "Thuisonderwijs", "2", "6"]]


def test_lea_sees_school_figures_but_small_family_counts_are_hidden(covid_url, app_env):
    app_env(covid_url)
    at = open_page("lea")
    assert not at.exception
    shown = metrics(at)
    # schools are no people: the baseline of 3 of 6 schools is shown, and so is the difference
    assert shown["Scholen gecontacteerd"] == ("83,3%", "+33,3 %-punt")
    assert shown["Gezinnen bereikt (jongeren in beeld)"] == ("verborgen", "")
    assert shown["Mediaan dagen tot eerste contact"] == ("verborgen", "")
    assert shown["Gezinnen nooit bereikt"] == ("<5", "")
    assert shown["Contacten die tot nieuwe zorg leidden"] == ("verborgen", "")
    outcome = table(at, "Uitkomst")
    assert outcome["Periode"].tolist() == ["<5", "<5", "<5", "7"]
    assert set(table(at, "Kanaal")["Periode"]) == {"<5"}
    comparison = table(at, "Maatstaf").set_index("Maatstaf")
    assert comparison.loc["Scholen gecontacteerd", ["Basis", "Toelichting"]].tolist() == ["50,0%", ""]
    assert "kleiner dan 5" in comparison.loc["Gezinnen bereikt (jongeren in beeld)", "Toelichting"]
    assert comparison.loc["Gezinnen nooit bereikt", ["In de periode", "Basis", "Verschil"]].tolist() == ["<5", "<5", "–"]
    assert "lpa1" not in all_text(at)  # no officer names anywhere


@pytest.mark.parametrize("username", ["wethouder", "beheer"])
def test_other_roles_are_refused(covid_url, app_env, username):
    app_env(covid_url)
    at = open_page(username)
    assert [e.value for e in at.error] == ["U heeft geen toegang tot deze pagina."]
    assert not at.metric


def test_without_login_the_page_shows_nothing(covid_url, app_env):
    app_env(covid_url)
    at = open_page(None)
    assert not at.metric and not at.dataframe
    assert any("Log eerst in" in w.value for w in at.warning)


def test_baseline_after_the_period_without_data_says_so(covid_url, app_env):
    app_env(covid_url)
    at = open_page("leerplicht")
    at.selectbox(key="covid_direction").set_value("after").run()
    assert any("geen normale schoolweken met contactgegevens" in i.value for i in at.info)
    assert metrics(at)["Scholen gecontacteerd"] == ("83,3%", "")


def test_no_covid_periods_gives_a_clear_message(engine, sqlite_url, app_env):
    add_users(engine)
    app_env(sqlite_url)
    at = open_page("lea")
    assert not at.exception
    assert any("nog geen COVID-19-perioden" in i.value for i in at.info)


def test_an_unreachable_database_gives_a_dutch_error():
    def script():
        from sqlalchemy.exc import OperationalError

        from ui.covid import data as covid_data

        def broken():
            raise OperationalError("SELECT 1", {}, Exception("connection refused"))

        covid_data.load(broken)

    at = AppTest.from_function(script, default_timeout=30).run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "De database is op dit moment niet bereikbaar. Probeer het over enkele minuten opnieuw; "
        "blijft dit zo, neem dan contact op met de functioneel beheerder."]


def test_periods_without_any_contacts_give_a_clear_message_instead_of_zeros(engine, sqlite_url, app_env):
    with engine.begin() as conn:
        conn.execute(insert(Period), PERIODS)
    add_users(engine)
    app_env(sqlite_url)
    at = open_page("leerplicht")
    assert not at.exception and not at.metric
    assert any("nog geen contacten van leerplicht vastgelegd" in i.value for i in at.info)


def test_lea_can_switch_every_period_and_time_scale_without_errors(covid_url, app_env):
    """Every chart is drawn from the cached views; with every count hidden the panel says so."""
    app_env(covid_url)
    at = open_page("lea")
    for unit in ("week", "month"):
        at.segmented_control(key="covid_unit").set_value(unit).run()
        for index in range(len(at.selectbox(key="covid_period_PO").options)):
            at.selectbox(key="covid_period_PO").select_index(index).run()
            assert not at.exception
            assert at.get("vega_lite_chart") or any("Geen contacten om te tekenen" in i.value for i in at.info)
