"""/covid in a real browser on (a copy of) the demo municipality: an LEA member logs in through the
form, opens the page, and sees for the first closure (16-03-2020 until the schools fully opened
again on 08-06-2020) every school contacted and the family contact rate with its baseline.
Screenshots go to /tmp/lea-covid-*.png."""
from __future__ import annotations

import datetime as dt
import io
import re

from PIL import Image
from playwright.sync_api import expect

from conftest import log_in, wait_ready
from data_access import periods
from data_access.db import make_engine
from data_access.definitions import Suppressor
from data_access.queries import contacts
from ui import format as fmt
from ui.covid.charts import CHANNEL_COLOURS, HIDDEN_COLOUR

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


# --- issue 15: what is counted decides what is hidden, and hidden is drawn as hidden ----------

TOOLTIP = "#vg-tooltip-element"
WEEK_DATE = re.compile(r"week \d+ \((\d\d)-(\d\d)-(\d{4})\)")


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


def columns_with_colour(chart, colour: str) -> list[tuple[int, int]]:
    """(x, y) in the chart element, one per run of pixel columns drawn in exactly ``colour`` (the
    charts are canvas: the marks are found in a screenshot of the element)."""
    image = Image.open(io.BytesIO(chart.screenshot())).convert("RGB")
    target, (width, height) = rgb(colour), image.size
    pixels = image.load()
    hits = {}
    for x in range(width):
        ys = [y for y in range(height) if pixels[x, y] == target]
        if ys:
            hits[x] = ys[len(ys) // 2]
    runs, previous = [], None
    for x in sorted(hits):
        if previous is None or x != previous + 1:
            runs.append([])
        runs[-1].append(x)
        previous = x
    return [(run[len(run) // 2], hits[run[len(run) // 2]]) for run in runs]


def tooltip_at(page, chart, x: int, y: int) -> str:
    box = chart.bounding_box()
    page.mouse.move(box["x"] + x, box["y"] + y)
    tooltip = page.locator(TOOLTIP)
    try:
        tooltip.filter(has_text="Week").wait_for(state="visible", timeout=3_000)
    except Exception:  # no mark under the pointer (an edge pixel): read nothing
        return ""
    return tooltip.inner_text()


def in_closure(day: dt.date, closures) -> bool:
    return any(p.start <= day <= p.end for p in closures)


def test_lea_sees_school_contacts_in_normal_weeks_and_hidden_family_weeks_marked(streamlit_factory, demo_url,
                                                                                   page):
    engine = make_engine(demo_url)
    with engine.connect() as conn:
        closures = periods.covid_periods(conn, "PO")
    engine.dispose()
    server = streamlit_factory(demo_url)
    page.set_viewport_size({"width": 1440, "height": 2400})
    open_covid_page(page, server.url, "lea")
    charts = page.locator("[data-testid='stVegaLiteChart']:visible")
    charts.nth(1).locator("canvas, svg").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1_000)  # let Vega finish drawing before reading pixels
    school, family = charts.nth(0), charts.nth(1)

    # school contacts (phone calls, the commonest channel) are bars outside the closures too, with
    # their small weekly counts written out, as leerplicht sees them
    normal_small = []
    for x, y in columns_with_colour(school, CHANNEL_COLOURS["Telefoon"]):
        text = tooltip_at(page, school, x, y)
        found = WEEK_DATE.search(text)
        count = re.search(r"Contacten\s+(\S+)", text)
        if found and count and not in_closure(dt.date(*map(int, found.groups()[::-1])), closures):
            assert count.group(1) != FIVE.marker, text
            if count.group(1).isdigit() and int(count.group(1)) < 5:
                normal_small.append(text)
        if len(normal_small) >= 2:
            break
    assert normal_small, "geen schoolcontact met een klein aantal in een normale week gevonden"

    # a hidden week of contacts with families is a grey mark whose tooltip gives the reason
    marks = columns_with_colour(family, HIDDEN_COLOUR)
    assert marks, "geen verborgen week getekend"
    texts = [tooltip_at(page, family, x, y) for x, y in marks[:6]]
    hidden = [t for t in texts if "Verborgen" in t]
    assert hidden and all("<5" in t and "minder dan 5 contacten met gezinnen of jongeren" in t for t in hidden), texts
    page.mouse.move(0, 0)
    page.screenshot(path=SHOTS.format("verborgen-weken"), full_page=True)

    # most weeks with families are hidden: the page offers the months, and they show more
    page.get_by_text("die weken zijn verborgen").first.wait_for()
    page.get_by_role("button", name="Toon per maand").first.click()
    page.get_by_text("Contacten met gezinnen per maand").first.wait_for(timeout=30_000)
    wait_ready(page)
    assert page.get_by_role("button", name="Toon per maand").count() == 0  # already per month
    # per month every bucket of families has 5 or more contacts; the youths' months are mostly
    # hidden still, and the page points to the figures of the whole period
    page.get_by_text("De cijfers over de hele periode staan bovenaan de pagina").first.wait_for()
    notices = page.locator("[data-testid='stAlert']")
    assert notices.filter(has_text="minder dan 5 contacten met gezinnen").count() == 0
    assert notices.filter(has_text="minder dan 5 contacten met jongeren").count() == 1
    page.screenshot(path=SHOTS.format("per-maand"), full_page=True)
    assert page.locator("[data-testid='stException']").count() == 0
