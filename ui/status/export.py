"""The Export tab of /status: the council appendix as Word and as PDF, made on the click."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from zoneinfo import ZoneInfo

import streamlit as st

from data_access.definitions import Settings, Suppressor
from data_access.exports.council_report import CouncilReport
from data_access.exports.status_docx import council_appendix_docx
from data_access.exports.status_pdf import council_appendix_pdf
from data_access.queries.status import Period
from data_access.users import User
from ui.downloads import file_name
from ui.status import data as status_data
from ui.text import plain

LOCAL_TZ = ZoneInfo("Europe/Amsterdam")
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def appendix_file(write: Callable[[CouncilReport], bytes], period: Period, settings: Settings,
                  suppressor: Suppressor | None, today: dt.date, author: str) -> Callable[[], bytes]:
    """The file, made when clicked: every action of the period with the evidence as this role sees
    it; the document's author is the logged-in user's name, its creation time the click."""

    def make() -> bytes:
        report = status_data.council_report(period.id, settings, suppressor, today)
        if report is None:
            raise LookupError("De rapportageperiode bestaat niet meer.")
        return write(replace(report, made_at=dt.datetime.now(LOCAL_TZ), author=author))

    return make


def export_section(period: Period, settings: Settings, suppressor: Suppressor | None, today: dt.date,
                   user: User) -> None:
    st.subheader(f"Raadsbijlage {plain(period.name)}")  # period names are typed by beheer
    st.caption("Alle acties van de periode (de selectie op programma en portefeuillehouder telt hier niet): "
               "het aantal acties per kleur, de drie lichten als vorm en woord (ook leesbaar in zwart-wit), de "
               "toelichting, het bewijs uit de gegevens en elke waarschuwing dat het bewijs op een andere kleur "
               "wijst. Als Word-bestand en als pdf.")
    stem = file_name(f"status-lea-acties-{period.name}", user.roles)
    left, right = st.columns(2)
    left.download_button("Download Word (.docx)",
                         appendix_file(council_appendix_docx, period, settings, suppressor, today, user.name),
                         f"{stem}.docx", DOCX_MIME, key="export-docx", on_click="ignore",
                         icon=":material/description:")
    right.download_button("Download pdf",
                          appendix_file(council_appendix_pdf, period, settings, suppressor, today, user.name),
                          f"{stem}.pdf", "application/pdf", key="export-pdf", on_click="ignore",
                          icon=":material/picture_as_pdf:")
