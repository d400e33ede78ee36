"""/covid in a real browser on (a copy of) the demo municipality: an LEA member logs in through the
form, opens the page, and sees for the first closure (16-03-2020 until the schools fully opened
again on 08-06-2020) every school contacted and the family contact rate with its baseline.
Screenshots go to /tmp/lea-covid-*.png."""
from __future__ import annotations

from conftest import DEMO_PASSWORD, wait_ready
from data_access import periods
from data_access.db import make_engine
from data_access.queries import contacts
from ui import format as fmt

SHOTS = "/tmp/lea-covid-{}.png"
FIRST_CLOSURE = "Eerste schoolsluiting t/m Halve groepen (COVID-19) · 16-03-2020 t/m 07-06-2020"


def log_in(page, url: str, username: str) -> None:
    page.goto(url)
    wait_ready(page)
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    wait_ready(page)


def tile(page, label: str):
    return page.locator("[data-testid='stMetric']").filter(has_text=label)


def first_closure_report(url: str) -> contacts.PeriodReport:
    engine = make_engine(url)
    with engine.connect() as conn:
        [closure] = [p for p in periods.period_choices(conn, "PO") if p.start.isoformat() == "2020-03-16"
                     and p.end.isoformat() == "2020-06-07"]
        report = contacts.period_report(conn, closure, "PO", "before")
    engine.dispose()
    return report


def test_lea_sees_every_school_contacted_and_the_family_rate_against_its_baseline(
        demo_copy_url, streamlit_factory, page):
    expected = first_closure_report(demo_copy_url)
    schools = expected.metrics.schools
    assert expected.metrics.schools_contacted == schools > 0  # the demo's promise: every school called

    server = streamlit_factory(demo_copy_url)
    log_in(page, server.url, "lea")
    page.get_by_role("link", name="Contact tijdens COVID-19").click()
    page.get_by_role("heading", name="Contact tijdens COVID-19").wait_for(timeout=60_000)
    wait_ready(page)

    # the first closure, from closing to fully open, is the default choice
    chosen = page.locator("[data-testid='stSelectbox']").filter(has_text="Periode")
    assert FIRST_CLOSURE in (chosen.inner_text() + chosen.locator("input").first.input_value())
    assert "Periode: 16-03-2020 t/m 07-06-2020" in page.locator("[data-testid='stMarkdown']").filter(
        has_text="Periode:").first.inner_text()
    school_tile = tile(page, "Scholen gecontacteerd")
    assert "100,0%" in school_tile.inner_text()
    assert page.get_by_text(f"{schools} van {schools} scholen").is_visible()

    family = tile(page, "Gezinnen bereikt").inner_text()
    rate = fmt.percent(expected.metrics.family_contact_rate)
    baseline = fmt.percent(expected.baseline_metrics.family_contact_rate)
    assert rate in family and "t.o.v. basis" in family
    caption = (f"{expected.metrics.cases_reached} van {expected.metrics.cases_open} jongeren in beeld · "
               f"basis: {baseline}")
    assert page.get_by_text(caption).is_visible()
    page.screenshot(path=SHOTS.format("tiles"), full_page=True)

    # the charts render in the browser (the weekly panels, then the school × week heat map)
    charts = page.locator("[data-testid='stVegaLiteChart']:visible")
    charts.first.wait_for(timeout=30_000)
    assert charts.count() >= 2
    page.get_by_role("tab", name="Scholen per week").click()
    page.locator("[data-testid='stVegaLiteChart']:visible").first.wait_for(timeout=30_000)
    page.screenshot(path=SHOTS.format("heatmap"), full_page=True)
    assert page.locator("[data-testid='stException']").count() == 0
    assert "lpa" not in page.locator("[data-testid='stMain']").inner_text()  # no officer names
