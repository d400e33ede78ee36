"""/keten and the chain timeline in a real browser on (a copy of) the demo municipality (issue 18):
the officer sees every figure and the split per officer; an LEA member sees the same page
suppressed, without the officer split and without any name. Screenshots: /tmp/lea-keten-*.png."""
from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect
from sqlalchemy import func, insert, select, update

from conftest import log_in, wait_ready
from data_access.db import make_engine
from data_access.definitions import load_settings
from data_access.definitions import Suppressor
from data_access.definitions import chain as definition
from data_access.models import AppUser, Concern, Intervention, Pupil
from data_access.queries import chain as queries
from data_access.queries import youths
from ui import format as fmt

TITLE = "Keten: van signaal tot terug in de klas"
SHOTS = "/tmp/lea-keten-{}.png"
FIVE = Suppressor(5)
KINDS = [("verwijzing_ggd", "halt"), ("halt", "verwijzing_wijkteam"), ("gesprek",), ("zorgadviesteam",)]
FLAG_WORDS = {definition.NOT_REPORTED: "signaal niet gemeld", definition.REPORTED_LATE: "te laat gemeld",
              definition.NO_CONTACT: "geen contact na melding", definition.CONTACT_LATE: "contact te laat"}


def with_interventions(url: str) -> None:
    """The demo may not record interventions and outcomes yet: give its closed cases some."""
    engine = make_engine(url)
    with engine.begin() as conn:
        if conn.execute(select(func.count()).select_from(Intervention)).scalar():
            return
        closed = conn.execute(select(Concern.id, Concern.opened_on).where(Concern.closed_on.is_not(None))
                              .order_by(Concern.id)).all()
        for i, (case_id, opened) in enumerate(closed):
            for j, kind in enumerate(KINDS[i % len(KINDS)]):
                conn.execute(insert(Intervention).values(concern_id=case_id, kind=kind,
                                                         date=opened + dt.timedelta(days=7 * (j + 1))))
            conn.execute(update(Concern).where(Concern.id == case_id).values(
                outcome="terug_naar_school" if i % 3 else "beeindigd_andere_opleiding"))
    engine.dispose()


def expected(url: str):
    engine = make_engine(url)
    with engine.connect() as conn:
        settings = load_settings(conn)
        data = queries.load_chains(conn, youths.default_today(conn), settings)
        names = queries.group_names(conn)
        officers = [n for n, in conn.execute(select(AppUser.name).where(AppUser.roles.like("%leerplicht%")))]
    engine.dispose()
    return data, names, officers


def cell(count, share=None) -> str:
    if isinstance(count, str):
        return count
    return fmt.number(count) if share is None else f"{fmt.number(count)} ({fmt.percent(share)})"


def funnel_row(table, year: int) -> str:
    row = table[table["school_year"] == year].iloc[0]
    return fmt.school_year(year) + "".join(
        cell(row[s], None if s == "signaal" else row[f"{s}_share"] if row[f"{s}_share"] is not None else None)
        for s in definition.STEPS)


def flags_text(counts: dict) -> str:
    return " · ".join(f"{FLAG_WORDS[k]}: {cell(n)}" for k, n in counts.items())


def open_chain_page(page, url: str, username: str) -> None:
    log_in(page, url, username)
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("heading", name=TITLE, level=1).wait_for(timeout=60_000)
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for(timeout=60_000)
    page.get_by_role("heading", name="Registratiekwaliteit van de scholen").wait_for(timeout=60_000)
    wait_ready(page)
    page.locator("[data-testid='stDataFrame'] table").nth(5).wait_for(state="attached", timeout=30_000)


def tables(page) -> list[str]:
    """The text of every table (st.dataframe draws on a canvas; its accessible table holds the cells)."""
    found = page.locator("[data-testid='stDataFrame'] table")
    return [found.nth(i).text_content() for i in range(found.count())]


def levels(page) -> str:
    return page.locator("[data-testid='stButtonGroup']").filter(has_text="Per").inner_text()


