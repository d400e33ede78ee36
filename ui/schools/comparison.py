"""Comparison and registration tabs: schools (or boards, SWV's, municipalities) side by side,
against the municipal average and against similar schools."""
from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from data_access.definitions.calendar import school_year_bounds, school_year_label
from data_access.definitions.similar_schools import MIN_SIMILAR_SCHOOLS
from data_access.queries import benchmark
from data_access.queries import schools as queries
from ui import format as fmt
from ui import quality as registration
from ui.schools import data
from ui.downloads import chart_downloads
from ui.schools.charts import comparison_dots, registration_scatter
from ui.schools.controls import PageContext, explain, remember
from ui.schools.labels import CHART_FIGURES, FIGURES, POSITION_LABELS, ROLL_UP_LABELS, Figure
from ui.schools.tables import (
    HEADERS, ShownTable, code_note, comparison_table, figure_text, figure_value, interval_text, registration_table,
    show_table, table_downloads,
)

MAX_CHART_ROWS = 40
LEVEL_WORDS = {"school": "school", "board": "bestuur", "swv": "samenwerkingsverband", "municipality": "gemeente"}
INTERVAL_RULE = ("Streepjes: het 95%-betrouwbaarheidsinterval. Alleen gekleurd (hoger of lager dan gemeente) als "
                 "het interval het gemeentecijfer niet bevat; anders grijs: geen duidelijk verschil. "
                 "Verzuimpercentages: interval over leerlingen (uit de spreiding van de verzuimuren per leerling); "
                 "aandelen en meldingen per 1.000: Wilson-interval; de mediaan heeft geen interval. "
                 "De as begint bij 0.")


def window_options() -> dict[str, queries.Window]:
    """School years (newest first), then the COVID closures: what a comparison can cover."""
    years = data.load(data.school_years)
    options = {f"Schooljaar {school_year_label(y)}": queries.Window.for_school_year(y)
               for y in reversed(years)}
    if len(years) > 1:
        everything = queries.Window.for_school_years(years[0], years[-1])
        options[f"Alle {everything.label}"] = everything
    if years:
        first, _ = school_year_bounds(years[0])
        _, last = school_year_bounds(years[-1])
        periods = data.load(data.periods, first, last)
        for _, p in periods[periods["kind"].isin(["covid_sluiting", "covid_gedeeltelijk"])].iterrows():
            label = f"{p['name']} ({fmt.date(p['start'])} – {fmt.date(p['end'])})"
            options.setdefault(label, queries.Window(p["start"], p["end"], p["name"]))
    return options


def choose_window(key: str, prefer_all_years: bool = False) -> queries.Window | None:
    options = window_options()
    if not options:
        st.info("Er zijn nog geen schooljaren met leerlingaantallen; vergelijken kan pas na de import van de "
                "teldatum-gegevens.", icon=":material/info:")
        return None
    all_years = [label for label in options if label.startswith("Alle ")]
    default = all_years[0] if prefer_all_years and all_years else next(iter(options))
    remember(key, default)
    if st.session_state[key] not in options:
        st.session_state[key] = default
    label = st.selectbox("Schooljaar of periode", list(options), key=key)
    return options[label]


