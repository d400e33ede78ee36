"""The youth's chain as a timeline on the /jongeren file: each step dated, missing and late steps
marked (definitions.chain). Shown inside the file, whose every view is audited."""
from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from data_access.definitions import chain as definition
from data_access.queries import chain as queries
from ui import cache
from ui import format as fmt
from ui.chain.labels import (
    BACK_LABELS, FLAG_LABELS, INTERVENTION_LABELS, OUTCOME_LABELS, STEP_LABELS, TRIGGER_LABELS, label,
)
from ui.chart_theme import TEXT
from ui.db import engine
from ui.youths.labels import MELDING_LABELS

# Okabe–Ito: a step that happened blue, an intervention sky blue, a missing or late step orange
KIND_COLOURS = {"stap": "#0072B2", "interventie": "#56B4E9", "let op": "#E69F00"}


def chain_timeline(pupil_id: int, today: dt.date) -> None:
    settings = cache.settings()
    with engine().connect() as conn:
        chain = queries.youth_chain(conn, pupil_id, today, settings)
    st.markdown("**Keten: van signaal tot terug in de klas**")
    if not chain.chains:
        st.info("Geen signalen, meldingen of zaken: deze jongere heeft geen keten.")
        return
    rows = [row for c, flags in zip(chain.chains, chain.flags) for row in chain_rows(c, flags)]
    frame = pd.DataFrame(rows)
    dated = frame[frame["datum"].notna()]
    if not dated.empty:
        st.altair_chart(timeline_chart(dated), width="stretch")
    st.dataframe(pd.DataFrame({
        "Keten": frame["keten"], "Stap": frame["stap"], "Datum": pd.to_datetime(frame["datum"]),
        "Toelichting": frame["toelichting"], "Let op": frame["let_op"],
    }), hide_index=True, width="stretch", placeholder="–", column_config={"Datum": st.column_config.DateColumn(format="DD-MM-YYYY")})
    st.caption(f"Peildatum {fmt.date(today)}. Let op: een 16-uurssignaal zonder melding binnen "
               f"{settings.compliance_school_days} schooldagen, of geen bereikt contact met gezin of jongere binnen "
               f"{settings.contact_within_days} schooldagen na de melding. Terug in de klas: {settings.back_in_class_weeks} "
               "schoolweken na de uitkomst onder de 16-uursgrens.")


def chain_rows(chain: definition.Chain, flags: tuple[definition.Flag, ...]) -> list[dict]:
    name = f"{chain.number} ({fmt.school_year(chain.school_year)})"
    notes = {step: "; ".join(f"{FLAG_LABELS[f.kind]} ({fmt.number(f.school_days)} schooldagen)" for f in flags
                             if f.step == step) for step in definition.STEPS}
    rows = [dict(keten=name, stap=STEP_LABELS["signaal"], datum=chain.trigger_on, soort="stap",
                 toelichting=label(TRIGGER_LABELS, chain.trigger_kind) + (
                     f": {label(MELDING_LABELS, chain.trigger_detail)}" if chain.trigger_kind == definition.TRIGGER_MELDING
                     else f": {chain.trigger_detail}" if chain.trigger_detail else ""), let_op="")]
    for signal in chain.signals:
        if signal.signal_on != chain.trigger_on or chain.trigger_kind != definition.TRIGGER_SIGNAL:
            rows.append(dict(keten=name, stap="16-uurssignaal", datum=signal.signal_on, soort="stap",
                             toelichting="in dezelfde keten", let_op=""))
    unreported = [f for f in flags if f.step == "gemeld"]
    for flag in unreported:
        rows.append(dict(keten=name, stap=FLAG_LABELS[flag.kind].capitalize(), datum=flag.on, soort="let op",
                         toelichting=f"signaal van {fmt.date(flag.on)}",
                         let_op=f"{FLAG_LABELS[flag.kind]} ({fmt.number(flag.school_days)} schooldagen)"))
    for step, on, detail in (("gemeld", chain.melding_on, chain.melding_kind), ("contact", chain.contact_on, None),
                             ("zaak", chain.case_opened_on, None)):
        note = notes[step] if step == "contact" else ""
        rows.append(dict(keten=name, stap=STEP_LABELS[step], datum=on, soort="let op" if note else "stap",
                         toelichting=(label(MELDING_LABELS, detail) if detail else "") if on else "nog niet",
                         let_op=note))
    for intervention in chain.interventions:
        rows.append(dict(keten=name, stap="Interventie", datum=intervention.on, soort="interventie",
                         toelichting=label(INTERVENTION_LABELS, intervention.kind), let_op=""))
    rows.append(dict(keten=name, stap=STEP_LABELS["uitkomst"], datum=chain.closed_on, soort="stap",
                     toelichting=label(OUTCOME_LABELS, chain.outcome or "niet_vastgelegd") if chain.closed_on
                     else "zaak loopt nog" if chain.case_ids else "geen zaak", let_op=""))
    if chain.closed_on:
        rows.append(dict(keten=name, stap=STEP_LABELS["terug"], datum=chain.back_on if chain.back in (
            definition.BACK_YES, definition.BACK_NO) else None, soort="stap" if chain.back != definition.BACK_NO
            else "let op", toelichting=label(BACK_LABELS, chain.back), let_op=""))
    return rows


def timeline_chart(rows: pd.DataFrame) -> alt.LayerChart:
    data = rows.assign(datum=pd.to_datetime(rows["datum"]), dag=rows["datum"].map(fmt.date))
    domain = [k for k in KIND_COLOURS if k in set(data["soort"])]
    tooltip = [alt.Tooltip("stap:N", title="Stap"), alt.Tooltip("dag:N", title="Datum"),
               alt.Tooltip("toelichting:N", title="Toelichting"), alt.Tooltip("let_op:N", title="Let op")]
    y = alt.Y("keten:N", title="Keten")
    rule = alt.Chart(data).mark_rule(color="#767676").encode(x="min(datum):T", x2="max(datum):T", y=y)
    points = alt.Chart(data).mark_point(size=120, filled=True, opacity=1).encode(
        x=alt.X("datum:T", title=None, axis=alt.Axis(format="%d-%m-%Y", labelColor=TEXT)), y=y,
        color=alt.Color("soort:N", title=None, scale=alt.Scale(domain=domain, range=[KIND_COLOURS[k] for k in domain]),
                        legend=alt.Legend(orient="top")),
        shape=alt.Shape("soort:N", title=None, scale=alt.Scale(domain=domain, range=[
            {"stap": "circle", "interventie": "square", "let op": "triangle-up"}[k] for k in domain])),
        tooltip=tooltip)
    return alt.layer(rule, points).properties(height=60 * data["keten"].nunique() + 60, width="container")
