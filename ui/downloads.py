"""Download buttons: every table as CSV and Excel, every chart as PNG and SVG.

The table files come from data_access.exports.tables, the one writer that neutralises
spreadsheet formulas (a leading ``'`` in CSV, typed text cells in Excel); never write a table
with pandas' to_csv/to_excel directly.
"""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from data_access.exports import tables


def table_bytes_csv(frame: pd.DataFrame) -> bytes:
    return tables.csv_bytes(frame)


def table_bytes_xlsx(frame: pd.DataFrame, sheet: str = "Gegevens") -> bytes:
    return tables.xlsx_bytes(frame, sheet)


def table_downloads(frame: pd.DataFrame, name: str, key: str, on_download=None) -> None:
    """CSV (semicolon, decimal comma, for Dutch Excel) and .xlsx of a table, built only on click."""
    left, right = st.columns(2)
    left.download_button("Download CSV", lambda: table_bytes_csv(frame), f"{name}.csv", "text/csv",
                         key=f"{key}-csv", on_click=on_download or "ignore", icon=":material/download:")
    right.download_button("Download Excel", lambda: table_bytes_xlsx(frame), f"{name}.xlsx", tables.XLSX_MIME,
                          key=f"{key}-xlsx", on_click=on_download or "ignore", icon=":material/download:")


def chart_bytes(chart: alt.TopLevelMixin, fmt: str) -> bytes:
    import vl_convert as vlc

    spec = chart.to_json()
    if fmt == "svg":
        return vlc.vegalite_to_svg(spec).encode()
    return vlc.vegalite_to_png(spec, scale=2)


def chart_downloads(chart: alt.TopLevelMixin, name: str, key: str) -> None:
    """PNG and SVG of an Altair chart, rendered on the server (no browser needed)."""
    with st.popover("Download grafiek", icon=":material/image:"):
        st.download_button("PNG", lambda: chart_bytes(chart, "png"), f"{name}.png", "image/png",
                           key=f"{key}-png", on_click="ignore")
        st.download_button("SVG", lambda: chart_bytes(chart, "svg"), f"{name}.svg", "image/svg+xml",
                           key=f"{key}-svg", on_click="ignore")