def test_leerplicht_sees_every_figure_and_each_officer_lea_sees_them_suppressed(
        demo_copy_url, streamlit_factory, page, browser):
    with_interventions(demo_copy_url)
    data, names, officers = expected(demo_copy_url)
    year = max(queries.school_years(data))
    server = streamlit_factory(demo_copy_url)

    open_chain_page(page, server.url, "leerplicht")
    shown = tables(page)
    assert funnel_row(queries.funnel_by_year(data, None), year) in shown[0]
    expect(page.locator("[data-testid='stMarkdown']").filter(has_text="Ontbrekende en late stappen")).to_contain_text(
        flags_text(queries.flag_counts(data, year, None)))
    page.locator("[data-testid='stButtonGroup'] button").filter(has_text="behandelaar").click()
    wait_ready(page)
    page.locator("[data-testid='stDataFrame'] table").filter(has_text="Behandelaar").wait_for(state="attached")
    per_officer = queries.dropout(data, "officer", year, names, None)
    assert len(per_officer) >= 2
    officer_table = next(t for t in tables(page) if t.startswith("Behandelaar"))
    for _, row in per_officer.iterrows():  # display names with their funnel
        assert row["group"] + cell(row["signaal"]) in officer_table
    assert any(name in officer_table for name in officers)
    help_table = next(t for t in tables(page) if "hulp vóór straf" in t)
    help_first = queries.help_first_by_year(data, None)
    assert help_first["counted"].sum() > 0 and "%" in help_table  # the demo copy's cases have interventions
    page.screenshot(path=SHOTS.format("leerplicht"), full_page=True)

    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nl-NL")
    lea = context.new_page()
    open_chain_page(lea, server.url, "lea")
    assert "behandelaar" not in levels(lea)
    assert funnel_row(queries.funnel_by_year(data, FIVE), year) in tables(lea)[0]
    expect(lea.locator("[data-testid='stMarkdown']").filter(has_text="Ontbrekende en late stappen")).to_contain_text(
        flags_text(queries.flag_counts(data, year, FIVE)))
    per_school = queries.dropout(data, "school", year, names, FIVE)
    assert (per_school["signaal"] == "<5").any()  # small schools: hidden
    school_table = next(t for t in tables(lea) if t.startswith("SchoolSignaal"))
    assert "<5" in school_table
    everything = lea.locator("[data-testid='stMain']").inner_text() + "".join(tables(lea))
    assert "lpa" not in everything and not any(name in everything for name in officers)  # no officer, no name
    assert lea.locator("[data-testid='stException']").count() == 0
    lea.screenshot(path=SHOTS.format("lea"), full_page=True)
    context.close()


def test_the_youth_file_shows_the_chain_as_a_timeline(demo_copy_url, streamlit_factory, page):
    with_interventions(demo_copy_url)
    data, _, _ = expected(demo_copy_url)
    closed = data.chains[data.chains["uitkomst_on"].notna()].iloc[0]
    engine = make_engine(demo_copy_url)
    with engine.connect() as conn:
        pseudonym = conn.execute(select(Pupil.pseudonym).where(Pupil.id == int(closed["pupil_id"]))).scalar()
    engine.dispose()
    server = streamlit_factory(demo_copy_url)
    log_in(page, server.url, "leerplicht")
    page.goto(f"{server.url}/jongeren?jongere={pseudonym}")
    page.get_by_role("button", name="Uitloggen").wait_for(timeout=60_000)
    wait_ready(page)
    page.get_by_role("tab", name="Zaak").click()
    expect(page.get_by_test_id("stTabs").get_by_text("Keten: van signaal tot terug in de klas")).to_be_visible(timeout=30_000)
    wait_ready(page)
    page.locator("[data-testid='stDataFrame'] table").filter(has_text="Keten").first.wait_for(state="attached")
    timeline = next(t for t in tables(page) if t.startswith("Keten"))
    assert "Signaal" + closed["signaal_on"].isoformat() in timeline  # (the accessible table: ISO dates)
    assert "Uitkomst" + closed["uitkomst_on"].isoformat() in timeline
    assert page.locator("[data-testid='stVegaLiteChart']:visible").count() >= 1
    page.screenshot(path=SHOTS.format("tijdlijn"), full_page=True)
