"""/scholen in headless Chromium: LEA logs in through the form on the demo and uses every view.

Charts and the sortable table are drawn on canvas, so the checks read what the DOM holds
(headings, Dutch sentences, the meeting-mode HTML table, the URL); screenshots go to /tmp.
"""
from __future__ import annotations

import re

from conftest import DEMO_PASSWORD, log_in, wait_ready

SHOTS = "/tmp/lea-scholen-{}.png"




def settle(page) -> None:
    page.wait_for_timeout(600)  # let the rerun start before waiting for it to finish
    wait_ready(page, timeout=60_000)


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    settle(page)


def no_traceback(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert "Traceback" not in page.content()


def test_lea_uses_every_view_of_the_schools_page(streamlit_factory, page, demo_url):
    server = streamlit_factory(demo_url)
    page.set_viewport_size({"width": 1400, "height": 2000})
    log_in(page, server.url, "lea", DEMO_PASSWORD)
    page.get_by_role("link", name="Verzuim per school").click()
    settle(page)

    # Trends: the chart with COVID closures shaded (drawn on canvas: checked in the screenshot)
    page.get_by_role("heading", name="Verzuim per school").wait_for()
    page.get_by_text("Verzuim per maand — Coevorden").wait_for()
    assert page.locator("[data-testid='stVegaLiteChart']").count() >= 1
    assert page.get_by_text("Gekleurde banden: COVID-sluitingen en vakanties").count() == 1
    no_traceback(page)
    page.screenshot(path=SHOTS.format("trends"), full_page=True)

    open_tab(page, "Scholen vergelijken")
    page.get_by_text(re.compile(r"Verzuim totaal \(%\) — schooljaar 2024/25, per school")).wait_for()
    assert "weergave=Scholen" in page.url  # the open tab is in the URL
    assert page.get_by_role("button", name="Download CSV").count() == 1
    no_traceback(page)
    page.screenshot(path=SHOTS.format("vergelijken"), full_page=True)

    open_tab(page, "Registratieverschillen")
    page.get_by_text(re.compile("Hoe scholen registreren en melden")).wait_for()
    assert page.locator("[data-testid='stVegaLiteChart']").count() >= 1
    no_traceback(page)
    page.screenshot(path=SHOTS.format("registratie"), full_page=True)

    open_tab(page, "Registratiepilot")
    # one sentence per compared phase: "tijdens" and, since the demo's pilot ended, "na"
    sentences = page.get_by_text(re.compile(r"^Bij de pilotscholen ging het aantal meldingen per 1\.000"))
    sentences.first.wait_for()
    assert sentences.count() == 2
    assert "tijdens de pilot" in sentences.nth(0).inner_text() and "na de pilot" in sentences.nth(1).inner_text()
    sentence = sentences.first
    assert "95%-interval" in sentence.inner_text()
    no_traceback(page)
    page.screenshot(path=SHOTS.format("pilot"), full_page=True)

    # meeting mode: no sidebar, no downloads; the comparison as a large HTML table, suppressed
    page.get_by_text("Vergadermodus").click()
    settle(page)
    open_tab(page, "Scholen vergelijken")
    assert not page.locator("[data-testid='stSidebar']").is_visible()
    assert page.get_by_role("button", name="Download CSV").count() == 0
    table = page.locator("[data-testid='stTable']")
    table.wait_for()
    text = table.inner_text()
    assert "Gemeente (alle scholen)" in text
    assert "verborgen" in text  # small numbers of this small municipality are hidden for LEA
    no_traceback(page)
    page.screenshot(path=SHOTS.format("vergadermodus"), full_page=True)
