"""The charts of /keten, in Okabe–Ito colours (told apart with colour-vision deficiencies) with the
house text colour (contrast ≥ 4,5 : 1, ui.chart_theme). A hidden figure is drawn as a grey bar
labelled "verborgen", never as zero or a gap."""
from __future__ import annotations

import altair as alt
import pandas as pd

from ui.chart_theme import TEXT

BLUE, SKY, ORANGE, BLACK = "#0072B2", "#56B4E9", "#E69F00", "#000000"  # Okabe–Ito
HIDDEN_FILL = "#DDDDDD"  # a hidden figure's bar; its label is TEXT on white
WHISKER = "#767676"  # min–max line: the lightest grey with 4,5 : 1 on white
PALETTE = {"bereikt": BLUE, "kwartielen": SKY, "mediaan": BLACK, "bereik": WHISKER, "verborgen": HIDDEN_FILL,
           "aandeel": ORANGE}


def funnel_chart(points: pd.DataFrame) -> alt.LayerChart:
    """One bar per step: youths who reached it (``value``), labelled with count and share
    (``tekst``); ``hidden`` steps as a grey bar the length of the trigger count."""
    order = points["stap"].tolist()
    top = max([v for v in points["value"].tolist() + points["bar"].tolist() if pd.notna(v)] or [1])
    y = alt.Y("stap:N", sort=order, title=None, axis=alt.Axis(labelLimit=260))
    x_scale = alt.Scale(domain=[0, top * 1.35], nice=False, zero=True)
    tooltip = [alt.Tooltip("stap:N", title="Stap"), alt.Tooltip("tekst:N", title="Jongeren")]
    bars = alt.Chart(points).mark_bar(height={"band": 0.7}).encode(
        x=alt.X("bar:Q", title="Jongeren", scale=x_scale), y=y,
        color=_colours(points, {"bereikt": BLUE, "verborgen": HIDDEN_FILL}),
        tooltip=tooltip)
    labels = alt.Chart(points).mark_text(align="left", dx=4, color=TEXT).encode(
        x=alt.X("bar:Q", scale=x_scale), y=y, text="tekst:N", tooltip=tooltip)
    return alt.layer(bars, labels).properties(height=40 * len(points) + 40, width="container")


def step_days_chart(points: pd.DataFrame) -> alt.LayerChart:
    """Per interval: min–max as a line, the quartiles as a bar, the median as a black tick."""
    order = points["stap"].tolist()
    y = alt.Y("stap:N", sort=order, title=None, axis=alt.Axis(labelLimit=260))
    tooltip = [alt.Tooltip("stap:N", title="Tussen"), alt.Tooltip("tekst:N", title="Schooldagen")]
    shown = points[points["median"].notna()]
    x = alt.X("min:Q", title="Schooldagen", scale=alt.Scale(zero=True))
    layers = [
        alt.Chart(shown).mark_rule(color=WHISKER, strokeWidth=2).encode(x=x, x2="max:Q", y=y, tooltip=tooltip),
        alt.Chart(shown).mark_bar(color=SKY, height={"band": 0.6}).encode(x="q1:Q", x2="q3:Q", y=y, tooltip=tooltip),
        alt.Chart(shown).mark_tick(color=BLACK, thickness=3, size=24).encode(x="median:Q", y=y, tooltip=tooltip),
    ]
    hidden = points[points["median"].isna()]
    if not hidden.empty:
        layers.append(alt.Chart(hidden).mark_text(align="left", color=TEXT).encode(
            x=alt.value(4), y=y, text="tekst:N", tooltip=tooltip))
    return alt.layer(*layers).properties(height=36 * len(points) + 40, width="container")


def share_by_year_chart(points: pd.DataFrame, title: str) -> alt.LayerChart:
    """A share per school year as a bar (``pct``), with its text; a hidden or missing year as a
    grey full-height bar with the reason (``tekst``)."""
    x = alt.X("jaar:N", title="Schooljaar", sort=points["jaar"].tolist())
    scale = alt.Scale(domain=[0, 100])
    tooltip = [alt.Tooltip("jaar:N", title="Schooljaar"), alt.Tooltip("tekst:N", title=title)]
    bars = alt.Chart(points).mark_bar(width={"band": 0.7}).encode(
        x=x, y=alt.Y("bar:Q", title=f"{title} (%)", scale=scale),
        color=_colours(points, {"aandeel": ORANGE, "verborgen": HIDDEN_FILL}),
        tooltip=tooltip)
    labels = alt.Chart(points).mark_text(dy=-8, color=TEXT).encode(
        x=x, y=alt.Y("label_y:Q", scale=scale), text="kort:N", tooltip=tooltip)
    return alt.layer(bars, labels).properties(height=260, width="container")


def _colours(points: pd.DataFrame, colours: dict[str, str]) -> alt.Color:
    """The kinds present only: a legend entry "verborgen" with nothing hidden would mislead."""
    domain = [kind for kind in colours if kind in set(points["soort"])]
    return alt.Color("soort:N", title=None, scale=alt.Scale(domain=domain, range=[colours[k] for k in domain]),
                     legend=alt.Legend(orient="top"))