def comparison_section(ctx: PageContext) -> None:
    left, middle, right = st.columns([2, 3, 2])
    with left:
        window = choose_window("schools_comparison_window")
    if window is None:
        return
    remember("schools_comparison_level", "school")
    remember("schools_comparison_figure", "rate_total")
    remember("schools_comparison_ascending", False)
    level = middle.segmented_control("Per", list(ROLL_UP_LABELS), key="schools_comparison_level",
                                     format_func=ROLL_UP_LABELS.get) or "school"
    figure = FIGURES[right.selectbox("Figuur in de grafiek", CHART_FIGURES, key="schools_comparison_figure",
                                     format_func=lambda c: FIGURES[c].label)]
    if not ctx.meeting:
        st.toggle("Laagste eerst", key="schools_comparison_ascending")

    view = data.load(data.comparison_view, window, ctx.compliance_days, ctx.settings, level,
                     ctx.scope.school_ids, ctx.suppressor, spread_category(figure))
    if view.rows.empty or view.rows["pupils"].notna().sum() == 0:
        st.info(f"Geen leerlingaantallen voor {window.label}: er valt niets te vergelijken.", icon=":material/info:")
        return
    total = view.total
    rows = _sorted(view.rows, figure, st.session_state["schools_comparison_ascending"])
    flags = None
    if level == "school":  # a school whose registration is doubtful: below the ranking, greyed out (issue 18)
        flags = pd.Series(registration.flagged_reasons(rows["school_id"], window.start, window.end,
                                                       ctx.compliance_days).to_numpy(), index=rows.index)
        rows = pd.concat([rows[flags == ""], rows[flags != ""]])
        flags = flags.loc[rows.index]
    peers = view.peers.loc[rows.index] if view.peers is not None else None

    st.subheader(f"{figure.label} — {window.label}, per {LEVEL_WORDS[level]}")
    _comparison_chart(ctx, rows, peers, total, figure, level, flags)
    if peers is not None:
        explain(similar_caption(rows, peers), ctx.meeting)
    explain(" ".join(part for part in (
        f"Gemiddelde gemeente: alle {view.schools_in_municipality} scholen samen (som van de tellers ÷ som van de noemers).",
        INTERVAL_RULE,
        "" if level == "school" else "Bestuur, samenwerkingsverband en gemeente: de scholen van de selectie opgeteld.",
        "" if window.is_school_year else
        f"Een periode telt precies haar eigen dagen ({fmt.date(window.start)} t/m {fmt.date(window.end)}); "
        "langdurig verzuim bestaat alleen per heel schooljaar.",
        "Elke school telt tot haar laatste registratiedag.",
        f"Meldtrouw: 16-uurssignalen gevolgd door een 16-uursmelding binnen {ctx.compliance_days} "
        "schooldagen ÷ alle 16-uurssignalen.") if part), ctx.meeting)

    total_row = total.assign(group=queries.MUNICIPAL_LABEL, sector="", size_band="")
    table = ShownTable.concat([
        comparison_table(total_row, level, window, figure=figure),
        comparison_table(rows, level, window, peers, figure, municipal=total),
    ])
    # what the chart shows first: the name's explanation, then the figure with its interval and verdict
    table = table.moved(["Naam of code"], "Naam").moved(
        [f"95%-interval van: {figure.label}", f"95%-interval tot: {figure.label}", "Ten opzichte van gemeente"],
        HEADERS[figure.column])
    if flags is not None and (flags != "").any():
        table.frame.insert(1, registration.LABEL, [""] + flags.tolist())  # the first row is the municipality
        table.hidden.insert(1, registration.LABEL, False)
        explain(registration.explanation(ctx.compliance_days), ctx.meeting)
    show_table(table, ctx.meeting, meeting_columns=[
        "Scholen", "Leerlingen", "Leerling-schooljaren", HEADERS[figure.column], f"95%-interval van: {figure.label}",
        f"95%-interval tot: {figure.label}",
        "Ten opzichte van gemeente", HEADERS["rate_total"], HEADERS["per_1000"], HEADERS["compliance"],
        f"Vergelijkbare scholen: {figure.label}", "Aantal vergelijkbare scholen"])
    if not ctx.meeting:
        table_downloads(table.frame, f"vergelijking-{level}", key="schools-comparison-table")


def spread_category(figure: Figure) -> str | None:
    """The absence category (or "total") of an absence-rate figure: its interval needs the
    pupils' spread, read only for the rate on screen."""
    return figure.column.removeprefix("rate_") if figure.column.startswith("rate_") else None


def _sorted(rows: pd.DataFrame, figure: Figure, ascending: bool) -> pd.DataFrame:
    key = pd.to_numeric(rows[figure.column], errors="coerce")
    return rows.assign(_key=key).sort_values("_key", ascending=ascending, na_position="last").drop(columns="_key")


def _places_text(places) -> str:
    places = list(places or ())
    if not places:
        return "geen"
    if len(places) == 1:
        return f"alle in {places[0][0]}" if places[0][1] > 1 else f"in {places[0][0]}"
    return f"in {len(places)} gemeenten: " + ", ".join(f"{place} {fmt.number(n, 0)}" for place, n in places)


