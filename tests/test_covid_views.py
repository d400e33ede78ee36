"""The views of /covid (ui.covid.views: cached per filter values) on the hand-made municipality
of tests/fixtures/covid.py; tests/test_covid_metrics.py works out its figures by hand.

The page only sends what these views hold: tile texts, tables as st.dataframe gets them,
Vega-Lite specs with their rows. Every expected text and count below is written out by hand.
Replaces the comparisons with a copy of the rendering as it was before the views. Behaviours
those covered, and where they are stated now:
- tiles, windows text, family and attempts tables for leerplicht and, suppressed, for the other
  roles (``test_the_report_view_for_leerplicht``, ``test_the_report_view_hides_small_counts``);
- a baseline direction without data (``test_a_baseline_after_the_closure_without_data_says_so``);
- the comparison table and its sections (``test_the_comparison_view_per_period``);
- newsletters and sessions per period (``test_the_mass_contacts_view``);
- the charts over time per week and per month, each panel's rows, suppression of the bars
  (``test_contacts_over_time_per_week_and_month``);
- the heat map's texts per school and week (``test_the_heat_map_texts_per_school_and_week``);
- SQLite and PostgreSQL (the ``covid_db`` fixture), and new contacts after the cache is cleared
  (``test_views_follow_new_contacts_after_the_cache_is_cleared``).
"""
from __future__ import annotations

import json

import pyarrow as pa
import pytest
from sqlalchemy import insert

from data_access import aggregates, periods
from data_access.definitions import Suppressor
from data_access.models import Contact
from data_access.queries import contacts
from ui.covid import charts as covid_charts
from ui.covid import views as covid_views
from ui.covid.views import DownloadChart
from fixtures import covid as fixture

FIVE = Suppressor(5)
D = fixture.D
PERIOD = "**Eerste sluiting** · 16-03-2020 – 29-03-2020"


@pytest.fixture
def covid_db(covid_read_only, app_env):
    """The fixture on either database (built once per module, only read), the app pointed at it
    with its caches cleared; returns (engine, the closure's period row)."""
    app_env(covid_read_only.url.render_as_string(hide_password=False))
    with covid_read_only.connect() as conn:
        [closure] = periods.period_choices(conn, "PO")
    return covid_read_only, closure


@pytest.fixture
def closure(covid_db):
    return covid_db[1]


def table(shown) -> list[list]:
    """The rows st.dataframe gets (an Arrow table), as lists."""
    return shown.to_pandas().values.tolist()


def chart_rows(spec: dict) -> list[tuple]:
    """The bars a panel draws: (bucket, channel, contacts, reached) from the spec's own data."""
    rows = []
    for data in spec["datasets"].values():  # the bars, then the hidden marks: in time order again
        frame = pa.ipc.open_stream(data).read_all().to_pandas()
        if "bucket_label" in frame:
            rows += list(frame[["bucket_start", "bucket_label", "channel_label", "contacts_text", "reached_text"]]
                         .itertuples(index=False, name=None))
    return [row[1:] for row in sorted(rows, key=lambda row: row[0])]


def chart_hidden_rows(spec: dict) -> list[str]:
    """The reasons of the hidden marks a panel draws (its tooltip "Verborgen")."""
    reasons = []
    for data in spec["datasets"].values():
        frame = pa.ipc.open_stream(data).read_all().to_pandas()
        if "hidden" in frame:
            reasons += list(frame.loc[frame["hidden"], "reason"])
    return reasons


