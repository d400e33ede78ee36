"""In a real browser on the demo: the portfolio holder logs in through the form and sees the
latest period's tiles, the colour summary (equal to the database), the history chart and the
Word and PDF export with every action; on a phone the lights come first. Screenshots go to
/tmp/lea-status-*.png."""
import datetime as dt
import io
import re

import docx
from pypdf import PdfReader

from conftest import DEMO_PASSWORD, log_in, wait_ready
from data_access.db import make_engine
from data_access.queries import status as q

SHOTS = "/tmp/lea-status-{}.png"




def expected_from_database(url: str):
    engine = make_engine(url)
    with engine.connect() as conn:
        periods = q.reporting_periods(conn)
        period = q.default_period(conn, periods)
        counts = q.colour_counts(conn, period.id)
        actions = q.actions(conn)
    engine.dispose()
    summary = {}
    for light, part in counts.groupby("light"):
        n = dict(zip(part["colour"], part["actions"]))
        text = f"{light} ● {n['groen']} groen ▲ {n['oranje']} oranje ■ {n['rood']} rood"
        summary[light] = text + (f" {n['geen rapportage']} geen rapportage" if n["geen rapportage"] else "")
    return period, summary, actions


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_portfolio_holder_sees_tiles_summary_history_and_export(streamlit_factory, page, demo_url):
    period, summary, actions = expected_from_database(demo_url)
    server = streamlit_factory(demo_url)
    page.set_viewport_size({"width": 1400, "height": 2600})
    log_in(page, server.url, "portefeuillehouder", DEMO_PASSWORD)
    page.get_by_role("heading", name="Status LEA-acties").wait_for(timeout=60_000)
    wait_ready(page)
    page.screenshot(path=SHOTS.format("overzicht"))

    main = page.locator("[data-testid='stMain']")
    assert "Traceback" not in main.inner_text()
    assert page.get_by_role("heading", name=f"Samenvatting {period.name}").is_visible()
    boxes = [squash(t) for t in page.locator("[data-testid='stColumn']").all_inner_texts()]
    for light, expected in summary.items():
        assert expected in boxes, (light, expected)
    for action in actions.itertuples():
        assert page.get_by_text(f"{action.code} — {action.title}", exact=True).first.is_visible()

    page.get_by_role("tab", name="Verloop").click()
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    chart.locator("canvas, svg").first.wait_for(timeout=30_000)
    box = chart.bounding_box()
    assert box["height"] > 120 and box["width"] > 600
    page.screenshot(path=SHOTS.format("verloop"))

    page.get_by_role("tab", name="Export").click()
    stem = f"status-lea-acties-{period.name}_portefeuillehouder_{dt.date.today():%Y-%m-%d}"
    with page.expect_download() as download:
        page.get_by_role("button", name="Download Word (.docx)").click()
    assert download.value.suggested_filename == f"{stem}.docx"
    document = docx.Document(io.BytesIO(open(download.value.path(), "rb").read()))
    assert document.paragraphs[0].text == f"Bijlage voortgang LEA-acties — {period.name}"
    codes = [row.cells[0].text.split(" — ")[0] for row in document.tables[1].rows[1:]]
    assert sorted(codes) == sorted(actions["code"])
    assert document.core_properties.author == "Demo portefeuillehouder"  # the logged-in user's name
    assert (dt.datetime.now(dt.timezone.utc) - document.core_properties.created) < dt.timedelta(minutes=10)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download pdf").click()
    assert download.value.suggested_filename == f"{stem}.pdf"
    reader = PdfReader(download.value.path())
    assert reader.metadata.title == f"Bijlage voortgang LEA-acties — {period.name}"
    assert reader.metadata.author == "Demo portefeuillehouder"
    text = " ".join(p.extract_text() for p in reader.pages)
    assert all(code in text for code in actions["code"])


def test_on_a_phone_the_lights_come_first_and_the_filters_are_folded_away(streamlit_factory, page, demo_url):
    server = streamlit_factory(demo_url)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, server.url, "lea", DEMO_PASSWORD)  # the LEA reads /status too (issue 15)
    page.goto(f"{server.url}/status")
    page.get_by_role("heading", name="Status LEA-acties").wait_for(timeout=60_000)
    wait_ready(page)
    page.screenshot(path=SHOTS.format("telefoon"))
    # the first light badge of the colour summary lies within the first screen
    badge = page.locator("[data-testid='stMain'] [data-testid='stColumn']").first
    box = badge.bounding_box()
    assert box is not None and box["y"] + 40 < 844, box
    assert not page.get_by_text("Rapportageperiode", exact=True).is_visible()  # folded away
    page.get_by_text("Selectie:", exact=False).first.click()
    page.get_by_text("Rapportageperiode", exact=True).wait_for(timeout=30_000)
    assert not page.get_by_role("tab", name="Rapportage toevoegen").count()  # lea reads only
