"""/covid in a real browser on (a copy of) the demo municipality: an LEA member logs in through the
form, opens the page, and sees for the first closure (16-03-2020 until the schools fully opened
again on 08-06-2020) every school contacted and the family contact rate with its baseline.
Screenshots go to /tmp/lea-covid-*.png."""
from __future__ import annotations

from playwright.sync_api import expect

from conftest import log_in, wait_ready
from data_access import periods
from data_access.db import make_engine
from data_access.definitions import Suppressor
from data_access.queries import contacts
from ui import format as fmt

FIVE = Suppressor(5)  # the default threshold

SHOTS = "/tmp/lea-covid-{}.png"
FIRST_CLOSURE = "Eerste schoolsluiting t/m Halve groepen (COVID-19) · 16-03-2020 t/m 07-06-2020"




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


def open_covid_page(page, url: str, username: str) -> None:
    log_in(page, url, username)
    page.get_by_role("link", name="Contact tijdens COVID-19").click()
    page.get_by_role("heading", name="Contact tijdens COVID-19").wait_for(timeout=60_000)
    wait_ready(page)


def assert_first_closure_with_every_school_contacted(page, expected: contacts.PeriodReport) -> None:
    schools = expected.metrics.schools
    # the first closure, from closing to fully open, is the default choice
    chosen = page.locator("[data-testid='stSelectbox']").filter(has_text="Periode")
    assert FIRST_CLOSURE in (chosen.inner_text() + chosen.locator("input").first.input_value())
    expect(page.locator("[data-testid='stMarkdown']").filter(has_text="Periode:").first).to_contain_text(
        "Periode: 16-03-2020 t/m 07-06-2020")
    expect(tile(page, "Scholen gecontacteerd")).to_contain_text("100,0%")
    expect(page.get_by_text(f"{schools} van {schools} scholen")).to_be_visible()


def test_the_first_closure_shows_every_school_contacted_and_the_family_rate_with_its_baseline(
        demo_copy_url, streamlit_factory, page, browser):
    expected = first_closure_report(demo_copy_url)
    assert expected.metrics.schools_contacted == expected.metrics.schools > 0  # the demo: every school called
    server = streamlit_factory(demo_copy_url)

    # the compulsory-education officer sees every figure unsuppressed
    open_covid_page(page, server.url, "leerplicht")
    assert_first_closure_with_every_school_contacted(page, expected)
    m, b = expected.metrics, expected.baseline_metrics
    expect(tile(page, "Gezinnen bereikt")).to_contain_text(fmt.percent(m.family_contact_rate))
    expect(tile(page, "Gezinnen bereikt")).to_contain_text("t.o.v. basis")
    expect(page.get_by_text(f"{m.cases_reached} van {m.cases_open} jongeren in beeld · basis: "
                            f"{fmt.percent(b.family_contact_rate)} ({b.cases_reached} van {b.cases_open} "
                            "jongeren in beeld)")).to_be_visible()
    page.screenshot(path=SHOTS.format("leerplicht"), full_page=True)

    # the LEA member sees the same page with small cells suppressed
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nl-NL")
    lea = context.new_page()
    open_covid_page(lea, server.url, "lea")
    assert_first_closure_with_every_school_contacted(lea, expected)
    shown = contacts.figures(m, suppressor=FIVE)["family_rate"]
    expect(tile(lea, "Gezinnen bereikt")).to_contain_text(
        fmt.percent(shown.value) if shown.value is not None else "verborgen")
    lea.screenshot(path=SHOTS.format("lea"), full_page=True)

    # the charts render in the browser (the weekly panels, then the school × week heat map)
    charts = lea.locator("[data-testid='stVegaLiteChart']:visible")
    charts.first.wait_for(timeout=30_000)
    assert charts.count() >= 2
    lea.get_by_role("tab", name="Scholen per week").click()
    lea.locator("[data-testid='stVegaLiteChart']:visible").first.wait_for(timeout=30_000)
    lea.screenshot(path=SHOTS.format("heatmap"), full_page=True)
    assert lea.locator("[data-testid='stException']").count() == 0
    assert "lpa" not in lea.locator("[data-testid='stMain']").inner_text()  # no officer names
    context.close()
