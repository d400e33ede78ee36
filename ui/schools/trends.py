"""Trends tab: absence rate per week / month / school year, by category, with COVID closures
and holidays shaded."""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from data_access.definitions import Suppressor
from data_access.definitions.calendar import school_year_bounds, school_year_label, school_year_of
from data_access.queries import schools as queries
from ui import format as fmt
from ui.schools import data
from ui.downloads import chart_downloads
from ui.schools.charts import ChartStyle, trend_by_category, trend_by_series
from ui.schools.controls import PageContext, explain, remember
from ui.labels import CATEGORY_LABELS
from ui.schools.labels import DEFAULT_TREND_CATEGORIES, GRAIN_LABELS, PERIOD_KIND_LABELS
from ui.schools.tables import table_downloads
from ui.streamlit_private import vega_lite_spec
from ui.db import engine
from ui.text import plain

CATEGORIES_KEY = "schools_trend_categories"
YEARS_KEY = "schools_trend_years"


def trends_section(ctx: PageContext) -> None:
    years = data.load(data.school_years)
    if not years:
        st.info("Er zijn nog geen leerlingaantallen per schooljaar; zonder noemer kan geen verzuimpercentage "
                "worden berekend. Importeer eerst de teldatum-gegevens.", icon=":material/info:")
        return
    grain, first_year, last_year, categories = _trend_controls(ctx, years)
    start, _ = school_year_bounds(first_year)
    _, end = school_year_bounds(last_year)
    scope = ctx.scope
    if not categories:
        st.info("Geen categorie gekozen: kies bij ‘Categorieën’ minstens één soort verzuim.",
                icon=":material/info:")
        return
    view = data.load(_trend_view, start, end, grain, scope.school_ids, tuple(categories), scope.per_school,
                     ctx.suppressor, ctx.settings.hours_per_day, scope.label, scope.sectors, ctx.meeting)
    if view is None:
        st.info("Geen verzuimgegevens voor deze selectie en periode.", icon=":material/info:")
        return

    heading = f"Verzuim per {GRAIN_LABELS[grain].lower()} — {plain(scope.label)}"  # school/board names: text
    st.subheader(heading)
    through = data.load(data.registered_through, scope.school_ids, end)
    if through is not None and through < end:
        st.caption(f"Cijfers t/m {fmt.date(through)}: de laatste dag waarop geregistreerd is. Elke school telt tot "
                   "haar eigen laatste registratiedag, zodat dagen zonder gegevens het percentage niet verlagen.")
    if view.all_hidden:
        st.info("Alle waarden in deze selectie zijn verborgen omdat er minder dan "
                f"{ctx.threshold} leerlingen achter zitten. Kies een grotere selectie of een langere periode.",
                icon=":material/visibility_off:")
        return
    chart = _DownloadChart(view, ctx.style)
    if view.spec is not None:
        st.vega_lite_chart(spec=view.spec, width="stretch")  # exactly what st.altair_chart(chart) would send
    else:
        st.altair_chart(chart.build(), width="stretch")
    hidden = view.hidden
    explain("Verzuimpercentage = verzuimuren ÷ (ingeschreven leerlingen op 1 oktober × schooluren in de "
            "periode). Schooluren: schooldagen (werkdagen zonder vakanties) × uren per schooldag. Een maand is een "
            "kalendermaand: een week over twee maanden telt per dag in elk van beide. Gekleurde banden: COVID-sluitingen en vakanties. "
            "Wijs een staaf of punt aan voor teller en noemer."
            + (f" {hidden} waarde(n) verborgen: minder dan {ctx.threshold} leerlingen." if hidden else ""),
            ctx.meeting)
    if view.panel is not None:
        st.markdown("**Ongeoorloofd verzuim, luxeverzuim en te laat** — met een eigen schaal, zodat deze kleine "
                    "maar belangrijke aandelen leesbaar zijn naast het totaal")
        st.altair_chart(trend_by_category(view.panel, view.periods, ctx.style, grain,
                                          "Verzuim (% van de schooluren)", 2),
                        width="stretch")
    if not ctx.meeting:
        chart_downloads(chart, f"verzuim-trend-{grain}", key="schools-trend-chart")
        table_downloads(view.table, f"verzuim-trend-{grain}", key="schools-trend-table")