def test_the_report_view_for_leerplicht(closure):
    view = covid_views.report_view("PO", closure.key, "before", None)
    assert not view.no_contacts
    assert view.windows.markdown == (
        "**Periode:** 16-03-2020 t/m 29-03-2020 (2 schoolweken)  \n**Basis:** 2 normale schoolweken vóór de "
        "periode, zonder vakanties en andere sluitingen: 24-02-2020 t/m 01-03-2020 en 09-03-2020 t/m 15-03-2020")
    assert view.heatmap_range == (D(2020, 2, 24), D(2020, 3, 29))  # baseline start to closure end
    shown = [(t.label, t.value, t.delta, t.caption) for row in view.tiles for t in row]
    assert shown == [
        # 5 of 6 schools = 83,3 %; baseline 3 of 6 = 50 %
        ("Scholen gecontacteerd", "83,3%", "+33,3 %-punt", "5 van 6 scholen · basis: 50,0% (3 van 6 scholen)"),
        # 6 contacts / 6 schools / 2 weeks = 0,50; baseline 3 / 6 / 2 = 0,25
        ("Contacten per school per week", "0,50", "+0,25", "6 schoolcontacten · basis: 0,25 (3 schoolcontacten)"),
        # 4 / 7 = 57,1 %; baseline 4 / 6 = 66,7 %: −9,5 points
        ("Gezinnen bereikt (jongeren in beeld)", "57,1%", "-9,5 %-punt",
         "4 van 7 jongeren in beeld · basis: 66,7% (4 van 6 jongeren in beeld)"),
        # median of 0, 2, 2, 5 = 2; baseline median of 2, 3, 4, 8 = 3,5
        ("Mediaan dagen tot eerste contact", "2,0 dagen", "-1,5 dagen",
         "4 bereikte gezinnen · basis: 3,5 dagen (4 bereikte gezinnen)"),
        ("Gezinnen nooit bereikt", "2", "+1", "benaderd, maar niet bereikt · basis: 1"),  # K4, K5; baseline K4
        # 2 / 18 = 11,1 %; baseline 1 / 8 = 12,5 %
        ("Contacten die tot nieuwe zorg leidden", "11,1%", "-1,4 %-punt",
         "2 van 18 contacten · basis: 12,5% (1 van 8 contacten)"),
    ]
    assert table(view.families) == [["Bereikt", "4", "4"], ["Benaderd, nooit bereikt", "2", "1"],
                                    ["Niet benaderd", "1", "1"], ["Totaal open", "7", "6"]]
    # attempts on the never-reached: K4 phone 2, e-mail 1, letter 1, home visit 1; K5 e-mail 1;
    # baseline K4 phone 1
    assert table(view.attempts) == [["Telefoon", "2", "1"], ["E-mail", "2", "0"], ["Brief", "1", "0"],
                                    ["Huisbezoek", "1", "0"]]


def test_the_report_view_hides_small_counts(closure):
    """For every role but leerplicht, counts 1–4 of people read "<5" and a rate whose numerator or
    denominator is such a count is hidden; a difference with a hidden side is not shown. Schools
    and school contacts are the officers' own work: 3 of 6 schools and 3 school contacts in the
    baseline are shown, as leerplicht sees them."""
    view = covid_views.report_view("PO", closure.key, "before", FIVE)
    shown = [(t.value, t.delta, t.caption) for row in view.tiles for t in row]
    assert shown == [
        ("83,3%", "+33,3 %-punt", "5 van 6 scholen · basis: 50,0% (3 van 6 scholen)"),
        ("0,50", "+0,25", "6 schoolcontacten · basis: 0,25 (3 schoolcontacten)"),
        ("verborgen", None, "<5 van 7 jongeren in beeld · basis: verborgen (<5 van 6 jongeren in beeld)"),
        ("verborgen", None, "basis: verborgen"),  # fewer than 5 families reached
        ("<5", None, "benaderd, maar niet bereikt · basis: <5"),
        ("verborgen", None, "<5 van 18 contacten · basis: verborgen (<5 van 8 contacten)"),
    ]
    assert view.tiles[0][2].help.endswith("(verborgen: teller of noemer kleiner dan 5)")
    assert table(view.families) == [["Bereikt", "<5", "<5"], ["Benaderd, nooit bereikt", "<5", "<5"],
                                    ["Niet benaderd", "<5", "<5"], ["Totaal open", "7", "6"]]
    assert table(view.attempts) == [["Telefoon", "<5", "<5"], ["E-mail", "<5", "0"], ["Brief", "<5", "0"],
                                    ["Huisbezoek", "<5", "0"]]


