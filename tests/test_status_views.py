"""The status page's cached views against the straightforward rendering.

The page sends ready texts (ui.status.tiles.OverviewView, one per period and programme/portfolio
holder selection) and a ready Vega-Lite spec (ui.status.charts.HistoryView, one per action),
cached by the filter values. Here they are compared with what the page sent before it cached
them: the overview frame filtered per selection, the evidence frame filtered per tile, the
versions read per tile, the Altair chart converted by st.altair_chart itself. On the hand-made
fixture and the demo municipality, for every period × programme × portfolio holder × "Alleen
niet-groen" × personal data hidden or not; on PostgreSQL; and after a new report (the page
clears the cache when it saves one).
"""
from __future__ import annotations

import itertools

import pandas as pd
import pytest
from sqlalchemy import Connection

import test_status_support as fixture
from data_access import kpis
from data_access.db import make_engine
from data_access.definitions import DEFAULTS, Suppressor
from data_access.queries import status as q
from data_access.status_reports import NewReport, add_report
from ui import cache
from ui.status import charts as status_charts
from ui.status import data as status_data
from ui.status import tiles as status_tiles
from ui import format as fmt
from ui.text import plain  # people's text is escaped, never markdown (issue 17 #4)
from ui.streamlit_private import vega_lite_spec
from ui.status.tiles import (
    LIGHT_COLUMNS, Selection, badge, changes_since, explanation_lines, kpi_line, light_text, local_time,
    no_report_text,
)

FIVE = Suppressor(5)  # the default threshold


# --- the straightforward rendering (what the page sent before the views) ----------------------


def reference_tile(row, evidence: pd.DataFrame, period: q.Period, previous: q.Period | None,
                   conn: Connection) -> list[tuple[str, str]]:
    """(kind, text) of the elements of one tile; consecutive markdown joined by a paragraph break,
    as the page now sends it. ``evidence``: all evidence rows, filtered here for this action."""
    own = evidence[evidence["action_id"] == row["action_id"]]
    reported = row["quality"] if isinstance(row["quality"], str) else None
    planned = f" · gepland gereed {fmt.date(row['planned_end'])}" if status_tiles._present(row["planned_end"]) else ""
    out = [("markdown", f"**{plain(row['code'])} — {plain(row['title'])}**"),
           ("caption", f"{plain(row['programme'])} · portefeuillehouder {plain(row['portfolio_holder'])}{planned}")]
    details = []
    if reported is None:
        out.append(("info", no_report_text(row["planned_end"], period)))
    else:
        out.append(("markdown", "  \n".join(f"**{label}** {badge(row[key])}" for key, label in LIGHT_COLUMNS.items())))
        out.append(("caption", changes_since(row, previous)))
        if lines := explanation_lines(row):
            details.append("  \n".join(f"**{label}:** {plain(text, multiline=True)}" for label, text in lines))
    warning = None
    if not own.empty:
        start, end = kpis.kpi_window(period.end)
        details.append(f"**Bewijs uit de gegevens** (schooljaar {fmt.school_year(start.year)} t/m {fmt.date(end)})  \n"
                       + "  \n".join(kpi_line(k) for k in own.itertuples()))
        suggested = kpis.worst_colour(own["suggested"])
        if kpis.evidence_mismatch(suggested, reported):
            warning = (f"Het bewijs wijst op {light_text(suggested)} voor Kwaliteit; gerapporteerd is "
                       f"{light_text(reported)}. De gerapporteerde kleur blijft het oordeel van de "
                       "leerplichtambtenaar.")
    if details:
        out.append(("markdown", "\n\n".join(details)))
    if warning:
        out.append(("warning", warning))
    if reported is not None:
        out.append(("caption", f"Gerapporteerd door {plain(row['author_name'])} op {local_time(row['created_at'])}"
                    + (f" · {row['versions']} versies (correcties)" if row["versions"] > 1 else "")))
        if row["versions"] > 1:
            versions = q.report_versions(conn, int(row["action_id"]), period.id).iloc[1:]
            out.append(("expander-markdown", "\n\n".join(
                f"{local_time(v.created_at)}, {plain(v.author_name)}: "
                + " · ".join(f"{label} {light_text(getattr(v, key))}" for key, label in LIGHT_COLUMNS.items())
                for v in versions.itertuples())))
    return out


