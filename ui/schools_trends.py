"""Trends tab: absence rate per week / month / school year, by category, with COVID closures
and holidays shaded."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from data_access import metrics
from data_access.queries import schools as queries
from ui import format as fmt
from ui import schools_data as data
from ui.downloads import chart_downloads
from ui.schools_charts import trend_by_category, trend_by_series
from ui.schools_controls import PageContext, explain, remember
from ui.schools_labels import (
    CATEGORY_LABELS, DEFAULT_TREND_CATEGORIES, GRAIN_LABELS, PERIOD_KIND_LABELS,
)
from ui.schools_tables import table_downloads

CATEGORIES_KEY = "schools_trend_categories"
YEARS_KEY = "schools_trend_years"


def trends_section(ctx: PageContext) -> None:
    years = data.load(data.school_years)
    if not years:
        st.info("Er zijn nog geen leerlingaantallen per schooljaar; zonder noemer kan geen verzuimpercentage "
                "worden berekend. Importeer eerst de teldatum-gegevens.", icon=":material/info:")
        return
    grain, first_year, last_year, categories = _trend_controls(ctx, years)
    start, _ = metrics.school_year_bounds(first_year)
    _, end = metrics.school_year_bounds(last_year)
    scope = ctx.scope
    trend = data.load(data.trend, start, end, grain, scope.school_ids, scope.per_school)
    if trend.empty or trend["possible_hours"].sum() == 0:
        st.info("Geen verzuimgegevens voor deze selectie en periode.", icon=":material/info:")
        return
    if scope.per_school:
        points = queries.combine_categories(trend, categories)
    else:
        points = trend[trend["category"].isin(categories)]
    if ctx.suppress:
        points = queries.suppress_trend(points, ctx.threshold)
    points = _with_tooltips(points, grain, scope.label)
    periods = _shading(data.load(data.periods, start, end), scope.sectors, start, end)

    heading = f"Verzuim per {GRAIN_LABELS[grain].lower()} — {scope.label}"
    st.subheader(heading)
    if points["rate_pct"].notna().sum() == 0:
        st.info("Alle waarden in deze selectie zijn verborgen omdat er minder dan "
                f"{ctx.threshold} leerlingen achter zitten. Kies een grotere selectie of een langere periode.",
                icon=":material/visibility_off:")
        return
    chart = (trend_by_series if scope.per_school else trend_by_category)(points, periods, ctx.style)
    st.altair_chart(chart, width="stretch")
    hidden = int((points.get("rate_reden", pd.Series(dtype=str)) != "").sum())
    explain("Verzuimpercentage = verzuimuren ÷ (ingeschreven leerlingen op 1 oktober × schooluren in de "
            "periode). Schooluren: schooldagen (werkdagen zonder vakanties) × uren per schooldag. Een week hoort "
            "bij de maand en het schooljaar van de maandag. Gekleurde banden: COVID-sluitingen en vakanties. "
            "Wijs een staaf of punt aan voor teller en noemer."
            + (f" {hidden} waarde(n) verborgen: minder dan {ctx.threshold} leerlingen." if hidden else ""),
            ctx.meeting)
    if not ctx.meeting:
        chart_downloads(chart, f"verzuim-trend-{grain}", key="schools-trend-chart")
        table_downloads(_download_table(points), f"verzuim-trend-{grain}", key="schools-trend-table")


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
                                           key=YEARS_KEY, format_func=metrics.school_year_label)
    else:
        first = last = years[0]
        middle.markdown(f"Schooljaar **{metrics.school_year_label(first)}**")
    if not ctx.meeting:
        st.multiselect("Categorieën", list(CATEGORY_LABELS), key=CATEGORIES_KEY, format_func=CATEGORY_LABELS.get,
                       placeholder="Kies categorieën")
    categories = st.session_state[CATEGORIES_KEY] or list(DEFAULT_TREND_CATEGORIES)
    return grain, first, last, categories


def period_label(start: pd.Timestamp, grain: str) -> str:
    day = start.date()
    if grain == "week":
        return f"{fmt.week(day)} ({fmt.date(day)})"
    if grain == "month":
        return f"{fmt.MONTHS[day.month - 1]} {day.year}"
    return f"schooljaar {metrics.school_year_label(day.year)}"


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
    out["rate_pct"] = [r * 100 if r is not None and pd.notna(r) else None for r in out["rate"]]
    out["rate_pct"] = out["rate_pct"].astype(float)
    out["periode"] = [period_label(s, grain) for s in out["period_start"]]
    out["reeks"] = out["series"].where(out["series"] != "selectie", selection)
    out["verzuim"] = [reason or ("geen schooldagen" if pd.isna(r) else fmt.percent(r, 2))
                      for r, reason in zip(out["rate"], out["rate_reden"])]
    out["teller"] = ["verborgen" if reason else f"{fmt.number(h, 1)} uur"
                     for h, reason in zip(out["hours"], out["rate_reden"])]
    out["noemer"] = [f"{fmt.number(h, 0)} uur" for h in out["possible_hours"]]
    out["leerlingen"] = [fmt.number(p, 0) for p in out["pupils"]]
    return out


def _shading(periods: pd.DataFrame, sectors: tuple[str, ...], start: dt.date, end: dt.date) -> pd.DataFrame:
    """Periods for the selection's sectors, clipped to the chart, one band per kind and dates."""
    if periods.empty:
        return pd.DataFrame(columns=["start", "end_exclusive", "kind", "soort", "naam", "van", "tot", "sectoren"])
    relevant = periods[periods["sector"].isna() | periods["sector"].isin(sectors)].copy()
    relevant["sectoren"] = relevant["sector"].fillna("alle")
    merged = (relevant.groupby(["kind", "start", "end"], as_index=False)
              .agg(naam=("name", "first"), sectoren=("sectoren", lambda s: ", ".join(sorted(set(s))))))
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