def test_a_baseline_after_the_closure_without_data_says_so(closure):
    view = covid_views.report_view("PO", closure.key, "after", None)
    assert view.baseline.is_empty and view.heatmap_range == (D(2020, 3, 16), D(2020, 3, 29))
    assert view.windows.markdown.endswith("**Basis:** geen normale schoolweken met gegevens gevonden")
    assert view.windows.notice_kind == "info"
    assert [(t.value, t.delta, t.caption) for t in view.tiles[0][:2]] == [
        ("83,3%", None, "5 van 6 scholen · geen basis"), ("0,50", None, "6 schoolcontacten · geen basis")]


def test_the_comparison_view_per_period(covid_db):
    full = covid_views.comparison_view("PO", "before", None)
    assert [h for h, _ in full.sections] == [PERIOD]
    assert full.table[["Maatstaf", "In de periode", "Basis", "Verschil"]].values.tolist() == [
        ["Scholen gecontacteerd", "83,3%", "50,0%", "+33,3 %-punt"],
        ["Contacten per school per week", "0,50", "0,25", "+0,25"],
        ["Gezinnen bereikt (jongeren in beeld)", "57,1%", "66,7%", "-9,5 %-punt"],
        ["Mediaan dagen tot eerste contact", "2,0 dagen", "3,5 dagen", "-1,5 dagen"],
        ["Gezinnen nooit bereikt", "2", "1", "+1"],
        ["Contacten die tot nieuwe zorg leidden", "11,1%", "12,5%", "-1,4 %-punt"],
    ]
    assert set(full.table["Periode"]) == {"Eerste sluiting"} and set(full.table["Van – tot"]) == {
        "16-03-2020 – 29-03-2020"}
    # the section shows the rows without the period columns
    assert table(full.sections[0][1])[0] == ["Scholen gecontacteerd", "83,3%", "50,0%", "+33,3 %-punt", ""]
    hidden = covid_views.comparison_view("PO", "before", FIVE).table
    # schools and school contacts are no people: shown as leerplicht sees them, with the difference
    assert hidden[["In de periode", "Basis", "Verschil"]].values.tolist()[:3] == [
        ["83,3%", "50,0%", "+33,3 %-punt"], ["0,50", "0,25", "+0,25"], ["verborgen", "verborgen", "–"]]
    assert hidden["Toelichting"].iloc[3] == "verborgen: minder dan 5 bereikte gezinnen"


def test_the_mass_contacts_view(covid_db):
    full = covid_views.mass_contacts_view("PO", None)
    assert full.table[["Periode", "Soort", "Aantal keer", "Scholen bereikt", "Onderwerp"]].values.tolist() == [
        # 10-02: one newsletter to S1, S2, S3, outside the closure
        ["Buiten de COVID-perioden, schooljaar 2019/20", "Nieuwsbrief", "1", "3", "Verzuimcodes"],
        ["Eerste sluiting", "Informatiebijeenkomst", "1", "–", "Noodopvang"],  # a session reaches no school
        # 19-03 to S1–S6 and 26-03 to S1, S2: 2 newsletters, 6 schools (V1's is secondary)
        ["Eerste sluiting", "Nieuwsbrief", "2", "6", "Thuisonderwijs"],
    ]
    assert table(full.shown) == full.table.values.tolist()
    # newsletters, sessions and the schools they reached are the officers' own work: the LEA
    # member sees them as leerplicht does
    assert covid_views.mass_contacts_view("PO", FIVE).table.values.tolist() == full.table.values.tolist()