def view_tile(tile: status_tiles.TileView) -> list[tuple[str, str]]:
    """The elements action_tile sends for a view, in the same form."""
    out = [("markdown", tile.title), ("caption", tile.caption)]
    if tile.no_report:
        out.append(("info", tile.no_report))
    else:
        out += [("markdown", tile.lights), ("caption", tile.changes)]
    if tile.details:
        out.append(("markdown", tile.details))
    if tile.warning:
        out.append(("warning", tile.warning))
    if tile.authorship:
        out.append(("caption", tile.authorship))
    if tile.versions:
        out.append(("expander-markdown", "\n\n".join(tile.versions)))
    return out


def reference_summary(counts: pd.DataFrame) -> list[str]:
    return [f"**{light}**  \n" + status_tiles.summary_badges(counts, light) for light in LIGHT_COLUMNS.values()]


def selections(conn: Connection):
    """Every period (with its previous one) × programme × portfolio holder, None meaning all."""
    periods = q.reporting_periods(conn)
    actions = q.actions(conn)
    programmes = [None, *sorted(actions["programme"].unique())]
    holders = [None, *sorted(actions["portfolio_holder"].unique())]
    for period, programme, holder in itertools.product(periods, programmes, holders):
        yield period, q.previous_period(periods, period.id), programme, holder


def check_views(conn: Connection, view_of) -> int:
    """Compare ``view_of(conn, period, previous, programme, holder, suppressor)`` with the reference
    for every selection; returns the number of tiles compared."""
    compared = 0
    for (period, previous, programme, holder), suppressor in itertools.product(selections(conn), (FIVE, None)):
        overview, counts = q.period_status(conn, period.id, previous.id if previous else None, programme, holder)
        evidence = q.evidence(conn, period, DEFAULTS, suppressor)
        view = view_of(conn, period, previous, programme, holder, suppressor)
        assert [text for _, text in view.summary] == reference_summary(counts)
        assert view.any_report == (not overview["report_id"].isna().all())
        for only_not_green in (False, True):
            shown = status_tiles.apply_selection(overview, Selection(period, programme, holder, only_not_green))
            expected = [reference_tile(row, evidence, period, previous, conn) for _, row in shown.iterrows()]
            got = [view_tile(tile) for tile in status_tiles.visible_tiles(view, only_not_green)]
            assert got == expected, (period.name, programme, holder, suppressor, only_not_green)
            compared += len(got)
    return compared


def built_view(conn, period, previous, programme, holder, suppressor) -> status_tiles.OverviewView:
    """status_tiles.overview_view as ui.status.data calls it, without the cache."""
    overview, counts = q.period_status(conn, period.id, previous.id if previous else None, programme, holder)
    return status_tiles.overview_view(overview, counts, q.evidence(conn, period, DEFAULTS, suppressor), period,
                                      previous, programme, holder,
                                      lambda action_id: q.report_versions(conn, action_id, period.id))


def reference_history(conn: Connection, action_id: int) -> tuple[pd.DataFrame, list[q.Period]]:
    history = q.history(conn)
    return history[history["action_id"] == action_id], q.reporting_periods(conn)


def reference_explanation(of_action: pd.DataFrame, periods: list[q.Period]) -> list[str]:
    """One markdown per period with a report, newest first (as the page sent them before)."""
    reports = of_action.set_index("period_id")
    texts = []
    for period in reversed(periods):
        if period.id not in reports.index:
            continue
        report = reports.loc[period.id]
        lights = " · ".join(f"{label} {light_text(report[key])}" for key, label in LIGHT_COLUMNS.items())
        lines = explanation_lines(report) or [("Toelichting", "alle lichten groen")]
        texts.append(f"**{plain(period.name)}** ({fmt.date(period.start)} t/m {fmt.date(period.end)}) — {lights}  \n"
                     + "  \n".join(f"{label}: {plain(text, multiline=True)}" for label, text in lines))
    return texts


