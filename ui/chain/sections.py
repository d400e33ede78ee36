"""The sections of /keten: funnel, school days per step, drop-out, hulp vóór straf, recidive and the
registration quality of the schools. Every figure counts youths (people): for every role but
leerplicht small counts read "<5" and the shares behind them are hidden."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from data_access.definitions import Settings, Suppressor
from data_access.definitions import chain as definition
from data_access.definitions.calendar import school_year_bounds
from data_access.queries import chain as queries
from ui import format as fmt
from ui import quality as quality_text
from ui.chain import charts
from ui.chain.labels import (
    FLAG_LABELS, HELP_LABELS, INTERVAL_LABELS, LEVEL_LABELS, OUTCOME_LABELS, STEP_LABELS, label,
)

YEAR_KEY = "keten_jaar"
LEVEL_KEY = "keten_niveau"


def _count(value) -> str:
    return value if isinstance(value, str) else fmt.number(value)


def _hidden(value) -> bool:
    return isinstance(value, str)


def choose_year(years: list[int]) -> int:
    options = list(reversed(years))
    if st.session_state.get(YEAR_KEY) not in options:
        st.session_state[YEAR_KEY] = options[0]
    return st.selectbox("Schooljaar van het signaal", options, key=YEAR_KEY, format_func=fmt.school_year)


def funnel_section(data: queries.ChainData, year: int, suppressor: Suppressor | None) -> None:
    table = queries.funnel_by_year(data, suppressor)
    row = table[table["school_year"] == year].iloc[0]
    st.subheader(f"Van signaal tot terug in de klas — schooljaar {fmt.school_year(year)}")
    trigger = row["signaal"]
    points = []
    for step in definition.STEPS:
        value = row[step]
        share = row.get(f"{step}_share") if step != "signaal" else None
        if _hidden(value):
            text = f"verborgen ({value})"
        elif step == "signaal":
            text = fmt.number(value)
        else:
            text = f"{fmt.number(value)} ({fmt.percent(share) if share is not None and pd.notna(share) else 'verborgen'})"
        points.append({"stap": STEP_LABELS[step], "value": None if _hidden(value) else float(value),
                       "bar": (float(trigger) if not _hidden(trigger) else 1.0) if _hidden(value) else float(value),
                       "soort": "verborgen" if _hidden(value) else "bereikt", "tekst": text})
    st.altair_chart(charts.funnel_chart(pd.DataFrame(points)), width="stretch")
    st.caption("Jongeren per stap, elk één keer geteld, met het aandeel van de jongeren met een signaal. Een "
               "signaal is een 16-uurssignaal, een melding van een andere soort of een zaak op signaal van "
               "school, GGD, jeugdconsulent of anderen. De stappen worden elk apart geteld: een zaak van de GGD "
               "heeft geen melding van school, dus een latere stap kan jongeren hebben die een eerdere mist.")
    st.dataframe(pd.DataFrame({
        "Schooljaar": table["school_year"].map(fmt.school_year),
        **{STEP_LABELS[s]: [_with_share(n, table.loc[i, f"{s}_share"] if s != "signaal" else None)
                            for i, n in table[s].items()] for s in definition.STEPS},
    }), hide_index=True, width="stretch")


def _with_share(count, share) -> str:
    if _hidden(count):
        return count
    if share is None:
        return fmt.number(count)
    return f"{fmt.number(count)} ({fmt.percent(share) if pd.notna(share) else '–'})"


def flags_line(data: queries.ChainData, year: int, suppressor: Suppressor | None, settings: Settings) -> None:
    counts = queries.flag_counts(data, year, suppressor)
    st.markdown("**Ontbrekende en late stappen** (jongeren): " + " · ".join(
        f"{FLAG_LABELS[kind]}: {_count(n)}" for kind, n in counts.items()))
    st.caption(f"Niet of te laat gemeld: een 16-uurssignaal zonder melding binnen {settings.compliance_school_days} "
               f"schooldagen. Geen contact / contact te laat: geen bereikt contact met gezin of jongere binnen "
               f"{settings.contact_within_days} schooldagen na de melding (bij een zaak zonder melding: na het "
               f"openen). Peildatum {fmt.date(data.today)}.")


def step_days_section(data: queries.ChainData, year: int, suppressor: Suppressor | None) -> None:
    table = queries.step_days_by_year(data, suppressor)
    rows = table[table["school_year"] == year]
    st.subheader("Schooldagen per stap")
    points = []
    for _, r in rows.iterrows():
        if r["hidden"]:
            text = r["hidden"]
        elif r["n"] == 0:
            text = "geen ketens met beide stappen"
        else:
            text = (f"mediaan {fmt.number(r['median'], 1)}, helft tussen {fmt.number(r['q1'], 1)} en "
                    f"{fmt.number(r['q3'], 1)}, van {fmt.number(r['min'])} tot {fmt.number(r['max'])} "
                    f"({fmt.number(r['n'])} ketens)")
        points.append({"stap": INTERVAL_LABELS[r["interval"]], "min": r["min"], "q1": r["q1"], "median": r["median"],
                       "q3": r["q3"], "max": r["max"], "tekst": text})
    frame = pd.DataFrame(points)
    for column in ("min", "q1", "median", "q3", "max"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    st.altair_chart(charts.step_days_chart(frame), width="stretch")
    st.caption("Zwart streepje: de mediaan; blauwe balk: de middelste helft van de ketens (kwartielen); grijze lijn: "
               "kortste tot langste. Schooldagen na de eerste stap tot en met de tweede (vakanties tellen niet); 0 "
               "als de tweede stap er eerder of op dezelfde dag was. Per keten: een jongere met twee ketens telt "
               "twee keer.")
    st.dataframe(pd.DataFrame({"Tussen": frame["stap"], "Schooldagen": frame["tekst"]}), hide_index=True,
                 width="stretch")


def dropout_section(data: queries.ChainData, year: int, suppressor: Suppressor | None, names: dict,
                    quality: pd.DataFrame, compliance_days: int) -> None:
    st.subheader("Waar vallen jongeren uit?")
    levels = ["school", "board"] + (["officer"] if suppressor is None else [])
    if st.session_state.get(LEVEL_KEY) not in levels:
        st.session_state[LEVEL_KEY] = "school"
    level = st.segmented_control("Per", levels, key=LEVEL_KEY, format_func=LEVEL_LABELS.get) or "school"
    table = queries.dropout(data, level, year, names, suppressor)
    if table.empty:
        st.info("Geen signalen in dit schooljaar.", icon=":material/info:")
        return
    shown = pd.DataFrame({LEVEL_LABELS[level].capitalize(): table["group"]})
    for step in definition.STEPS:
        shown[STEP_LABELS[step]] = [_with_share(n, table.loc[i, f"{step}_share"] if step != "signaal" else None)
                                    for i, n in table[step].items()]
    if level == "school":
        reasons = {name: quality_text.reason_text(r, compliance_days) for name, (_, r) in
                   zip(quality["name"], quality.iterrows())}
        shown[quality_text.LABEL] = [reasons.get(g, "") for g in table["group"]]
        flagged = shown[quality_text.LABEL] != ""
        # a flagged school stays in the table, below the others: its figures are not comparable
        shown = pd.concat([shown[~flagged], shown[flagged]])
        st.dataframe(shown.style.apply(lambda r: ["color: #595959; background-color: #F0F0F0" if r[quality_text.LABEL]
                                                  else "" for _ in r], axis=1), hide_index=True, width="stretch")
        st.caption(quality_text.explanation(compliance_days))
    else:
        st.dataframe(shown, hide_index=True, width="stretch")
    if level == "officer":
        st.caption("Behandelaar: van de eerste zaak van de keten, anders van de melding, anders van het eerste contact.")


def help_section(data: queries.ChainData, suppressor: Suppressor | None) -> None:
    st.subheader("Hulp vóór straf")
    table = queries.help_first_by_year(data, suppressor)
    if table.empty:
        st.info("Nog geen afgesloten zaken.", icon=":material/info:")
        return
    st.altair_chart(charts.share_by_year_chart(_share_points(table, "helped", "counted"), "Hulp vóór straf"),
                    width="stretch")
    st.caption("Aandeel afgesloten zaken (schooljaar van afsluiten) met hulp — een verwijzing naar jeugdconsulent, "
               "GGD of wijkteam, of het zorgadviesteam — vóór een eventuele HALT of proces-verbaal. Zaken zonder hulp "
               "en zonder straf (alleen gesprekken, huisbezoeken, een vrijstelling) zeggen niets over de volgorde en "
               "tellen niet mee; op dezelfde dag telt niet als vóór.")
    st.dataframe(pd.DataFrame({
        "Schooljaar": table["school_year"].map(fmt.school_year),
        **{HELP_LABELS[c]: table[c].map(_count) for c in (*definition.HELP_COUNTED, definition.NEITHER)},
        "Hulp vóór straf": [_share_text(s, h, c) for s, h, c in zip(table["share"], table["helped"], table["counted"])],
    }), hide_index=True, width="stretch")


def recidive_section(data: queries.ChainData, suppressor: Suppressor | None, months: int) -> None:
    st.subheader("Recidive")
    table = queries.recidive_by_year(data, suppressor)
    if table.empty:
        st.info("Nog geen afgesloten ketens.", icon=":material/info:")
        return
    st.altair_chart(charts.share_by_year_chart(_share_points(table, "recidive", "followed"), "Recidive"),
                    width="stretch")
    st.caption(f"Afgesloten ketens (schooljaar van afsluiten) met een nieuw signaal binnen {months} maanden, van de "
               f"ketens die al {months} maanden gevolgd zijn. Nog te volgen: minder dan {months} maanden geleden "
               "afgesloten.")
    st.dataframe(pd.DataFrame({
        "Schooljaar": table["school_year"].map(fmt.school_year),
        "Afgesloten": table["closed"].map(_count), f"{months} maanden gevolgd": table["followed"].map(_count),
        "Met recidive": table["recidive"].map(_count), "Nog te volgen": table["pending"].map(_count),
        "Recidive": [_share_text(s, r, f) for s, r, f in zip(table["share"], table["recidive"], table["followed"])],
    }), hide_index=True, width="stretch")


def outcomes_section(data: queries.ChainData, year: int, suppressor: Suppressor | None) -> None:
    table = queries.outcomes(data, year, suppressor)
    if table.empty:
        return
    st.markdown("**Uitkomsten** (jongeren met een afgesloten keten)")
    st.dataframe(pd.DataFrame({"Uitkomst": table["outcome"].map(lambda o: label(OUTCOME_LABELS, o)),
                               "Jongeren": table["youths"].map(_count)}), hide_index=True, width="content")


def quality_section(quality: pd.DataFrame, year: int, compliance_days: int) -> None:
    flagged = quality[quality["flagged"]]
    st.subheader("Registratiekwaliteit van de scholen")
    if flagged.empty:
        st.success(f"Geen school met twijfelachtige registratie in {fmt.school_year(year)}.", icon=":material/check:")
    else:
        st.dataframe(pd.DataFrame({"School": flagged["name"],
                                   "Waarom grijs": [quality_text.reason_text(r, compliance_days)
                                                    for _, r in flagged.iterrows()]}),
                     hide_index=True, width="stretch")
    st.caption(quality_text.explanation(compliance_days))


def _share_text(share, numerator, denominator) -> str:
    if share is None or (isinstance(share, float) and pd.isna(share)):
        return "verborgen" if _hidden(numerator) or _hidden(denominator) else "–"
    return f"{fmt.percent(share)} ({fmt.number(numerator)} van {fmt.number(denominator)})"


def _share_points(table: pd.DataFrame, numerator: str, denominator: str) -> pd.DataFrame:
    rows = []
    for _, r in table.iterrows():
        share = r["share"]
        known = share is not None and not (isinstance(share, float) and pd.isna(share))
        hidden = _hidden(r[numerator]) or _hidden(r[denominator])
        # hidden: a grey bar "verborgen"; nothing to count (no cases yet): no bar, the words say so
        rows.append({"jaar": fmt.school_year(int(r["school_year"])),
                     "bar": float(share) * 100 if known else 100.0 if hidden else 0.0,
                     "label_y": float(share) * 100 if known else 50.0 if hidden else 4.0,
                     "soort": "aandeel" if known else "verborgen" if hidden else "geen",
                     "kort": fmt.percent(share, 0) if known else ("verborgen" if hidden else "geen gegevens"),
                     "tekst": _share_text(share, r[numerator], r[denominator])})
    return pd.DataFrame(rows)


def year_window(year: int):
    return school_year_bounds(year)


def years_of(data: queries.ChainData) -> list[int]:
    """The school years with a chain, oldest first."""
    return queries.school_years(data)