def test_contacts_over_time_per_week_and_month(covid_db):
    baseline = covid_views.report_view("PO", covid_db[1].key, "before", None).baseline
    week = covid_views.over_time_view("PO", "week", None, baseline)
    assert not week.empty
    assert [(p.target, p.title, p.has_rows) for p in week.panels] == [
        ("school", "Contacten met scholen per week", True), ("family", "Contacten met gezinnen per week", True),
        ("youth", "Contacten met jongeren per week", True)]
    family = dict(zip(("school", "family", "youth"), week.panels))["family"]
    assert chart_rows(family.spec) == [
        ("week 9 (24-02-2020)", "Telefoon", "1", "1"), ("week 9 (24-02-2020)", "Brief", "1", "1"),  # K1, K8
        ("week 10 (02-03-2020)", "Telefoon", "1", "1"),  # K4 in the holiday week still shows in the chart
        ("week 11 (09-03-2020)", "Telefoon", "2", "1"),  # K5 reached, K4 not
        # K1, K2, K3 twice, K4 twice, K10: 7 calls, 4 reached (K1, K2, K3 on the 18th, K10)
        ("week 12 (16-03-2020)", "Telefoon", "7", "4"), ("week 12 (16-03-2020)", "E-mail", "1", "0"),
        ("week 13 (23-03-2020)", "E-mail", "1", "0"), ("week 13 (23-03-2020)", "Brief", "1", "0"),
        ("week 13 (23-03-2020)", "Huisbezoek", "1", "0"),
        ("week 14 (30-03-2020)", "Telefoon", "1", "1"),  # K7 after the closure
    ]
    hidden = covid_views.over_time_view("PO", "week", FIVE, baseline)
    panels = dict(zip(("school", "family", "youth"), hidden.panels))
    # contacts with schools are the officers' own work: the LEA member sees every bar leerplicht sees
    assert chart_rows(panels["school"].spec) == chart_rows(week.panels[0].spec)
    assert not any(chart_hidden_rows(panels["school"].spec))
    # contacts with families count families: per week all channels together, and a week with
    # 1–4 of them is a hidden mark, not a gap; only week 12 (7 calls + 1 e-mail = 8) is a bar,
    # its 4 reached read "<5"
    assert chart_rows(panels["family"].spec) == [
        ("week 9 (24-02-2020)", "verborgen (<5)", "<5", "<5"),  # 2 contacts, 2 reached
        ("week 10 (02-03-2020)", "verborgen (<5)", "<5", "<5"),
        ("week 11 (09-03-2020)", "verborgen (<5)", "<5", "<5"),
        ("week 12 (16-03-2020)", "Alle kanalen samen", "8", "<5"),
        ("week 13 (23-03-2020)", "verborgen (<5)", "<5", "0"),  # 3 contacts, none reached
        ("week 14 (30-03-2020)", "verborgen (<5)", "<5", "<5"),
    ]
    assert (panels["family"].shown_buckets, panels["family"].hidden_buckets) == (1, 5)
    assert panels["family"].mostly_hidden and not panels["family"].all_hidden
    # youths: one call in week 11 (K6) and one home visit in week 13 (K2): every week hidden
    assert [r[:3] for r in chart_rows(panels["youth"].spec)] == [
        ("week 11 (09-03-2020)", "verborgen (<5)", "<5"), ("week 13 (23-03-2020)", "verborgen (<5)", "<5")]
    assert panels["youth"].all_hidden
    assert chart_hidden_rows(panels["youth"].spec) == [
        "minder dan 5 contacten met gezinnen of jongeren; zo'n klein aantal kan naar personen herleidbaar zijn"] * 2
    month = covid_views.over_time_view("PO", "month", FIVE, baseline)
    assert month.panels[0].title == "Contacten met scholen per maand"
    # school calls in March: S4 03-03, S2 10-03, S3 11-03, S1 17-03, S4 20-03, S1 24-03 = 6, all reached
    assert ("maart 2020", "Telefoon", "6", "6") in chart_rows(month.panels[0].spec)
    # the youths' two contacts are both in March: per month every bucket is hidden too
    assert chart_rows(month.panels[2].spec) == [("maart 2020", "verborgen (<5)", "<5", "<5")]
    assert month.panels[2].all_hidden