def check_history(conn: Connection, view_of) -> int:
    """``view_of(action_id, title, code)`` against the chart and texts built from the history."""
    actions = q.actions(conn)
    checked = 0
    for action in actions.itertuples():
        of_action, periods = reference_history(conn, action.action_id)
        title = f"{action.code} — {action.title}"
        view = view_of(action.action_id, title, action.code)
        if of_action.empty:
            assert view is None
            continue
        chart = status_charts.timeline_chart(status_charts.timeline_frame(of_action, periods), f"Verloop {title}")
        assert view.spec == vega_lite_spec(chart)  # what st.altair_chart would send
        assert view.chart().to_dict() == chart.to_dict()  # the downloads
        assert view.explanation.split("\n\n") == reference_explanation(of_action, periods)
        assert (view.title, view.code) == (title, action.code)
        checked += 1
    return checked


# --- the hand-made fixture and the demo -----------------------------------------------------


def test_views_equal_the_straightforward_rendering_on_the_fixture(engine):
    fixture.build(engine)
    with engine.connect() as conn:
        assert check_views(conn, built_view) > 50
        assert check_history(conn, lambda action_id, title, code: status_charts.history_view(
            *reference_history(conn, action_id), title, code)) == 4


def test_views_equal_the_straightforward_rendering_on_the_demo(demo_url):
    engine = make_engine(demo_url)
    with engine.connect() as conn:
        assert check_views(conn, built_view) > 100
        assert check_history(conn, lambda action_id, title, code: status_charts.history_view(
            *reference_history(conn, action_id), title, code)) > 0
    engine.dispose()


def test_views_equal_the_straightforward_rendering_on_postgresql(pg_engine):
    fixture.build(pg_engine)
    with pg_engine.connect() as conn:
        assert check_views(conn, built_view) > 50
        assert check_history(conn, lambda action_id, title, code: status_charts.history_view(
            *reference_history(conn, action_id), title, code)) == 4


# --- through the cache (ui.status.data), and after a new report ------------------------------


def cached_view(conn, period, previous, programme, holder, suppressor) -> status_tiles.OverviewView:
    return status_data.overview_view(period.id, previous.id if previous else None, programme, holder, DEFAULTS,
                                     suppressor)


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_cached_views_follow_a_new_report(database, request, app_env):
    """The cached views equal the reference; after a report is added and the cache cleared (as the
    page's save does), they show it — tiles, summary, history and the export's overview."""
    engine = request.getfixturevalue("engine" if database == "sqlite" else "pg_engine")
    ids = fixture.build(engine)
    app_env(engine.url.render_as_string(hide_password=False))
    with engine.connect() as conn:
        check_views(conn, cached_view)
        check_history(conn, status_data.history_view)

    t1, t3 = ids["periods"]["2024-T1"], ids["periods"]["2023-T3"]
    before = status_data.overview_view(t1, t3, None, None, DEFAULTS, FIVE)
    with engine.begin() as conn:
        add_report(conn, NewReport(ids["actions"]["LEA-04"], t1, "groen", "groen", "groen", "", "", ""),
                   username="lpa", roles=["leerplicht"])
    assert status_data.overview_view(t1, t3, None, None, DEFAULTS, FIVE) == before  # cached for its TTL
    cache.invalidate()  # what the page's save_report does
    after = status_data.overview_view(t1, t3, None, None, DEFAULTS, FIVE)
    lea04 = next(tile for tile in after.tiles if tile.title.startswith("**LEA-04"))
    assert lea04.lights == "**Kwaliteit** :green-badge[● groen]  \n**Tijd** :green-badge[● groen]  \n" \
                           "**Geld** :green-badge[● groen]"
    assert lea04.versions and lea04.authorship.endswith("· 2 versies (correcties)")
    assert after.summary[0][1].startswith("**Kwaliteit**  \n:green-badge[● 3 groen] :orange-badge[▲ 1 oranje] "
                                          ":red-badge[■ 0 rood]")
    with engine.connect() as conn:
        check_views(conn, cached_view)
        check_history(conn, status_data.history_view)
        assert status_data.overview(t1, t3).equals(q.overview(conn, t1, t3))