@dataclass(frozen=True)
class TrendView:
    """Everything the trends chart needs for one selection, built once and cached."""

    per_school: bool
    all_hidden: bool
    hidden: int
    points: pd.DataFrame  # tooltip columns, as charted
    periods: pd.DataFrame  # shaded bands
    table: pd.DataFrame  # the download table
    spec: dict | None  # the Vega-Lite spec (datasets as Arrow) st.altair_chart would send, if available
    grain: str = "month"
    panel: pd.DataFrame | None = None  # unauthorised categories on their own scale (not per school)

    def chart(self, style: ChartStyle):
        if self.per_school:
            return trend_by_series(self.points, self.periods, style, self.grain)
        return trend_by_category(self.points, self.periods, style, self.grain)


class _DownloadChart:
    """The Altair chart, built only when a PNG or SVG download asks for it."""

    def __init__(self, view: TrendView, style: ChartStyle):
        self.view, self.style = view, style

    def build(self):
        return self.view.chart(self.style)

    def to_json(self, *args, **kwargs) -> str:
        return self.build().to_json(*args, **kwargs)


@st.cache_data(ttl=data.TTL, max_entries=32, show_spinner=False)  # an entry: 0.1-0.7 MB at region scale
def _trend_view(start: dt.date, end: dt.date, grain: str, school_ids: tuple[int, ...] | None,
                categories: tuple[str, ...], per_school: bool, suppressor: Suppressor | None, hours_per_day: float,
                label: str, sectors: tuple[str, ...], meeting: bool) -> TrendView | None:
    """Tooltips, shading, download table and chart spec for one selection (None: no absence data).

    The one cache of the tab, keyed by the filters: a rerun with the same filters reuses the
    data and the Altair spec, which alone takes longer than the rest of the page."""
    with engine().connect() as conn:
        trend = queries.trend_view(conn, start, end, grain, school_ids, categories, per_school,
                                   hours_per_day=hours_per_day, suppressor=suppressor)
    if trend is None:
        return None
    points = _with_tooltips(trend.points, grain, label)
    panel = None if trend.panel is None else _with_tooltips(trend.panel, grain, label)
    periods = _shading(trend.periods, sectors, start, end)
    view = TrendView(per_school, trend.all_hidden, trend.hidden, points, periods, _download_table(points), None,
                     grain, panel)
    if trend.all_hidden:
        return view
    spec = vega_lite_spec(view.chart(ChartStyle(meeting)))
    return TrendView(per_school, False, trend.hidden, points, periods, view.table, spec, grain, panel)


def _trend_controls(ctx: PageContext, years: list[int]) -> tuple[str, int, int, list[str]]:
    remember("schools_trend_grain", "month")
    remember(CATEGORIES_KEY, list(DEFAULT_TREND_CATEGORIES))
    stored = st.session_state.get(YEARS_KEY)
    if stored is not None and not (isinstance(stored, (tuple, list)) and set(stored) <= set(years)):
        del st.session_state[YEARS_KEY]
    left, middle = st.columns([2, 3])
    grain = left.segmented_control("Per", list(GRAIN_LABELS), key="schools_trend_grain",
                                   format_func=GRAIN_LABELS.get) or "month"
    if len(years) > 1:
        # a range slider needs its (tuple) value on every run, else a rerun turns it into one year
        first, last = middle.select_slider("Schooljaren", options=years, value=(years[0], years[-1]),
                                           key=YEARS_KEY, format_func=school_year_label)
    else:
        first = last = years[0]
        middle.markdown(f"Schooljaar **{school_year_label(first)}**")
    if not ctx.meeting:
        st.multiselect("Categorieën", list(CATEGORY_LABELS), key=CATEGORIES_KEY, format_func=CATEGORY_LABELS.get,
                       placeholder="Kies categorieën")
    return grain, first, last, list(st.session_state[CATEGORIES_KEY])


def period_label(start: pd.Timestamp, grain: str) -> str:
    day = start.date()
    if grain == "week":
        return f"{fmt.week(day)} ({fmt.date(day)})"
    if grain == "month":
        return f"{fmt.MONTHS[day.month - 1]} {day.year}"
    return f"schooljaar {school_year_label(school_year_of(day))}"


