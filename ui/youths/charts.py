"""The absence calendar of one youth: a heat map of school days (weekday × week) by category."""
from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd

from data_access.definitions.calendar import as_date, week_start
from ui import format as fmt
from ui.labels import CATEGORY_LABELS

WEEKDAYS = ["ma", "di", "wo", "do", "vr"]
PRESENT = "geen verzuim"
NO_SCHOOL = "vakantie / vrij"
# colour per category: the unauthorised ones warm, the authorised ones cool, nothing grey
PALETTE = {
    # the /scholen category colours (Okabe–Ito: no red beside green)
    "ongeoorloofd": "#D55E00", "te laat": "#E69F00", "luxeverzuim": "#CC79A7", "schorsing": "#7f3b08",
    "ziek": "#0072B2", "geoorloofd": "#56B4E9", "onbekende code": "#7f8c8d",
    PRESENT: "#e3e7ea", NO_SCHOOL: "#faf6e8",
}


def calendar_grid(school_days: list[dt.date], absence: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """One row per weekday from the week of the first school day up to today: the category with
    the most hours that day (its colour), all categories for the tooltip."""
    if not school_days:
        return pd.DataFrame(columns=["date", "week", "week_label", "weekday", "status", "hours", "detail"])
    first = week_start(school_days[0])
    days = [first + dt.timedelta(days=i) for i in range((today - first).days + 1)]
    days = [d for d in days if d.weekday() < 5]
    is_school_day = set(school_days)
    per_day: dict[dt.date, list[tuple[str, float]]] = {}
    for row in absence.itertuples():
        day = as_date(row.date)
        per_day.setdefault(day, []).append((CATEGORY_LABELS.get(row.category, row.category), float(row.hours)))
    records = []
    for day in days:
        found = sorted(per_day.get(day, []), key=lambda item: -item[1])
        if found:
            status = found[0][0]
        else:
            status = PRESENT if day in is_school_day else NO_SCHOOL
        monday = week_start(day)
        records.append({
            "date": fmt.date(day), "week": monday.isoformat(), "week_label": str(monday.isocalendar().week),
            "weekday": WEEKDAYS[day.weekday()], "status": status,
            "hours": sum(h for _, h in found),
            "detail": "; ".join(f"{c} {fmt.number(h, 2)} u" for c, h in found) or status,
        })
    return pd.DataFrame(records)


def calendar_heatmap(grid: pd.DataFrame) -> alt.Chart:
    """Fixed cell size (not the container's width): it also draws right inside a hidden tab."""
    weeks = list(dict.fromkeys(grid.sort_values("week")["week_label"]))
    present = [k for k in PALETTE if k in set(grid["status"])]
    return (
        alt.Chart(grid)
        .mark_rect(stroke="#ffffff", strokeWidth=1.5, cornerRadius=2)
        .encode(
            x=alt.X("week_label:O", sort=weeks, title="Week", axis=alt.Axis(labelAngle=0, labelOverlap=True)),
            y=alt.Y("weekday:O", sort=WEEKDAYS, title=None, axis=alt.Axis(labelOverlap=False)),
            color=alt.Color("status:N", title="Verzuim die dag",
                            scale=alt.Scale(domain=present, range=[PALETTE[k] for k in present]),
                            legend=alt.Legend(orient="bottom", columns=5)),
            tooltip=[alt.Tooltip("date:N", title="Datum"), alt.Tooltip("week_label:N", title="Week"),
                     alt.Tooltip("detail:N", title="Verzuim")],
        )
        .properties(width=alt.Step(19), height=alt.Step(19))
    )


def hours_by_category(absence: pd.DataFrame) -> pd.DataFrame:
    """Total hours per category this school year, Dutch, largest first."""
    if absence.empty:
        return pd.DataFrame(columns=["Categorie", "Uren", "Dagen"])
    grouped = absence.groupby("category").agg(hours=("hours", "sum"), days=("date", "nunique"))
    grouped = grouped.sort_values("hours", ascending=False)
    return pd.DataFrame({
        "Categorie": [CATEGORY_LABELS.get(c, c) for c in grouped.index],
        "Uren": [fmt.number(h, 2) for h in grouped["hours"]],
        "Dagen": grouped["days"].to_numpy(),
    })
