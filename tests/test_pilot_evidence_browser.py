"""In a real browser on the demo, as the portfolio holder: LEA-02's evidence on /status is shown or
hidden exactly as the Registratiepilot tab on /scholen shows the pilot's effect on meldtrouw, and
with the same number (issue 15: the tab showed the alderman +50 points while /status hid it as
"verborgen: minder dan 5 leerlingen of meldingen"). Screenshots go to /tmp/lea-lea02-*.png."""
from __future__ import annotations

import re

from conftest import DEMO_PASSWORD, log_in, wait_ready

SHOTS = "/tmp/lea-lea02-{}.png"
# the tab's sentence for the phase during the pilot, and its difference-in-differences
TAB_EFFECT = re.compile(r"Bij de pilotscholen ging de meldtrouw van [^.]*? tijdens de pilot, [^.]*?\. Het verschil "
                        r"tussen die twee veranderingen is ([+−]?\d+,\d) procentpunt")
TAB_HIDDEN = "kunnen we niet tonen zonder een klein aantal prijs te geven"
LABEL = re.escape("Meldtrouw: effect van de registratiepilot (schooljaren vóór en tijdens de pilot)")
STATUS_EFFECT = re.compile(LABEL + r": ([+-]?\d+,\d) procentpunt")
STATUS_HIDDEN = re.compile(LABEL + r": – \(doel [^)]*\) — verborgen")


def settle(page) -> None:
    page.wait_for_timeout(600)  # let the rerun start before waiting for it to finish
    wait_ready(page, timeout=60_000)


def test_lea02_evidence_is_shown_or_hidden_exactly_as_on_the_pilot_tab(streamlit_factory, page, demo_url):
    server = streamlit_factory(demo_url)
    page.set_viewport_size({"width": 1440, "height": 2600})
    log_in(page, server.url, "portefeuillehouder", DEMO_PASSWORD)

    # /status, the latest period (the default): LEA-02's tile
    page.get_by_role("heading", name="Status LEA-acties").wait_for(timeout=60_000)
    settle(page)
    tile = page.locator("[data-testid='stVerticalBlock']").filter(
        has_text="LEA-02 — Evaluatie pilot").last
    tile.get_by_text("Bewijs uit de gegevens").wait_for(timeout=30_000)
    status_text = re.sub(r"\s+", " ", tile.inner_text())
    tile.screenshot(path=SHOTS.format("status"))
    status_shown, status_hidden = STATUS_EFFECT.search(status_text), STATUS_HIDDEN.search(status_text)
    assert bool(status_shown) != bool(status_hidden), status_text

    # /scholen → Registratiepilot: the meldtrouw block
    page.get_by_role("link", name="Verzuim per school").click()
    settle(page)
    page.get_by_role("tab", name="Registratiepilot").click()
    settle(page)
    page.get_by_text("Meldtrouw 16 uur (%)").first.wait_for(timeout=60_000)
    main = page.locator("[data-testid='stMain']")
    main_text = re.sub(r"\s+", " ", main.inner_text())
    page.screenshot(path=SHOTS.format("pilot"), full_page=True)
    tab_hidden = TAB_HIDDEN in main_text.split("Meldingen per 1.000 leerlingen per schooljaar")[0]
    tab_shown = TAB_EFFECT.search(main_text)

    # the same decision, and when shown the same figure
    assert tab_hidden == bool(status_hidden) and bool(tab_shown) == bool(status_shown)
    if tab_shown:
        assert tab_shown.group(1).replace("−", "-") == status_shown.group(1), (tab_shown.group(0), status_text)
    # the demo's pilot: +50,0 points for the alderman on both pages
    assert status_shown and status_shown.group(1) == "+50,0"
    assert page.locator("[data-testid='stException']").count() == 0
