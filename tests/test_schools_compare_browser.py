"""/scholen → Scholen vergelijken in headless Chromium on the demo, as lea and as
portefeuillehouder (issue 15, Done when):

- the comparison colours no school whose interval includes the municipal rate — read from the
  meeting-mode HTML table, which shows per school the 95 % interval and the verdict beside the
  municipal row (the chart is canvas; its points carry the same verdicts, test_schools_benchmark);
- the similar-schools caption names its number of schools, where they come from, and the national
  number of locations in the class, which is more than the municipality's own 24 schools.
"""
from __future__ import annotations

import re

from conftest import DEMO_PASSWORD, log_in, wait_ready

SHOTS = "/tmp/lea-vergelijken-{}.png"
CLEAR = {"hoger dan gemeente", "lager dan gemeente"}
FIGURE = "Verzuim totaal (%)"


def settle(page) -> None:
    page.wait_for_timeout(600)  # let the rerun start before waiting for it to finish
    wait_ready(page, timeout=60_000)


def number(text: str) -> float:
    return float(text.strip().rstrip("%").strip().replace(".", "").replace(",", "."))


def table_rows(page) -> tuple[list[str], list[list[str]]]:
    """Header texts and the rows' cell texts of the meeting-mode table (index cell first)."""
    table = page.locator("[data-testid='stTable'] table").first
    table.wait_for()
    headers = [t.strip() for t in table.locator("thead th").all_inner_texts()]
    rows = [[t.strip() for t in row.locator("th, td").all_inner_texts()] for row in table.locator("tbody tr").all()]
    return headers, rows


def check_comparison(browser, url: str, role: str) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="nl-NL")
    page = context.new_page()
    try:
        log_in(page, url, role, DEMO_PASSWORD)
        page.get_by_role("link", name="Verzuim per school").click()
        settle(page)
        page.get_by_role("tab", name="Scholen vergelijken").click()
        settle(page)
        page.get_by_text(re.compile(r"Verzuim totaal \(%\) — schooljaar 2024/25, per school")).wait_for()

        caption = page.get_by_text(re.compile(r"^Vergelijkbare scholen \(◇\)")).first
        caption.wait_for()
        text = caption.inner_text()
        benchmark = re.search(r"BAO, klein \(≤ 147\): (\d+) scholen in deze database \(alle in Coevorden\), "
                              r"per school de (\d+) andere; landelijk ([\d.]+) BAO-vestigingen in deze klasse", text)
        assert benchmark, text
        schools, others, national = (int(g.replace(".", "")) for g in benchmark.groups())
        assert others == schools - 1 >= 5
        assert national > 24  # more than the municipality's own schools
        # the classes with too few schools say so instead of drawing a diamond
        assert "geen vergelijkbare scholen genoeg" in text
        page.screenshot(path=SHOTS.format(role), full_page=True)

        page.get_by_text("Vergadermodus").click()
        settle(page)
        headers, rows = table_rows(page)
        value_at = headers.index(FIGURE)
        low_at, high_at = headers.index(f"95%-interval van: {FIGURE}"), headers.index(f"95%-interval tot: {FIGURE}")
        verdict_at = headers.index("Ten opzichte van gemeente")
        municipal = next(number(r[value_at]) for r in rows if r[0] == "Gemeente (alle scholen)")
        checked = 0
        for row in rows:
            if row[0] == "Gemeente (alle scholen)" or row[low_at] in ("–", ""):
                continue
            low, high = number(row[low_at]), number(row[high_at])
            verdict = row[verdict_at]
            checked += 1
            if low <= municipal <= high and not (low == municipal or high == municipal):
                assert verdict not in CLEAR, row  # the Done-when: no colour inside the interval
            if verdict == "hoger dan gemeente":
                assert low >= municipal, row
            elif verdict == "lager dan gemeente":
                assert high <= municipal, row
            else:
                assert verdict == "geen duidelijk verschil" and low <= municipal <= high, row
        assert checked == 24  # every school of the demo has an interval for its absence rate
        page.screenshot(path=SHOTS.format(f"{role}-vergadermodus"), full_page=True)
    finally:
        context.close()


def test_comparison_shows_uncertainty_for_lea_and_portefeuillehouder(streamlit_factory, browser, demo_url):
    server = streamlit_factory(demo_url)
    for role in ("lea", "portefeuillehouder"):
        check_comparison(browser, server.url, role)
