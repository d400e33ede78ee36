"""What lea's browser receives for a period that starts mid-week equals the definitions (/scholen, /covid).

Issue 16: "one test per page, as lea, that reads the figures the browser receives for a period
starting mid-week and checks them against hand-computed values". The period is the demo's
second closure of primary schools, Wednesday 16-12-2020 – Sunday 07-02-2021. The expected
figures are recomputed here from the raw rows (absence, school_enrolment, period) with plain
pandas, straight from DESIGN.md's Definitions — exact dates (Monday 14 and Tuesday 15 December
do not count), school days = weekdays outside the sector's holidays, up to the school's last
registered day; a rate is hidden for lea when fewer than 5 pupils stand behind it.
"""
from __future__ import annotations

import datetime as dt
import io
import re

import pandas as pd
from sqlalchemy import text

from playwright.sync_api import expect

from conftest import log_in, wait_ready
from data_access.db import make_engine
from ui import format as fmt

START, END = dt.date(2020, 12, 16), dt.date(2021, 2, 7)
LABEL = "Tweede schoolsluiting (COVID-19) (16-12-2020 – 07-02-2021)"
THRESHOLD = 5  # the demo's suppression threshold for lea


def recompute(url: str) -> pd.DataFrame:
    """Per school: absence hours, possible hours and pupils behind them, per category and in total."""
    engine = make_engine(url)
    with engine.connect() as conn:
        schools = pd.read_sql(text("SELECT id, name, sector FROM school WHERE in_scope = :yes"), conn,
                              params={"yes": True})
        absence = pd.read_sql(text("SELECT school_id, pupil_id, date, hours, category FROM absence "
                                   "WHERE date >= :start AND date <= :end"), conn,
                              params={"start": START, "end": END})
        last = pd.read_sql(text("SELECT school_id, MAX(date) AS last FROM absence GROUP BY school_id"), conn)
        holidays = pd.read_sql(text("SELECT start, \"end\", sector FROM period WHERE kind = 'vakantie'"), conn)
        pupils = pd.read_sql(text("SELECT school_id, pupils FROM school_enrolment WHERE school_year = 2020"), conn)
        per_day = float(conn.execute(text("SELECT value FROM setting WHERE key = 'hours_per_day'")).scalar() or 5.5)
    engine.dispose()
    absence["date"] = pd.to_datetime(absence["date"]).dt.date
    last_day = {s: pd.Timestamp(d).date() for s, d in zip(last["school_id"], last["last"])}
    enrolled = dict(zip(pupils["school_id"], pupils["pupils"]))
    days = [START + dt.timedelta(days=i) for i in range((END - START).days + 1)]
    rows = []
    for school in schools.itertuples():
        off = holidays[holidays["sector"].isna() | (holidays["sector"] == school.sector)]
        school_days = [d for d in days if d.weekday() < 5 and d <= last_day.get(school.id, END)
                       and not any(pd.Timestamp(s).date() <= d <= pd.Timestamp(e).date()
                                   for s, e in zip(off["start"], off["end"]))]
        mine = absence[absence["school_id"] == school.id]
        possible = enrolled.get(school.id, 0) * len(school_days) * per_day
        row = {"name": school.name, "possible": possible, "hours_total": mine["hours"].sum(),
               "pupils_total": mine["pupil_id"].nunique()}
        for category in ("ongeoorloofd", "luxe", "ziek"):
            part = mine[mine["category"] == category]
            row[f"hours_{category}"] = part["hours"].sum()
            row[f"pupils_{category}"] = part["pupil_id"].nunique()
        rows.append(row)
    return pd.DataFrame(rows).set_index("name")


def test_the_comparison_of_a_closure_from_a_wednesday(demo_copy_url, streamlit_factory, page):
    expected = recompute(demo_copy_url)
    # the window's own dates: 16-12 – 18-12 (3 days), then the Christmas holiday, then
    # 04-01 – 05-02 (25 days): a school with data throughout has 28 school days
    assert expected["possible"].max() > 0
    server = streamlit_factory(demo_copy_url)
    page.set_viewport_size({"width": 1440, "height": 1800})
    log_in(page, server.url, "lea")
    page.goto(f"{server.url}/scholen?weergave=Scholen+vergelijken")
    wait_ready(page, timeout=60_000)
    page.get_by_label("Schooljaar of periode").click()
    page.get_by_role("option", name=LABEL).click()
    page.wait_for_timeout(600)
    wait_ready(page, timeout=60_000)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    shown = pd.read_csv(io.BytesIO(open(download.value.path(), "rb").read()), sep=";", decimal=",",
                        encoding="utf-8-sig", thousands=".").set_index("Naam")

    schools = [name for name in expected.index if name in shown.index]
    assert len(schools) == len(expected) > 5
    municipal = [n for n in shown.index if n.startswith("Gemeente")]
    assert municipal, shown.index.tolist()
    total = shown.loc[municipal[0], "Verzuim totaal (%)"]
    assert abs(total - 100 * expected["hours_total"].sum() / expected["possible"].sum()) < 0.0011
    checked = hidden = 0
    for name in schools:
        want = expected.loc[name]
        for category, header in (("total", "Verzuim totaal (%)"), ("ongeoorloofd", "Ongeoorloofd (%)"),
                                 ("luxe", "Luxeverzuim (%)"), ("ziek", "Ziek (%)")):
            if header not in shown.columns:
                continue
            value = shown.loc[name, header]
            people = want[f"pupils_{category}"]
            if 0 < people < THRESHOLD:
                assert pd.isna(value), (name, header, people)  # hidden for lea: fewer than 5 pupils
                hidden += 1
            elif not pd.isna(value):  # (a cell may also be hidden to protect another: "•")
                assert abs(value - 100 * want[f"hours_{category}"] / want["possible"]) < 0.0011, (name, header)
                checked += 1
    assert checked >= len(schools) and hidden >= 1  # every total, and the small cells hidden


