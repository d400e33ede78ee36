"""Pilot tab: pilot schools against the others before, during and (once it ended) after the
pilot, with the difference-in-differences per phase, its bootstrap interval and plain Dutch
sentences per figure."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from data_access.definitions.suppression import COMPLEMENTARY, COMPLEMENTARY_REASON
from data_access.queries import pilot as pilot_queries
from data_access.queries.pilot import AFTER, BEFORE, DURING, OTHERS, PILOT, PilotEffect
from ui import format as fmt
from ui.schools import data
from ui.downloads import chart_downloads
from ui.schools.charts import pilot_chart
from ui.schools.controls import PageContext, explain
from ui.schools.tables import table_downloads

PHASE_LABELS = {BEFORE: "vóór de pilot", DURING: "tijdens de pilot", AFTER: "na de pilot"}
EXPECTED = "pilotscholen zonder pilot (verwacht)"


class PilotMetric:
    def __init__(self, key: str, title: str, axis: str, name: str, unit: str, decimals: int, suffix: str):
        self.key, self.title, self.axis, self.name = key, title, axis, name
        self.unit, self.decimals, self.suffix = unit, decimals, suffix

    def value(self, v: float | None) -> float | None:
        return None if v is None else (v * 100 if self.key == "compliance" else v)

    def text(self, v: float | None) -> str:
        shown = self.value(v)
        return "–" if shown is None else f"{fmt.number(shown, self.decimals)}{self.suffix}"

    def difference(self, v: float | None) -> str:
        shown = self.value(v)
        if shown is None:
            return "–"
        sign = "+" if shown > 0 else ("−" if shown < 0 else "")
        return f"{sign}{fmt.number(abs(shown), self.decimals)}"


PILOT_METRICS = (
    PilotMetric("compliance", "Meldtrouw 16 uur (%)", "Meldtrouw (%)", "de meldtrouw", "procentpunt", 1, "%"),
    PilotMetric("per_1000", "Meldingen per 1.000 leerlingen per schooljaar", "Meldingen per 1.000",
                "het aantal meldingen per 1.000 leerlingen", "meldingen per 1.000 leerlingen", 1, ""),
)


def two_sentences(effect: PilotEffect, metric: PilotMetric) -> str:
    """What the chart shows for one compared phase, in two plain Dutch sentences."""
    then = PHASE_LABELS[effect.phase]
    first = (f"Bij de pilotscholen ging {metric.name} van {metric.text(effect.pilot_before)} vóór de pilot naar "
             f"{metric.text(effect.pilot_then)} {then}, bij de overige scholen van "
             f"{metric.text(effect.others_before)} naar {metric.text(effect.others_then)}.")
    if effect.low is None:
        return first + (f" Het verschil tussen die twee veranderingen is {metric.difference(effect.did)} "
                        f"{metric.unit}; een betrouwbaarheidsinterval kon niet worden berekend.")
    chance = ("omdat nul buiten dat interval ligt, is dit waarschijnlijk geen toeval"
              if effect.interval_excludes_zero else "omdat nul binnen dat interval ligt, kan dit ook toeval zijn")
    second = (f"Het verschil tussen die twee veranderingen is {metric.difference(effect.did)} {metric.unit} "
              f"(95%-interval {metric.difference(effect.low)} tot {metric.difference(effect.high)}); {chance}.")
    return f"{first} {second}"


def pilot_section(ctx: PageContext) -> None:
    panel, groups, effects = data.load(data.pilot, ctx.compliance_days)
    if panel.empty:
        st.info("Er zijn geen pilotscholen vastgelegd (startdatum pilot bij de school), dus er valt niets te "
                "evalueren.", icon=":material/info:")
        return
    start = pilot_queries.reference_start(panel)
    end = panel["pilot_end"].iloc[0]
    phases = sorted({phase for _, phase in effects}, key=pilot_queries.PHASES.index)
    if groups.empty or not phases:
        st.info(f"De pilot startte op {fmt.date(start)}. Voor een vergelijking zijn zowel pilotscholen als andere "
                "scholen nodig met leerlingen in schooljaren vóór en tijdens de pilot; die zijn er (nog) niet.",
                icon=":material/info:")
        return
    shown = _suppressed_groups(groups, ctx)
    st.subheader("Hielp de registratiepilot?")
    period = f"van {fmt.date(start)} t/m {fmt.date(end)}" if end is not None and pd.notna(end) else \
        f"sinds {fmt.date(start)} (nog geen einddatum)"
    explain(f"Pilotscholen: scholen met een startdatum pilot; de pilot liep {period}. Overige scholen: de andere "
            "scholen in dezelfde sectoren. Vóór = schooljaren die eindigden vóór de start; tijdens = schooljaren "
            "waarin de pilot op de teldatum 1 oktober liep; na = schooljaren met 1 oktober na het einde. Alleen "
            "scholen met leerlingen vóór én in de vergeleken fase tellen mee. Interval: "
            f"{pilot_queries.BOOTSTRAP_REPS} keer scholen opnieuw trekken per groep (bootstrap, vaste seed).",
            ctx.meeting)
    columns = st.columns(len(PILOT_METRICS)) if not ctx.meeting else [st.container() for _ in PILOT_METRICS]
    for column, metric in zip(columns, PILOT_METRICS):
        with column:
            _metric_block(ctx, metric, [effects[(metric.key, phase)] for phase in phases], shown)
    _group_table(ctx, shown)


def _suppressed_groups(groups: pd.DataFrame, ctx: PageContext) -> pd.DataFrame:
    """The group table as shown, by the rule the status evidence of the pilot uses too."""
    return pilot_queries.suppressed_groups(groups, ctx.suppressor if ctx.suppress else None)


def _metric_block(ctx: PageContext, metric: PilotMetric, effects: list[PilotEffect], shown: pd.DataFrame) -> None:
    st.markdown(f"**{metric.title}**")
    reasons = shown[f"{metric.key}_reden"]
    small = shown[(reasons != "") & (reasons != COMPLEMENTARY_REASON)]
    if (reasons != "").any():
        cells = " en ".join(f"{g} {PHASE_LABELS[p]}" for g, p in zip(small["group"], small["phase"]))
        st.info(f"Verborgen: bij {cells} is de teller of noemer kleiner dan {ctx.threshold}, dus dit verschil "
                "kunnen we niet tonen zonder een klein aantal prijs te geven.", icon=":material/visibility_off:")
        return
    if all(effect.did is None for effect in effects):
        st.info("Niet te berekenen: een van de groepen heeft geen signalen of leerlingen in een fase.",
                icon=":material/info:")
        return
    chart = pilot_chart(_points(effects, metric, shown), metric.axis, metric.decimals, metric.suffix, ctx.style)
    st.altair_chart(chart, width="stretch")
    for effect in effects:
        if effect.did is not None:
            st.markdown(two_sentences(effect, metric))
    if not ctx.meeting:
        chart_downloads(chart, f"pilot-{metric.key}", key=f"schools-pilot-{metric.key}")


def _points(effects: list[PilotEffect], metric: PilotMetric, shown: pd.DataFrame) -> pd.DataFrame:
    parts = {(g, p): _parts(row, metric) for (g, p), row in shown.set_index(["group", "phase"]).iterrows()}
    first = effects[0]
    rows = [(PILOT, BEFORE, first.pilot_before), (OTHERS, BEFORE, first.others_before)]
    for effect in effects:
        rows += [(PILOT, effect.phase, effect.pilot_then), (OTHERS, effect.phase, effect.others_then)]
    points = [{"reeks": g, "fase": PHASE_LABELS[p], "value": metric.value(v), "tekst": metric.text(v),
               "uitleg": parts.get((g, p), "")} for g, p, v in rows]
    points.append({"reeks": EXPECTED, "fase": PHASE_LABELS[BEFORE], "value": metric.value(first.pilot_before),
                   "tekst": "", "uitleg": "startpunt pilotscholen"})
    points += [{"reeks": EXPECTED, "fase": PHASE_LABELS[effect.phase],
                "value": metric.value(effect.expected_without_pilot), "tekst": metric.text(effect.expected_without_pilot),
                "uitleg": "startpunt pilotscholen + verandering bij de overige scholen"} for effect in effects]
    return pd.DataFrame(points)


def _parts(row: pd.Series, metric: PilotMetric) -> str:
    if metric.key == "compliance":
        return f"{_count(row['on_time'])} van {_count(row['signals'])} signalen op tijd gemeld"
    return f"{_count(row['meldingen'])} meldingen, {_count(row['pupils'])} leerling-schooljaren"


def _count(value) -> str:
    return value if isinstance(value, str) else fmt.number(value, 0)


def _group_table(ctx: PageContext, shown: pd.DataFrame) -> None:
    if ctx.meeting:
        return
    table = pd.DataFrame({
        "Groep": shown["group"], "Fase": shown["phase"].map(PHASE_LABELS), "Scholen": shown["schools"],
        "Leerling-schooljaren": shown["pupils"].map(_count), "Meldingen": shown["meldingen"].map(_count),
        "Meldingen per 1.000": [PILOT_METRICS[1].value(v) if not isinstance(v, str) and pd.notna(v) else None
                                for v in shown["per_1000"]],
        "16-uurssignalen": shown["signals"].map(_count), "Op tijd gemeld": shown["on_time"].map(_count),
        "Meldtrouw (%)": [PILOT_METRICS[0].value(v) if not isinstance(v, str) and pd.notna(v) else None
                          for v in shown["compliance"]],
    })
    with st.expander("Cijfers per groep en fase"):
        st.dataframe(table, hide_index=True, placeholder="–", width="stretch", column_config={
            "Meldingen per 1.000": st.column_config.NumberColumn(format="localized"),
            "Meldtrouw (%)": st.column_config.NumberColumn(format="localized")})
        if (table == COMPLEMENTARY).any().any():
            st.caption(f"‘{COMPLEMENTARY}’: {COMPLEMENTARY_REASON}.")
        table_downloads(table, "pilot-evaluatie", key="schools-pilot-table")
