"""In a real browser on the demo: the portfolio holder logs in through the form and sees the
latest period's tiles, the colour summary (equal to the database), the history chart and the
Word export with every action. Screenshots go to /tmp/lea-status-*.png."""
import io
import re

import docx

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
    with page.expect_download() as download:
        page.get_by_role("button", name="Download Word (.docx)").click()
    document = docx.Document(io.BytesIO(open(download.value.path(), "rb").read()))
    assert document.paragraphs[0].text == f"Bijlage voortgang LEA-acties — {period.name}"
    codes = [row.cells[0].text.split(" — ")[0] for row in document.tables[0].rows[1:]]
    assert sorted(codes) == sorted(actions["code"])
