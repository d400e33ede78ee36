"""Comparison tables as the user reads them: Dutch headers, "<5" for a small count, an empty
("–") rate where it is hidden (the last column says why), the municipal row on top.

Rates stay numbers, so clicking a column header sorts by value; the browser writes them in
Dutch (format "localized"). A pandas Styler would give server-side Dutch text but costs
about half a second per table of 200 schools.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

import re

from data_access.definitions.suppression import COMPLEMENTARY, COMPLEMENTARY_REASON
from data_access.queries import benchmark
from data_access.queries import schools as queries
from ui import downloads
from ui import format as fmt
from ui.labels import CATEGORY_LABELS
from ui.schools.labels import BOARD_CODE, CODE_NOTE, FIGURES, POSITION_LABELS, SWV_CODE, Figure

NAME = "Naam"
HEADERS = {
    "rate_total": "Verzuim totaal (%)",
    **{f"rate_{c}": f"{label.capitalize()} (%)" for c, label in CATEGORY_LABELS.items()},
    "per_1000": "Meldingen per 1.000",
    "persistent_share": "Langdurig verzuim (%)",
    "compliance": "Meldtrouw (%)",
    "known_share": "Bekende code (%)",
    "median_days": "Mediaan schooldagen tot melding",
}
HIDDEN = "Verborgen (reden)"
HIDDEN_TEXT = "verborgen"


@dataclass
class ShownTable:
    """A table to show plus, per cell, whether its value was hidden by suppression."""

    frame: pd.DataFrame
    hidden: pd.DataFrame
    decimals: dict[str, int]

    @staticmethod
    def concat(tables: list[ShownTable]) -> ShownTable:
        frame = pd.concat([t.frame for t in tables], ignore_index=True)
        hidden = pd.concat([t.hidden for t in tables], ignore_index=True).reindex(columns=frame.columns)
        decimals = {k: v for t in tables for k, v in t.decimals.items()}
        return ShownTable(frame, hidden.fillna(False).astype(bool), decimals)

    def moved(self, columns: list[str], after: str) -> ShownTable:
        """The same table with ``columns`` (those present) placed right after column ``after``."""
        moving = [c for c in columns if c in self.frame.columns and c != after]
        if after not in self.frame.columns or not moving:
            return self
        order = [c for c in self.frame.columns if c not in moving]
        at = order.index(after) + 1
        order[at:at] = moving
        return ShownTable(self.frame[order], self.hidden.reindex(columns=order).fillna(False).astype(bool),
                          self.decimals)


def figure_value(row_value, figure: Figure) -> float | None:
    """The number a chart or table shows: a share as a percentage, other figures as they are."""
    if row_value is None or isinstance(row_value, str) or pd.isna(row_value):
        return None
    value = float(row_value) * 100 if figure.kind == "percent" else float(row_value)
    return round(value, figure.decimals + 1)


def figure_text(value, figure: Figure) -> str:
    if value is None or isinstance(value, str):
        return HIDDEN_TEXT
    if pd.isna(value):
        return "–"
    if figure.kind == "percent":
        return fmt.percent(value, figure.decimals)
    return fmt.number(value, figure.decimals)


def interval_text(low, high, figure: Figure) -> str:
    """"4,61 – 5,20 %" (the figure's own decimals); "–" without an interval."""
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return "–"
    suffix = " %" if figure.kind == "percent" else ""
    return f"{fmt.number(low, figure.decimals)} – {fmt.number(high, figure.decimals)}{suffix}"


def code_note(level: str, group) -> str:
    """Why a samenwerkingsverband or board shows as a code ("" for a name)."""
    pattern = {"swv": SWV_CODE, "board": BOARD_CODE}.get(level)
    if pattern is None or not isinstance(group, str) or not re.match(pattern, group.strip()):
        return ""
    return f"{group}: {CODE_NOTE[level]}"


def count_text(value) -> str:
    if isinstance(value, str):
        return value
    if value is None or pd.isna(value):
        return "–"
    return fmt.number(value, 0)


def hidden_reasons(rows: pd.DataFrame) -> pd.Series:
    """Per row: which figures are hidden, grouped by reason (empty when nothing is hidden)."""
    per_row: list[dict[str, list[str]]] = [{} for _ in range(len(rows))]
    for column in (c for c in rows.columns if c.endswith("_reden")):
        figure = column.removesuffix("_reden")
        label = FIGURES[figure].label if figure in FIGURES else figure
        values = rows[column].fillna("").astype(str).to_numpy()
        for i in np.flatnonzero(values != ""):
            per_row[i].setdefault(values[i].removeprefix("verborgen: "), []).append(label)
    texts = ["; ".join(f"{reason}: {', '.join(labels)}" for reason, labels in found.items()) for found in per_row]
    return pd.Series(texts, index=rows.index, dtype=object)


class _Builder:
    """Adds columns to a table, remembering hidden cells and decimals per column."""

    def __init__(self, rows: pd.DataFrame):
        self.rows = rows
        self.frame = pd.DataFrame(index=rows.index)
        self.hidden: dict[str, pd.Series] = {}
        self.decimals: dict[str, int] = {}

    def text(self, header: str, values) -> None:
        self.frame[header] = values

    def count(self, header: str, column: str) -> None:
        self.frame[header] = self.rows[column].map(count_text)

    def figure(self, header: str, column: str, figure: Figure | None = None) -> None:
        figure = figure or FIGURES[column]
        self.frame[header] = pd.Series([figure_value(v, figure) for v in self.rows[column]],
                                       index=self.rows.index, dtype=float)
        reasons = self.rows.get(f"{column}_reden")
        self.hidden[header] = (reasons.fillna("") != "") if reasons is not None else False
        self.decimals[header] = figure.decimals

    def build(self) -> ShownTable:
        self.frame[HIDDEN] = hidden_reasons(self.rows)
        hidden = pd.DataFrame(False, index=self.frame.index, columns=self.frame.columns)
        for header, mask in self.hidden.items():
            hidden[header] = mask
        return ShownTable(self.frame.reset_index(drop=True), hidden.reset_index(drop=True), self.decimals)


def comparison_table(rows: pd.DataFrame, level: str, window: queries.Window,
                     peers: pd.DataFrame | None = None, figure: Figure | None = None,
                     municipal: pd.DataFrame | None = None) -> ShownTable:
    """Every comparison figure per row, Dutch headers, numerators beside the rates; for the
    chart's ``figure`` its 95 % interval and, against ``municipal``, whether the difference is
    clear."""
    table = _Builder(rows)
    table.text(NAME, rows["group"])
    if level == "school":
        table.text("Sector", rows.get("sector", ""))
        table.text("Grootte", rows.get("size_band", pd.Series(index=rows.index, dtype=object)).fillna("–"))
    else:
        table.count("Scholen", "schools")
    notes = [code_note(level, g) for g in rows["group"]]
    if any(notes):
        table.text("Naam of code", notes)
    table.count("Leerlingen" if len(window.years) == 1 else "Leerling-schooljaren", "pupils")
    table.figure(HEADERS["rate_total"], "rate_total")
    for category in CATEGORY_LABELS:
        table.figure(HEADERS[f"rate_{category}"], f"rate_{category}")
    table.count("Meldingen", "meldingen")
    table.figure(HEADERS["per_1000"], "per_1000")
    if window.is_school_year:
        table.count("Langdurig verzuim (leerlingen)", "persistent")
        table.figure(HEADERS["persistent_share"], "persistent_share")
    table.count("16-uurssignalen", "signals")
    table.count("Op tijd gemeld", "on_time")
    table.figure(HEADERS["compliance"], "compliance")
    table.figure(HEADERS["known_share"], "known_share")
    table.figure(HEADERS["median_days"], "median_days")
    table.text("Laatste registratie", rows["last_registration"].map(_date_text))
    if figure is not None:
        # the interval's two ends as figures of their own (numbers in a download, not text)
        for end, word in (("low", "van"), ("high", "tot")):
            if f"{figure.column}_{end}" not in rows:
                rows = rows.assign(**{f"{figure.column}_{end}": np.nan})
                table.rows = rows
            table.figure(f"95%-interval {word}: {figure.label}", f"{figure.column}_{end}", figure)
        reference = municipal.iloc[0][figure.column] if municipal is not None else None
        table.text("Ten opzichte van gemeente",  # empty on the municipal row itself (municipal=None)
                   [POSITION_LABELS[p] for p in benchmark.positions(rows, figure.column, reference)]
                   if municipal is not None else "")
    if peers is not None and figure is not None:
        header = f"Vergelijkbare scholen: {figure.label}"
        peer_rows = peers.assign(**{f"{figure.column}_reden": peers.get(f"{figure.column}_reden", "")})
        builder = _Builder(peer_rows)
        builder.figure(header, figure.column, figure)
        table.frame[header] = builder.frame[header]
        table.hidden[header] = builder.hidden[header]
        table.decimals[header] = figure.decimals
        table.text("Aantal vergelijkbare scholen", peers["schools"].fillna(0).astype(int))
    return table.build()


def registration_table(rows: pd.DataFrame, newest: object) -> ShownTable:
    """How schools register and report: compliance, known codes, delay, freshness."""
    table = _Builder(rows)
    table.text(NAME, rows["group"])
    table.count("16-uurssignalen", "signals")
    table.count("Op tijd gemeld", "on_time")
    table.figure(HEADERS["compliance"], "compliance")
    table.figure(HEADERS["median_days"], "median_days")
    table.figure(HEADERS["known_share"], "known_share")
    table.text("Laatste registratie", rows["last_registration"].map(_date_text))
    table.text("Dagen achter op nieuwste registratie", pd.Series([
        (newest - d).days if newest is not None and d is not None and not pd.isna(d) else None
        for d in rows["last_registration"]], index=rows.index, dtype="Int64"))
    return table.build()


def _date_text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    return fmt.date(value)


def show_table(table: ShownTable, meeting: bool, meeting_columns: list[str] | None = None) -> None:
    """Sortable table on screen; in meeting mode a large static table of the main columns."""
    if meeting:
        wanted = [NAME, *(meeting_columns or table.frame.columns)]
        columns = list(dict.fromkeys(c for c in wanted if c in table.frame))
        shown = table.frame[columns].drop(columns=[HIDDEN], errors="ignore").copy()
        for column, decimals in table.decimals.items():
            if column not in shown:
                continue
            shown[column] = [HIDDEN_TEXT if hidden else fmt.number(v, decimals)
                             for v, hidden in zip(shown[column], table.hidden[column])]
        st.table(shown.set_index(NAME))
        return
    config = {NAME: st.column_config.TextColumn(NAME, pinned=True),
              HIDDEN: st.column_config.TextColumn(HIDDEN, width="large")}
    for column, decimals in table.decimals.items():
        # numbers stay numbers (the column sorts by value); the browser writes them Dutch (1.234,5)
        config[column] = st.column_config.NumberColumn(
            column, format="localized", step=10 ** -decimals,
            help="–: geen gegevens, of verborgen omdat teller of noemer te klein is (zie de laatste kolom)")
    st.dataframe(table.frame, hide_index=True, column_config=config, width="stretch", placeholder="–",
                 height=min(40 + 35 * len(table.frame), 640))
    if (table.frame == COMPLEMENTARY).any().any():
        st.caption(f"‘{COMPLEMENTARY}’: {COMPLEMENTARY_REASON} (een totaal zou het anders verraden).")


def table_downloads(frame: pd.DataFrame, name: str, key: str) -> None:
    """CSV and Excel of a table, built only when clicked (ui.downloads.table_downloads: typed
    cells, a file name that says what, for whom and when)."""
    downloads.table_downloads(frame, name, key)