def _period_labels(starts: pd.Series, grain: str) -> list[str]:
    """period_label per row, worked out once per distinct period."""
    codes, uniques = pd.factorize(starts)
    labels = [period_label(u, grain) for u in uniques]
    return [labels[c] for c in codes]


def _with_tooltips(points: pd.DataFrame, grain: str, selection: str) -> pd.DataFrame:
    out = points.copy()
    if "category" in out:
        out["categorie"] = out["category"].map(CATEGORY_LABELS)
        out["volgorde"] = out["category"].map({c: i for i, c in enumerate(CATEGORY_LABELS)})
    else:
        out["categorie"] = "gekozen categorieën samen"
    if "rate_reden" not in out:
        out["rate_reden"] = ""
    out["period_start"] = pd.to_datetime(out["period_start"])
    out["period_end"] = pd.to_datetime(out["period_end"])
    rate_pct = pd.to_numeric(out["rate"].astype(object), errors="coerce").astype(float) * 100
    out["rate_pct"] = rate_pct.to_numpy()
    out["periode"] = _period_labels(out["period_start"], grain)
    out["reeks"] = out["series"].where(out["series"] != "selectie", selection)
    reasons = out["rate_reden"].tolist()
    percents = fmt.numbers(rate_pct.tolist(), 2)
    out["verzuim"] = [reason or ("geen schooldagen" if math.isnan(r) else f"{p}%")
                      for reason, r, p in zip(reasons, rate_pct.tolist(), percents)]
    out["teller"] = ["verborgen" if reason else f"{h} uur"
                     for h, reason in zip(fmt.numbers(out["hours"].tolist(), 1), reasons)]
    out["noemer"] = [f"{h} uur" for h in fmt.numbers(out["possible_hours"].tolist(), 0)]
    out["leerlingen"] = fmt.numbers(out["pupils"].tolist(), 0)
    return out


def _shading(periods: pd.DataFrame, sectors: tuple[str, ...], start: dt.date, end: dt.date) -> pd.DataFrame:
    """Periods for the selection's sectors, clipped to the chart, one band per kind and dates."""
    if periods.empty:
        return pd.DataFrame(columns=["start", "end_exclusive", "kind", "soort", "naam", "van", "tot", "sectoren"])
    relevant = periods[periods["sector"].isna() | periods["sector"].isin(sectors)].copy()
    relevant["sectoren"] = relevant["sector"].fillna("alle")
    sectors_of: dict[tuple, set[str]] = {}
    for key, sector in zip(zip(relevant["kind"], relevant["start"], relevant["end"]), relevant["sectoren"]):
        sectors_of.setdefault(key, set()).add(sector)
    merged = relevant.groupby(["kind", "start", "end"], as_index=False).agg(naam=("name", "first"))
    merged["sectoren"] = [", ".join(sorted(sectors_of[key]))
                          for key in zip(merged["kind"], merged["start"], merged["end"])]
    merged["van"] = merged["start"].map(fmt.date)
    merged["tot"] = merged["end"].map(fmt.date)
    merged["soort"] = merged["kind"].map(PERIOD_KIND_LABELS)
    merged["start"] = pd.to_datetime(merged["start"].map(lambda d: max(d, start)))
    merged["end_exclusive"] = pd.to_datetime(merged["end"].map(lambda d: min(d, end))) + pd.Timedelta(days=1)
    return merged[["start", "end_exclusive", "kind", "soort", "naam", "van", "tot", "sectoren"]]


def _download_table(points: pd.DataFrame) -> pd.DataFrame:
    table = pd.DataFrame({
        "Periode": points["periode"], "Selectie": points["reeks"], "Categorie": points["categorie"],
        "Verzuim (%)": points["rate_pct"].round(3), "Verzuimuren (teller)": pd.to_numeric(points["hours"]).round(1),
        "Mogelijke uren (noemer)": points["possible_hours"].round(1),
        "Leerlingen ingeschreven": points["pupils"],
        "Toelichting": points["rate_reden"],
    })
    return table