def similar_caption(rows: pd.DataFrame, peers: pd.DataFrame) -> str:
    """What the ◇ is, per sector and size class of the schools shown: how many schools, from where,
    and how many such locations the national register holds; or why there is no ◇."""
    parts = []
    order = {label: i for i, label in enumerate(benchmark.national_bounds().labels())}
    groups = pd.DataFrame({"sector": rows["sector"], "band": rows["size_band"], "others": peers["schools"],
                           "formed": peers["formed"], "places": peers["places"], "own": rows["municipality"]})
    groups = groups[groups["band"].notna()]
    for (sector, band), members in sorted(groups.groupby(["sector", "band"]), key=lambda g: (g[0][0], order.get(g[0][1], 9))):
        first = members.iloc[0]
        count = int(first["others"]) + 1
        places = dict(first["places"])
        places[first["own"]] = places.get(first["own"], 0) + 1
        where = _places_text(sorted(places.items(), key=lambda item: (-item[1], item[0])))
        if bool(first["formed"]):
            national = benchmark.national_locations(sector, band)
            country = ("" if national is None else
                       f"; landelijk {fmt.number(national, 0)} {sector}-vestigingen in deze klasse")
            parts.append(f"{sector}, {band}: {fmt.number(count, 0)} scholen in deze database ({where}), "
                         f"per school de {fmt.number(count - 1, 0)} andere{country}.")
        else:
            parts.append(f"{sector}, {band}: geen vergelijkbare scholen genoeg — {fmt.number(count, 0)} "
                         f"{'school' if count == 1 else 'scholen'} in deze database ({where}), minder dan "
                         f"{MIN_SIMILAR_SCHOOLS} andere; geen ◇.")
    return ("Vergelijkbare scholen (◇): de andere scholen met dezelfde sector en grootteklasse (leerlingen op "
            "1 oktober; grenzen: landelijke derden van alle basisschoolvestigingen in het DUO-register). "
            + " ".join(parts)
            + " Verzuimcijfers zijn er alleen van de scholen in deze database, niet van de andere vestigingen "
              "in het land.")


def comparison_points(rows: pd.DataFrame, peers: pd.DataFrame | None, total: pd.DataFrame,
                      figure: Figure, level: str = "school") -> tuple[pd.DataFrame, float | None, int]:
    """Chart rows for ``figure`` (with Dutch tooltip texts and the 95 % interval), the municipal
    value, and how many rows have no value to show (no data or suppressed).

    ``positie`` says higher or lower than the municipality only when the row's interval
    excludes the municipal value (definitions.intervals.position)."""
    reference = total.iloc[0][figure.column]
    municipal = figure_value(reference, figure)
    points = pd.DataFrame({
        "group": rows["group"],
        "value": [figure_value(v, figure) for v in rows[figure.column]],
        "low": [figure_value(v, figure) for v in rows.get(f"{figure.column}_low", pd.Series(np.nan, index=rows.index))],
        "high": [figure_value(v, figure) for v in rows.get(f"{figure.column}_high", pd.Series(np.nan, index=rows.index))],
        "peer_value": ([figure_value(v, figure) for v in peers[figure.column]] if peers is not None
                       else [None] * len(rows)),
    }, index=rows.index)
    points["tekst"] = [figure_text(v, figure) for v in rows[figure.column]]
    points["interval"] = [interval_text(lo, hi, figure) for lo, hi in zip(points["low"], points["high"])]
    points["peer_text"] = ([peer_text(v, n, formed, places, figure) for v, n, formed, places in
                            zip(peers[figure.column], peers["schools"], peers["formed"], peers["places"])]
                           if peers is not None else "")
    points["peer_label"] = "vergelijkbare scholen"
    points["positie"] = [POSITION_LABELS[p] for p in benchmark.positions(rows, figure.column, reference)]
    points["teller_noemer"] = _parts_text(rows, figure)
    points["toelichting"] = [code_note(level, g) for g in rows["group"]]
    for column in ("value", "low", "high", "peer_value"):
        points[column] = points[column].astype(float)
    hidden = int(points["value"].isna().sum())
    return points[points["value"].notna()], municipal, hidden


def peer_text(value, others, formed, places, figure: Figure) -> str:
    if not formed:
        return f"geen: {fmt.number(others, 0)} vergelijkbare school/scholen, minder dan {MIN_SIMILAR_SCHOOLS}"
    return f"{figure_text(value, figure)} ({fmt.number(others, 0)} scholen, {_places_text(places)})"