def test_the_heat_map_texts_per_school_and_week(covid_db):
    engine, closure = covid_db
    with engine.connect() as conn:
        grid = contacts.heatmap_grid(conn, "PO", D(2020, 2, 24), D(2020, 3, 29))
    data = covid_charts.heatmap_data(grid).set_index(["school", "week_label"])
    texts = data[["recency", "last_text"]]

    def at(school, week):
        return tuple(texts.loc[(f"Basisschool {school}", week)])

    assert len(data) == 6 * 5  # the six schools in scope × the weeks of 24-02 … 23-03
    assert at("Het Anker", "week 9 (24-02-2020)") == ("Deze week", "week 9 (24-02-2020)")
    assert at("Het Anker", "week 10 (02-03-2020)") == ("1 week geleden", "week 9 (24-02-2020)")
    assert at("Het Anker", "week 11 (09-03-2020)") == ("2–3 weken geleden", "week 9 (24-02-2020)")
    # De Eik's call of 05-02 lies 3 weeks before the week of 24-02, 5 weeks before 09-03
    assert at("De Eik", "week 9 (24-02-2020)") == ("2–3 weken geleden", "week 6 (03-02-2020)")
    assert at("De Eik", "week 11 (09-03-2020)") == ("4–7 weken geleden", "week 6 (03-02-2020)")
    # De Duinen's call of 03-03 in the holiday week counts for the heat map
    assert at("De Duinen", "week 10 (02-03-2020)") == ("Deze week", "week 10 (02-03-2020)")
    # De Fontein had newsletters only: no school contact in the 26 weeks looked back on
    assert at("De Fontein", "week 12 (16-03-2020)") == ("Geen schoolcontact bekend", "geen in de 26 weken ervoor")
    heatmap = covid_views.heatmap_view("PO", closure, D(2020, 2, 24), D(2020, 3, 29))
    assert not heatmap.empty and heatmap.spec is not None


def test_views_follow_new_contacts_after_the_cache_is_cleared(engine, sqlite_url, app_env):
    """An import clears the caches; the views then show the new contacts."""
    fixture.build(engine)
    app_env(sqlite_url)
    with engine.connect() as conn:
        [closure] = periods.period_choices(conn, "PO")
    before = covid_views.report_view("PO", closure.key, "before", None)
    assert before.tiles[0][0].value == "83,3%"  # 5 of 6 schools
    with engine.begin() as conn:  # a call to every school on 18-03, S6 among them
        conn.execute(insert(Contact), [
            fixture._contact(D(2020, 3, 18), "school", "phone", school=school)
            for school in (fixture.S1, fixture.S2, fixture.S3, fixture.S4, fixture.S5, fixture.S6)])
        aggregates.refresh_contacts(conn)
    assert covid_views.report_view("PO", closure.key, "before", None) == before  # cached
    app_env(sqlite_url)  # clears the caches, as an import does
    after = covid_views.report_view("PO", closure.key, "before", None)
    # 6 of 6 schools; 6 + 6 = 12 contacts / 6 schools / 2 weeks = 1,00
    assert [(t.value, t.caption) for t in after.tiles[0][:2]] == [
        ("100,0%", "6 van 6 scholen · basis: 50,0% (3 van 6 scholen)"),
        ("1,00", "12 schoolcontacten · basis: 0,25 (3 schoolcontacten)")]
    week = covid_views.over_time_view("PO", "week", None, after.baseline)
    # week 12: calls S1 17-03, S4 20-03 and the six new ones = 8; the e-mail to S2 stays 1
    assert ("week 12 (16-03-2020)", "Telefoon", "8", "8") in chart_rows(week.panels[0].spec)


def test_download_json_is_a_vega_lite_chart(closure):
    view = covid_views.report_view("PO", closure.key, "before", None)
    spec = json.loads(DownloadChart(covid_views.heatmap_view("PO", closure, *view.heatmap_range)).to_json())
    assert spec["width"] == 900 and spec["autosize"] == {"type": "pad"}
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