def recompute_school_contacts(url: str) -> tuple[int, int, int]:
    """(primary schools in scope, those with an officer contact in the window, the contacts):
    DESIGN's school contact rate, from the contact rows; newsletters and information sessions
    are not contact with one school."""
    engine = make_engine(url)
    with engine.connect() as conn:
        schools = pd.read_sql(text("SELECT id FROM school WHERE in_scope = :yes AND sector IN ('BAO', 'SBAO', 'SO')"),
                              conn, params={"yes": True})
        rows = pd.read_sql(text("SELECT school_id, date, channel FROM contact WHERE target = 'school' "
                                "AND channel NOT IN ('newsletter', 'info_session')"), conn)
    engine.dispose()
    rows["date"] = pd.to_datetime(rows["date"]).dt.date
    inside = rows[rows["school_id"].isin(schools["id"]) & (rows["date"] >= START) & (rows["date"] <= END)]
    return len(schools), inside["school_id"].nunique(), len(inside)


def test_the_covid_figures_of_a_closure_from_a_wednesday(demo_copy_url, streamlit_factory, page):
    schools, contacted, contacts = recompute_school_contacts(demo_copy_url)
    assert schools > 5 and contacts > 0
    server = streamlit_factory(demo_copy_url)
    page.set_viewport_size({"width": 1440, "height": 1400})
    log_in(page, server.url, "lea")
    page.goto(f"{server.url}/covid")
    wait_ready(page, timeout=60_000)
    page.locator("[data-testid='stSelectbox']").filter(has_text="Periode").first.click()
    page.get_by_role("option").first.wait_for(timeout=30_000)
    page.get_by_role("option", name=re.compile(r"^Tweede schoolsluiting.*16-12-2020 t.m 07-02-2021")).click()
    page.wait_for_timeout(600)
    wait_ready(page, timeout=60_000)
    expect(page.locator("[data-testid='stMarkdown']").filter(has_text="Periode:").first).to_contain_text(
        "Periode: 16-12-2020 t/m 07-02-2021")
    # counts of the officers' own work: shown to lea as they are, from exact dates (Monday 14 and
    # Tuesday 15 December are not in the window)
    tile = page.locator("[data-testid='stMetric']").filter(has_text="Scholen gecontacteerd")
    expect(tile).to_contain_text(fmt.percent(contacted / schools))
    expect(page.get_by_text(f"{contacted} van {schools} scholen").first).to_be_visible()
    expect(page.get_by_text(re.compile(rf"^{contacts} schoolcontacten")).first).to_be_visible()


def test_the_status_evidence_of_a_period_from_a_wednesday(demo_copy_url, streamlit_factory, page):
    """The demo's latest reporting period, 2025-T1, starts on Wednesday 1 January 2025; its evidence
    counts its own days (DESIGN: "Evidence for a status light"), recomputed here from the contact
    rows. /status is the portfolio holder's page (lea has no access to it yet)."""
    first, last = dt.date(2025, 1, 1), dt.date(2025, 4, 30)
    engine = make_engine(demo_copy_url)
    with engine.connect() as conn:
        primary = pd.read_sql(text("SELECT id FROM school WHERE in_scope = :yes AND sector IN ('BAO', 'SBAO', 'SO')"),
                              conn, params={"yes": True})
        rows = pd.read_sql(text("SELECT school_id, date, channel, target FROM contact "
                                "WHERE channel IN ('school_visit', 'newsletter')"), conn)
    engine.dispose()
    rows["date"] = pd.to_datetime(rows["date"]).dt.date
    rows = rows[(rows["date"] >= first) & (rows["date"] <= last)]
    visits = rows[(rows["channel"] == "school_visit") & (rows["target"] == "school")
                  & rows["school_id"].isin(primary["id"])]
    visited, newsletters = visits["school_id"].nunique(), rows.loc[rows["channel"] == "newsletter", "date"].nunique()

    server = streamlit_factory(demo_copy_url)
    page.set_viewport_size({"width": 1440, "height": 2400})
    log_in(page, server.url, "portefeuillehouder")
    page.get_by_role("heading", name="Status LEA-acties").wait_for(timeout=60_000)
    wait_ready(page, timeout=60_000)
    main = page.locator("[data-testid='stMain']")
    expect(main).to_contain_text("Bewijs uit de gegevens (schooldagen van 01-01-2025 t/m 30-04-2025)")
    expect(main).to_contain_text(f"Basisscholen bezocht in de periode: {fmt.percent(visited / len(primary))}")
    expect(main).to_contain_text(f"scholen bezocht {visited}, basisscholen {len(primary)}")
    expect(main).to_contain_text(f"Nieuwsbrieven in de periode: {newsletters} ")