def comparison_chart(points: pd.DataFrame, municipal: float | None, total: pd.DataFrame, figure: Figure,
                     with_peers: bool, style, with_note: bool = False) -> alt.TopLevelMixin:
    tooltip = [("group:N", "Naam"), ("tekst:N", figure.label), ("interval:N", "95%-interval"),
               ("positie:N", "Ten opzichte van de gemeente"), ("teller_noemer:N", "Teller / noemer")]
    if with_note:
        tooltip.append(("toelichting:N", "Naam of code"))
    if with_peers:
        tooltip.append(("peer_text:N", "Vergelijkbare scholen"))
    municipal_text = figure_text(total.iloc[0][figure.column], figure)
    municipal_interval = interval_text(figure_value(total.iloc[0].get(f"{figure.column}_low"), figure),
                                       figure_value(total.iloc[0].get(f"{figure.column}_high"), figure), figure)
    return comparison_dots(points, tooltip, municipal,
                           municipal_text + (f" (95%-interval {municipal_interval})" if municipal_interval != "–" else ""),
                           figure.label, figure.decimals, "%" if figure.kind == "percent" else "", style)


def _comparison_chart(ctx: PageContext, rows: pd.DataFrame, peers: pd.DataFrame | None, total: pd.DataFrame,
                      figure: Figure, level: str, flags: pd.Series | None = None) -> None:
    points, municipal, hidden = comparison_points(rows, peers, total, figure, level)
    if flags is not None:  # greyed out: its position against the municipality is not to be trusted
        points.loc[flags.reindex(points.index).fillna("") != "", "positie"] = POSITION_LABELS["flagged"]
    if points.empty:
        st.info(f"Geen waarden voor \"{figure.label}\" om te tonen"
                + (f" (alle verborgen: teller of noemer kleiner dan {ctx.threshold})." if hidden else "."),
                icon=":material/info:")
        return
    cut = len(points) > MAX_CHART_ROWS
    if cut:
        points = points.sort_values("value", ascending=False).head(MAX_CHART_ROWS)
    chart = comparison_chart(points, municipal, total, figure, peers is not None, ctx.style,
                             with_note=bool((points["toelichting"] != "").any()))
    st.altair_chart(chart, width="stretch")
    notes = []
    if cut:
        notes.append(f"De {MAX_CHART_ROWS} hoogste waarden; de tabel toont alles.")
    if hidden:
        notes.append(f"{hidden} niet getoond: geen gegevens of verborgen (teller of noemer kleiner dan {ctx.threshold}).")
    if (points["toelichting"] != "").any():
        notes.append("Een code in plaats van een naam: het schoolregister geeft alleen de code (zie de tooltip).")
    if notes:
        explain(" ".join(notes), ctx.meeting)
    if not ctx.meeting:
        chart_downloads(chart, f"vergelijking-{figure.column}", key="schools-comparison-chart")


PARTS = {
    "per_1000": ("meldingen", "pupils", "meldingen", "leerlingen"),
    "persistent_share": ("persistent", "pupils", "leerlingen langdurig", "leerlingen"),
    "compliance": ("on_time", "signals", "op tijd gemeld", "signalen"),
    "median_days": ("with_melding", "signals", "signalen met melding", "signalen"),
}


def _parts_text(rows: pd.DataFrame, figure: Figure) -> list[str]:
    """Numerator and denominator behind each value, in words."""
    if figure.column in PARTS:
        num, den, num_word, den_word = PARTS[figure.column]
        return [f"{_count(n)} {num_word} / {_count(d)} {den_word}" for n, d in zip(rows[num], rows[den])]
    if figure.column == "known_share":
        return [f"{fmt.number(k, 0)} van {fmt.number(t, 0)} uur" if not isinstance(r, str) and pd.notna(r)
                else "verborgen" for k, t, r in zip(rows["known_hours"], rows["hours_total"], rows["known_share"])]
    hours = figure.column.replace("rate_", "hours_")
    return [f"{fmt.number(h, 0)} uur / {fmt.number(p, 0)} mogelijke uren" if pd.notna(v) else "verborgen"
            for h, p, v in zip(rows[hours], rows["possible_hours"], rows[figure.column])]


