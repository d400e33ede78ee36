"""Issue 17, finding 4: text from people is shown as text — never markdown, links, images or HTML.

ui.text.plain escapes what could form markdown or HTML; the expected strings are written out
by hand. The browser test (below) plants the attacks in the demo's own fields and checks in
Chromium that nothing is fetched and nothing renders as a link or image.
"""
from __future__ import annotations

import pytest

from ui.text import plain

J = "\u2060"  # the invisible word joiner that breaks GFM's bare links (see ui/text.py)


@pytest.mark.parametrize(("value", "expected"), [
    ("![x](http://127.0.0.1:9/pixel.png)", "!\\[x\\](http" + J + r"\://127.0.0.1\:9/pixel.png)"),
    ("[x](javascript:alert(1))", r"\[x\](javascript\:alert(1))"),
    ("<img src=http://127.0.0.1:9/p2.png>", r"\<img src=http" + J + r"\://127.0.0.1\:9/p2.png\>"),
    ("https://voorbeeld.nl en www.voorbeeld.nl", "https" + J + r"\://voorbeeld.nl en www" + J + ".voorbeeld.nl"),
    ("mail a@b.nl", "mail a\\@" + J + "b.nl"),
    ("**vet** _schuin_ `code` ~~weg~~ $x$", r"\*\*vet\*\* \_schuin\_ \`code\` \~\~weg\~\~ \$x\$"),
    (":red[rood] :material/home:", r"\:red\[rood\] \:material/home\:"),
    ("a | b", r"a \| b"),
    ("&lt;b&gt;", r"\&lt;b\&gt;"),
    ("- lijst", r"\- lijst"),
    ("# kop", r"\# kop"),
    ("> citaat", r"\> citaat"),
    ("12. genummerd", r"12\. genummerd"),
    ("back\\slash", r"back\\slash"),
    # what cannot form markdown stays as typed: codes, dates, initials, school years
    ("LEA-03 — Minder verzuim (pilot) 2023/24, Dhr. J. de Vries!", "LEA-03 — Minder verzuim (pilot) 2023/24, Dhr. J. de Vries!"),
    ("", ""),
    (None, ""),
    (float("nan"), ""),
    (42, "42"),
])
def test_plain_escapes_what_could_form_markdown_and_leaves_the_rest(value, expected):
    assert plain(value) == expected


def test_lines_become_one_line_or_hard_breaks_and_cannot_start_blocks():
    text = "Eerste regel\n# geen kop\r\n- geen lijst\n\n    geen code"
    assert plain(text) == r"Eerste regel \# geen kop \- geen lijst geen code"
    assert plain(text, multiline=True) == "Eerste regel  \n\\# geen kop  \n\\- geen lijst  \n  \ngeen code"


# --- in the browser: planted in the demo's own fields ------------------------------------------

import datetime as dt  # noqa: E402
import http.server  # noqa: E402
import threading  # noqa: E402

from sqlalchemy import select, update  # noqa: E402

from conftest import free_port, log_in, wait_ready  # noqa: E402
from data_access import status_reports  # noqa: E402
from data_access.db import make_engine  # noqa: E402
from data_access.models import AppUser, Concern, Pupil, School  # noqa: E402
from data_access.queries import status as status_queries  # noqa: E402
from data_access.queries import youths  # noqa: E402


@pytest.fixture
def recorder():
    """A tiny HTTP server on a free local port that records every request it gets."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            seen.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args):  # quiet
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], seen
    server.shutdown()


def attacks(port: int) -> list[str]:
    return [f"![x](http://127.0.0.1:{port}/pixel.png)", "[x](javascript:alert(1))",
            f"<img src=http://127.0.0.1:{port}/p2.png>"]


def plant(url: str, port: int) -> str:
    """The three attacks in a status explanation, a case reason, every school name and the
    officer's display name; returns the pseudonym of the youth whose open case got them."""
    text = " ".join(attacks(port))
    eng = make_engine(url)
    with eng.begin() as conn:
        conn.execute(update(AppUser).where(AppUser.username == "leerplicht").values(name=f"Lia {text}"))
        conn.execute(update(School).values(name=School.name + " " + text))
        concern_id, pupil_id = conn.execute(select(Concern.id, Concern.pupil_id).where(Concern.closed_on.is_(None))
                                            .order_by(Concern.id).limit(1)).one()
        conn.execute(update(Concern).where(Concern.id == concern_id).values(reason=text, next_action=text))
        pseudonym = conn.execute(select(Pupil.pseudonym).where(Pupil.id == pupil_id)).scalar_one()
        periods = status_queries.reporting_periods(conn)
        period = status_queries.default_period(conn, periods)
        action_id = int(status_queries.actions(conn)["action_id"].iloc[0])
        status_reports.add_report(conn, status_reports.NewReport(action_id, period.id, "rood", "rood", "rood",
                                                                 cause=text, consequence=text, measure=text),
                                  username="leerplicht", roles=["leerplicht"],
                                  expected_version=status_reports.current_version(conn, action_id, period.id))
    eng.dispose()
    return pseudonym


def assert_nothing_rendered(page, port: int) -> None:
    """No image or link made of the planted text, anywhere on the page; the text itself is there."""
    outside = page.locator(f"img[src*='127.0.0.1:{port}'], [style*='127.0.0.1:{port}'], source[src*='{port}']")
    assert outside.count() == 0
    assert page.locator("a[href^='javascript:'], a[href*='127.0.0.1:" + str(port) + "']").count() == 0
    text = page.locator("[data-testid='stMain']").inner_text().replace(J, "")  # invisible joiners
    for attack in attacks(port):
        assert attack in text, attack


def test_planted_markdown_and_html_are_shown_as_text_and_nothing_is_fetched(
        streamlit_factory, demo_copy_url, page, recorder):
    port, seen = recorder
    pseudonym = plant(demo_copy_url, port)
    server = streamlit_factory(demo_copy_url)
    log_in(page, server.url, "leerplicht")
    sidebar = page.locator("[data-testid='stSidebar']").inner_text().replace(J, "")
    assert all(attack in sidebar for attack in attacks(port))  # the display name, literally

    page.get_by_role("link", name="Status LEA-acties").click()  # explanation and author on a tile
    page.get_by_role("heading", name="Status LEA-acties").wait_for(timeout=60_000)
    wait_ready(page)
    assert_nothing_rendered(page, port)
    assert "Gerapporteerd door Lia ![x]" in page.locator("[data-testid='stMain']").inner_text().replace(J, "")

    page.wait_for_function("() => document.cookie.includes('lea_sessie=')")
    page.goto(f"{server.url}/jongeren?jongere={pseudonym}")  # case reason, school name, officer
    page.get_by_role("heading", name=f"{pseudonym} — ").wait_for(timeout=60_000)
    wait_ready(page)
    page.get_by_role("tab", name="Zaak").click()
    wait_ready(page)
    assert_nothing_rendered(page, port)

    page.get_by_role("link", name="Verzuim per school").click()  # school names in the selection
    page.get_by_role("heading", name="Verzuim per school").wait_for(timeout=60_000)
    wait_ready(page)
    assert page.locator(f"img[src*='127.0.0.1:{port}']").count() == 0
    assert page.locator("a[href^='javascript:']").count() == 0
    assert seen == []  # the recording server was never asked for anything
