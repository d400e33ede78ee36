"""The chosen period at a glance: what was compared, six figures against the baseline, and how the
families of youths of concern were reached."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from data_access.definitions import Suppressor
from data_access.definitions.suppression import COMPLEMENTARY, COMPLEMENTARY_REASON
from data_access.periods import BASELINE_DIRECTIONS
from data_access.queries import contacts
from data_access.queries.contacts import HIGHER_IS_BETTER, METRIC_LABELS, Figure, PeriodReport
from ui.covid import format as cf
from ui.labels import CHANNEL_LABELS

TILE_ROWS = (("school_rate", "contacts_per_school_week", "family_rate"),
             ("median_days", "never_reached", "concern_share"))
DIRECTION_WORDS = dict(zip(BASELINE_DIRECTIONS, ("vóór de periode", "na de periode", "vóór en na de periode")))
METRIC_HELP = {
    "school_rate": "Scholen met minstens één contact van leerplicht met de school in de periode, gedeeld door "
                   "alle scholen van de sector in de gemeente. Nieuwsbrieven en bijeenkomsten tellen niet mee.",
    "contacts_per_school_week": "Contacten met scholen gedeeld door het aantal scholen en het aantal schoolweken "
                                "(schooldagen / 5).",
    "family_rate": "Jongeren in beeld met een open zaak in de periode bij wie het gezin of de jongere minstens "
                   "één keer echt is bereikt, gedeeld door alle jongeren met een open zaak in de periode.",
    "median_days": "Dagen vanaf de opening van de zaak of het begin van de periode (wat later is) tot het eerste "
                   "geslaagde contact; de middelste waarde van de bereikte gezinnen.",
    "never_reached": "Open zaken waarbij het gezin of de jongere in de periode wel is benaderd, maar nooit bereikt.",
    "concern_share": "Deel van de contacten in de periode waaruit een nieuwe zorgmelding (jongere in beeld) volgde.",
}
STATUS_LABELS = {"reached": "Bereikt", "never_reached": "Benaderd, nooit bereikt", "not_contacted": "Niet benaderd"}


def has_no_contacts(report: PeriodReport) -> bool:
    """Nothing recorded in the period nor a baseline with data: figures would be a misleading 0 %."""
    m = report.metrics
    return report.baseline_metrics is None and m.contacts == 0 and m.school_contacts == 0 and m.cases_open == 0


@dataclass(frozen=True)
class WindowsText:
    """What the figures cover, and a notice ("info" or "warning", or None) about the baseline."""

    markdown: str
    notice_kind: str | None
    notice: str | None


def windows_text(report: PeriodReport) -> WindowsText:
    markdown = (f"**Periode:** {cf.ranges_text(report.window)} ({cf.weeks_text(report.window.school_weeks)})  \n"
                f"**Basis:** {_baseline_sentence(report)}")
    if report.baseline_metrics is None:
        return WindowsText(markdown, "info",
                           "Er zijn geen normale schoolweken met contactgegevens gevonden om deze periode mee te "
                           "vergelijken. Kies een andere vergelijking (bijvoorbeeld ‘Na de periode’).")
    if not report.baseline_complete:
        found = len(contacts.baseline_mondays_of(report.baseline))
        return WindowsText(markdown, "warning",
                           f"Er zijn maar {found} normale schoolweken met gegevens gevonden (gezocht: "
                           f"{report.baseline_weeks_wanted}). De basis is daardoor korter dan de periode.")
    return WindowsText(markdown, None, None)


def show_windows(text: WindowsText) -> None:
    """Which days the figures cover, and a warning when the baseline is short or missing."""
    st.markdown(text.markdown)
    if text.notice_kind == "info":
        st.info(text.notice, icon=":material/info:")
    elif text.notice_kind == "warning":
        st.warning(text.notice, icon=":material/warning:")


def _baseline_sentence(report: PeriodReport) -> str:
    if report.baseline.is_empty:
        return "geen normale schoolweken met gegevens gevonden"
    weeks = len(contacts.baseline_mondays_of(report.baseline))
    noun = "normale schoolweek" if weeks == 1 else "normale schoolweken"
    return (f"{weeks} {noun} {DIRECTION_WORDS[report.direction]}, zonder vakanties en andere sluitingen: "
            f"{cf.ranges_text(report.baseline)}")


@dataclass(frozen=True)
class Tile:
    """One figure as st.metric shows it, with the caption under it."""

    label: str
    value: str
    delta: str | None
    delta_color: str
    delta_description: str | None
    help: str
    caption: str


def tiles(report: PeriodReport, suppressor: Suppressor | None) -> tuple[tuple[Tile, ...], ...]:
    """The tiles in rows of three (TILE_ROWS)."""
    mine = contacts.figures(report.metrics, suppressor)
    base = contacts.figures(report.baseline_metrics, suppressor) if report.baseline_metrics else {}
    return tuple(tuple(_tile(key, mine[key], base.get(key)) for key in keys) for keys in TILE_ROWS)


def show_tiles(rows: tuple[tuple[Tile, ...], ...]) -> None:
    for row in rows:
        for column, tile in zip(st.columns(len(row)), row):
            with column:
                st.metric(tile.label, tile.value, delta=tile.delta, delta_color=tile.delta_color,
                          delta_description=tile.delta_description, help=tile.help, border=True)
                st.caption(tile.caption)


def _tile(key: str, figure: Figure, baseline: Figure | None) -> Tile:
    difference = contacts.difference(key, figure, baseline) if baseline else None
    delta = cf.difference_text(key, difference)
    return Tile(
        METRIC_LABELS[key], cf.figure_text(key, figure), delta,
        # no change is shown neutral (grey), not as a better or worse result
        "off" if delta and delta.startswith("±") else "normal" if HIGHER_IS_BETTER[key] else "inverse",
        "t.o.v. basis" if difference is not None else None,
        METRIC_HELP[key] + (f" ({figure.reason})" if figure.reason else ""),
        _tile_caption(key, figure, baseline),
    )


def _tile_caption(key: str, figure: Figure, baseline: Figure | None) -> str:
    mine = _counts_text(key, figure)
    if baseline is None:
        return f"{mine} · geen basis" if mine else "geen basis"
    base_value = cf.figure_text(key, baseline)
    base_counts = _counts_text(key, baseline) if key != "never_reached" else ""
    text = f"basis: {base_value}" + (f" ({base_counts})" if base_counts else "")
    return f"{mine} · {text}" if mine else text


def _counts_text(key: str, figure: Figure) -> str:
    if key == "school_rate":
        return f"{cf.count_text(figure.numerator)} van {cf.count_text(figure.denominator)} scholen"
    if key == "contacts_per_school_week":
        return f"{cf.count_text(figure.numerator)} schoolcontacten"
    if key == "family_rate":
        return f"{cf.count_text(figure.numerator)} van {cf.count_text(figure.denominator)} jongeren in beeld"
    if key == "median_days":
        return "" if figure.numerator is None or figure.hidden else \
            f"{cf.count_text(figure.numerator)} bereikte gezinnen"
    if key == "concern_share":
        return f"{cf.count_text(figure.numerator)} van {cf.count_text(figure.denominator)} contacten"
    return "benaderd, maar niet bereikt"


def show_family_detail(families: pd.DataFrame, attempts: pd.DataFrame, suppressor: Suppressor | None) -> None:
    """Open cases by outcome, and the attempts made for the families never reached, per channel."""
    left, right = st.columns(2)
    with left:
        st.markdown("**Jongeren in beeld met een open zaak**")
        st.dataframe(families, hide_index=True, placeholder="–", width="stretch")
    with right:
        st.markdown("**Pogingen bij gezinnen die nooit bereikt werden, per kanaal**")
        st.dataframe(attempts, hide_index=True, placeholder="–", width="stretch")
    if suppressor:
        st.caption(f"Aantallen kleiner dan {suppressor.threshold} staan als ‘{suppressor.marker}’; dan wordt "
                   f"ook één ander aantal verborgen (‘{COMPLEMENTARY}’: {COMPLEMENTARY_REASON}), zodat het totaal "
                   "niets verraadt.")


def family_table(report: PeriodReport, suppressor: Suppressor | None) -> pd.DataFrame:
    columns = {"Periode": contacts.family_breakdown(report.metrics, suppressor)["cases"]}
    if report.baseline_metrics:
        columns["Basis"] = contacts.family_breakdown(report.baseline_metrics, suppressor)["cases"]
    frame = pd.DataFrame({"Uitkomst": list(STATUS_LABELS.values()),
                          **{name: [cf.count_text(v) for v in values] for name, values in columns.items()}})
    totals = {"Periode": report.metrics.cases_open}
    if report.baseline_metrics:
        totals["Basis"] = report.baseline_metrics.cases_open
    total_row = {"Uitkomst": "Totaal open", **{k: cf.count_text(suppressor.count(v) if suppressor else v)
                                                for k, v in totals.items()}}
    return pd.concat([frame, pd.DataFrame([total_row])], ignore_index=True)


def attempts_table(report: PeriodReport, suppressor: Suppressor | None) -> pd.DataFrame:
    windows = {"Periode": report.metrics}
    if report.baseline_metrics:
        windows["Basis"] = report.baseline_metrics
    channels = list(dict.fromkeys(c for m in windows.values() for c in m.never_reached_attempts))
    frame = pd.DataFrame({"Kanaal": [CHANNEL_LABELS.get(c, c) for c in channels]})
    for name, metrics in windows.items():
        attempts = {c: metrics.never_reached_attempts.get(c, 0) for c in channels}
        shown = contacts.suppressed_attempts(attempts, suppressor)
        frame[name] = [cf.count_text(v) for v in shown["attempts"]]
    return frame
