"""The suppression threshold set on /beheer, in a real browser on (a copy of) the demo: beheer sets
it to 10 on the settings screen, and LEA (/scholen, /covid) and the portfolio holder (/scholen,
/status) see 10 at once: the captions name it, and a figure behind 7 meldingen is now hidden.
Screenshots go to /tmp/lea-instellingen-*.png."""
from __future__ import annotations

from playwright.sync_api import expect

from conftest import DEMO_PASSWORD, log_in, wait_ready
from data_access.db import make_engine
from data_access.definitions import Suppressor
from data_access.queries import schools

SHOTS = "/tmp/lea-instellingen-{}.png"
# 2024/25, the comparison's default window: OBS De Beuk has 7 meldingen and 133 pupils, so its
# meldingen per 1.000 (52,6) is shown at threshold 5 and hidden at 10
SCHOOL = "OBS De Beuk"
PER_1000 = "Meldingen per 1.000"


def settle(page) -> None:
    page.wait_for_timeout(600)  # let the rerun start before waiting for it to finish
    wait_ready(page, timeout=60_000)


def per_1000_of_the_school(url: str, threshold: int):
    engine = make_engine(url)
    with engine.connect() as conn:
        comparison = schools.school_comparison(conn, schools.Window.for_school_year(2024), 5, 5.5, 0.10, exact_below=5)
    engine.dispose()
    rows = schools.comparison_view(comparison, "school", None, Suppressor(threshold)).rows.set_index("name")
    return rows.loc[SCHOOL, "meldingen"], rows.loc[SCHOOL, "per_1000"]


def new_page(browser):
    return browser.new_context(viewport={"width": 1400, "height": 2400}, locale="nl-NL").new_page()


def open_link(page, name: str, heading: str) -> None:
    page.get_by_role("link", name=name).click()
    page.get_by_role("heading", name=heading).wait_for(timeout=60_000)
    settle(page)


def no_traceback(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert "Traceback" not in page.content()


def assert_scholen_uses_ten(page, shot: str) -> None:
    open_link(page, "Verzuim per school", "Verzuim per school")
    expect(page.get_by_text('Aantallen kleiner dan 10 tonen we als "<10"')).to_be_visible()
    # the meeting mode draws the comparison as an HTML table (the sortable one is a canvas)
    page.get_by_text("Vergadermodus").click()
    settle(page)
    page.get_by_role("tab", name="Scholen vergelijken").click()
    settle(page)
    table = page.locator("[data-testid='stTable']")
    table.wait_for()
    headers = table.locator("thead th").all_inner_texts()
    cells = table.locator("tbody tr").filter(has_text=SCHOOL).first.locator("th, td").all_inner_texts()
    assert cells[headers.index(PER_1000)] == "verborgen"
    no_traceback(page)
    page.screenshot(path=SHOTS.format(shot), full_page=True)
    page.get_by_text("Vergadermodus").click()  # back to the normal page (and its sidebar)
    settle(page)


def test_a_threshold_of_ten_set_on_beheer_shows_on_every_page(demo_copy_url, streamlit_factory, page, browser):
    meldingen, shown = per_1000_of_the_school(demo_copy_url, 5)
    assert meldingen == 7 and round(shown, 1) == 52.6  # 7 / 133 × 1.000, shown at the default 5
    assert per_1000_of_the_school(demo_copy_url, 10) == ("<10", None)
    server = streamlit_factory(demo_copy_url)

    page.set_viewport_size({"width": 1400, "height": 2000})
    log_in(page, server.url, "beheer", DEMO_PASSWORD)
    open_link(page, "Beheer", "Beheer")
    page.get_by_role("tab", name="Instellingen").click()
    settle(page)
    threshold = page.get_by_role("textbox", name="drempel kleine aantallen", exact=True)
    expect(threshold).to_have_value("5")
    threshold.fill("10")
    page.get_by_role("button", name="Instellingen opslaan").click()
    page.get_by_text("Opgeslagen: drempel kleine aantallen 5 → 10.").wait_for(timeout=60_000)
    settle(page)
    page.screenshot(path=SHOTS.format("beheer"), full_page=True)

    lea = new_page(browser)
    log_in(lea, server.url, "lea", DEMO_PASSWORD)
    assert_scholen_uses_ten(lea, "scholen-lea")
    open_link(lea, "Contact tijdens COVID-19", "Contact tijdens COVID-19")
    expect(lea.get_by_text("Aantallen kleiner dan 10 staan als ‘<10’").first).to_be_visible()
    # the first closure: 1 youth never reached, "<5" before and "<10" now
    expect(lea.locator("[data-testid='stMetric']").filter(has_text="Gezinnen nooit bereikt")).to_contain_text("<10")
    assert "kleiner dan 5" not in lea.locator("[data-testid='stMain']").text_content()
    no_traceback(lea)
    lea.screenshot(path=SHOTS.format("covid-lea"), full_page=True)

    holder = new_page(browser)
    log_in(holder, server.url, "portefeuillehouder", DEMO_PASSWORD)
    holder.get_by_role("heading", name="Status LEA-acties").wait_for(timeout=60_000)
    settle(holder)
    # 2024-T1: the pilot's effect on meldtrouw rests on fewer than 10 signals in a group (5 or more)
    holder.set_viewport_size({"width": 1400, "height": 1000})  # a list that opens within the screen
    holder.locator("[data-testid='stExpander'] summary").filter(has_text="Selectie:").first.click()
    settle(holder)  # the expander keeps its state: opening it reruns the page
    period = holder.get_by_role("combobox", name="Rapportageperiode")
    period.wait_for(state="visible", timeout=30_000)
    period.click()
    holder.get_by_role("option", name="2024-T1", exact=True).click()
    holder.get_by_role("heading", name="Samenvatting 2024-T1").wait_for(timeout=60_000)
    settle(holder)
    holder.screenshot(path=SHOTS.format("status-2024-T1"), full_page=True)
    main = holder.locator("[data-testid='stMain']").text_content()
    assert "kleiner dan 10" in main
    assert "minder dan 5" not in main
    no_traceback(holder)
    holder.screenshot(path=SHOTS.format("status-portefeuillehouder"), full_page=True)
    assert_scholen_uses_ten(holder, "scholen-portefeuillehouder")