def _count(value) -> str:
    return value if isinstance(value, str) else fmt.number(value, 0)


def registration_points(rows: pd.DataFrame) -> pd.DataFrame:
    """Scatter rows: known-code share and compliance as percentages, Dutch tooltip texts."""
    return pd.DataFrame({
        "group": rows["group"],
        "known_pct": pd.Series([figure_value(v, FIGURES["known_share"]) for v in rows["known_share"]],
                               index=rows.index, dtype=float),
        "compliance_pct": pd.Series([figure_value(v, FIGURES["compliance"]) for v in rows["compliance"]],
                                    index=rows.index, dtype=float),
        "meldtrouw": [f"{figure_text(c, FIGURES['compliance'])} ({_count(n)} van {_count(d)} signalen)"
                      for c, n, d in zip(rows["compliance"], rows["on_time"], rows["signals"])],
        "bekend": [figure_text(v, FIGURES["known_share"]) for v in rows["known_share"]],
        "mediaan": [figure_text(v, FIGURES["median_days"]) for v in rows["median_days"]],
        "laatste": [fmt.date(d) if d is not None and pd.notna(d) else "–" for d in rows["last_registration"]],
    }, index=rows.index)


def registration_chart(points: pd.DataFrame, total: pd.Series, style) -> alt.TopLevelMixin:
    tooltip = [("group:N", "Naam"), ("meldtrouw:N", "Meldtrouw"), ("bekend:N", "Bekende code"),
               ("mediaan:N", "Mediaan schooldagen tot melding"), ("laatste:N", "Laatste registratie")]
    municipal = (figure_value(total["known_share"], FIGURES["known_share"]),
                 figure_value(total["compliance"], FIGURES["compliance"]))
    return registration_scatter(points, tooltip, municipal, style)


def registration_section(ctx: PageContext) -> None:
    left, middle, _ = st.columns([2, 3, 2])
    with left:
        window = choose_window("schools_registration_window", prefer_all_years=True)
    if window is None:
        return
    remember("schools_registration_level", "school")
    level = middle.segmented_control("Per", list(ROLL_UP_LABELS), key="schools_registration_level",
                                     format_func=ROLL_UP_LABELS.get) or "school"
    view = data.load(data.comparison_view, window, ctx.compliance_days, ctx.settings, level,
                     ctx.scope.school_ids, ctx.suppressor)
    rows = view.rows
    if rows.empty:
        st.info("Geen scholen in deze selectie.", icon=":material/info:")
        return
    total = view.total.iloc[0]
    st.subheader(f"Hoe scholen registreren en melden — {window.label}, per {LEVEL_WORDS[level]}")
    points = registration_points(rows)
    plotted = points.dropna(subset=["known_pct", "compliance_pct"])
    if plotted.empty:
        st.info("Geen scholen met zowel 16-uurssignalen als verzuimuren om te tonen"
                + (f" (of verborgen: kleiner dan {ctx.threshold})." if ctx.suppress else "."), icon=":material/info:")
    else:
        chart = registration_chart(plotted, total, ctx.style)
        st.altair_chart(chart, width="stretch")
        if not ctx.meeting:
            chart_downloads(chart, "registratie-meldtrouw", key="schools-registration-chart")
    explain("Rechtsboven: scholen die verzuim met een bekende code registreren én 16-uurssignalen op tijd melden. "
            "Stippellijnen: gemiddelde gemeente. Bekende code = verzuimuren met een code die aan een categorie is "
            "gekoppeld ÷ alle verzuimuren. Mediaan: schooldagen van signaal tot melding, over signalen die een "
            "melding kregen. Laatste registratie: de laatste verzuimdag die de school vastlegde.", ctx.meeting)
    newest = total["last_registration"] if pd.notna(total["last_registration"]) else None
    by_compliance = rows.sort_values("compliance", key=lambda s: pd.to_numeric(s, errors="coerce"),
                                     na_position="last")
    table = ShownTable.concat([
        registration_table(pd.DataFrame([total]).assign(group=queries.MUNICIPAL_LABEL), newest),
        registration_table(by_compliance, newest),
    ])
    show_table(table, ctx.meeting)
    if not ctx.meeting:
        table_downloads(table.frame, "registratieverschillen", key="schools-registration-table")

