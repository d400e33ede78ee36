"""In a real browser on (a copy of) the demo: an officer logs in through the form, goes from the
work queue to a youth's file, logs a contact and sees it in the list; the audit page shows each
step. Screenshots go to /tmp/lea-jongeren-*.png."""
from __future__ import annotations

import time

from sqlalchemy import select

from conftest import log_in, wait_ready
from data_access.db import make_engine
from data_access.definitions import DEFAULTS
from data_access.models import AuditEvent
from data_access.queries import youths

SHOTS = "/tmp/lea-jongeren-{}.png"




def open_page(page, link: str, heading: str) -> None:
    page.get_by_role("link", name=link).click()
    page.get_by_role("heading", name=heading).wait_for(timeout=60_000)
    wait_ready(page)


def visible_grid(page, index: int = 0):
    """The index-th dataframe on screen (those in hidden tabs do not count)."""
    return page.locator("[data-testid='stDataFrame']:visible").nth(index)


def grid_rows(grid) -> list[dict[str, str]]:
    """The rows a dataframe shows, read from the grid's accessible table (the canvas has no text;
    the table holds the raw values, so dates read 2025-06-30)."""
    grid.locator("td[role='gridcell']").first.wait_for(state="attached", timeout=30_000)
    return grid.evaluate("""el => {
        const heads = {};
        el.querySelectorAll('thead th').forEach(th => { heads[th.getAttribute('aria-colindex')] = th.textContent.trim(); });
        return Array.from(el.querySelectorAll('tbody tr')).map(tr => Object.fromEntries(
            Array.from(tr.querySelectorAll('td')).map(td => [heads[td.getAttribute('aria-colindex')] || '?',
                                                             td.textContent.trim()])));
    }""")


def rows_when(page, condition, index: int = 0, timeout: float = 30.0) -> list[dict[str, str]]:
    """The grid's rows once ``condition(rows)`` holds (the accessible table follows the canvas
    with a short delay after a rerun); the last rows seen otherwise."""
    deadline = time.monotonic() + timeout
    rows = grid_rows(visible_grid(page, index))
    while not condition(rows) and time.monotonic() < deadline:
        page.wait_for_timeout(300)
        rows = grid_rows(visible_grid(page, index))
    return rows


def click_first_row(page) -> None:
    """Tick the selection box of the first row (left of the first column, below the header)."""
    box = visible_grid(page).bounding_box()
    page.mouse.click(box["x"] + 15, box["y"] + 35 + 17)
    wait_ready(page)


def expected_queue_head(url: str) -> str:
    engine = make_engine(url)
    with engine.connect() as conn:
        today = youths.default_today(conn)
        rows = youths.apply_filters(youths.youth_list(conn, today, DEFAULTS), youths.YouthFilters(officers=("leerplicht",)),
                                    today)
        queue = youths.work_queue(rows, today, DEFAULTS.no_contact_days)
    engine.dispose()
    return queue["pseudonym"].iloc[0]


def actions_about(url: str, pupil_id: int) -> list[tuple[str, str]]:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(select(AuditEvent.username, AuditEvent.action).where(
            AuditEvent.object_type == "pupil", AuditEvent.object_id == str(pupil_id)).order_by(AuditEvent.id)).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def list_views(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(select(AuditEvent.id).where(AuditEvent.username == "leerplicht",
                                                        AuditEvent.action == youths.LIST_VIEW)).all()
    engine.dispose()
    return len(rows)


def test_officer_goes_from_queue_to_file_logs_a_contact_and_sees_it_in_the_list(
        streamlit_factory, browser, page, demo_copy_url):
    first = expected_queue_head(demo_copy_url)
    server = streamlit_factory(demo_copy_url)
    page.set_viewport_size({"width": 1400, "height": 1600})
    log_in(page, server.url, "leerplicht")
    open_page(page, "Jongeren in beeld", "Jongeren in beeld")
    assert "Peildatum 30-06-2025" in page.locator("[data-testid='stMain']").inner_text()
    queue = grid_rows(visible_grid(page))
    assert queue[0]["Pseudoniem"] == first
    page.screenshot(path=SHOTS.format("1-werkvoorraad"))

    click_first_row(page)  # queue → file
    page.get_by_role("heading", name=f"{first} — ").wait_for(timeout=30_000)
    assert f"jongere={first}" in page.url
    wait_ready(page)
    page.screenshot(path=SHOTS.format("2-dossier"))
    page.get_by_label("Verslag (optioneel)").fill("Moeder gebeld, afspraak gemaakt")
    page.get_by_role("button", name="Contact opslaan").click()
    page.get_by_text("Contact van 30-06-2025 is opgeslagen.").wait_for(timeout=30_000)
    timeline = rows_when(page, lambda rows: rows and rows[0]["Datum"].startswith("2025-06-30"))
    assert timeline[0]["Datum"].startswith("2025-06-30")  # the new contact heads the timeline

    page.get_by_role("button", name="Terug naar de lijst").click()
    wait_ready(page)
    page.get_by_role("tab", name="Alle jongeren in beeld").click()
    page.get_by_label("Zoek op pseudoniem of naam", exact=True).fill(first)
    page.keyboard.press("Enter")
    wait_ready(page)
    listed = rows_when(page, lambda rows: len(rows) == 1 and rows[0].get("Pseudoniem") == first)
    assert [r["Pseudoniem"] for r in listed] == [first]
    assert listed[0]["Laatste contact"].startswith("2025-06-30")
    assert "jongere=" not in page.url and first not in page.url  # back on the list; the search stays off the URL
    page.screenshot(path=SHOTS.format("3-lijst-met-contact"))

    engine = make_engine(demo_copy_url)
    with engine.connect() as conn:
        pupil_id = youths.pupil_id_of(conn, first)
    engine.dispose()
    assert actions_about(demo_copy_url, pupil_id) == [("leerplicht", "bekijk_jongere"),
                                                     ("leerplicht", "contact_toegevoegd")]
    assert list_views(demo_copy_url) >= 2  # the queue on arrival, the list after the search

    # the administrator sees both steps on the audit page, filtered on this youth
    admin = browser.new_context(viewport={"width": 1400, "height": 1400}, locale="nl-NL").new_page()
    log_in(admin, server.url, "beheer")
    open_page(admin, "Auditlog", "Auditlog")
    admin.get_by_label("Wie zag jongere (pseudoniem)…", exact=True).fill(first)
    admin.keyboard.press("Enter")
    wait_ready(admin)
    events = rows_when(admin, lambda rows: rows and any(r.get("object") == str(pupil_id) for r in rows))
    shown = [r.get("actie") for r in events if r.get("object") == str(pupil_id)]
    assert shown[:2] == ["contact_toegevoegd", "bekijk_jongere"]  # newest first
    assert "bekijk_lijst" in [r.get("actie") for r in events]  # the list that showed this youth, too
    admin.screenshot(path=SHOTS.format("4-auditlog"))
    admin.context.close()
