"""Export of the filtered list, only with a stated purpose (doelbinding), every file audited.

The file is generated on the server when the officer clicks (a deferred download), and the
audit row is written by that same generator: no file of personal data leaves without its row,
whatever the browser does. Until a purpose is chosen the buttons are disabled and no file exists.

The click is decided when the file is made (ui.downloads.guarded, issue 17 #5): a session that
was ended, lost the leerplicht role, or was replaced by another login since the button was drawn
gets no file, and the refusal is audited; the click's rerun then shows the user why.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from data_access import access, audit
from data_access.queries import youths
from data_access.users import User
from ui.db import engine
from ui.guard import origin
from ui.youths.tables import youths_count
from ui.downloads import file_name, grant, guarded, table_bytes_csv, table_bytes_xlsx

PURPOSES = (
    "Casusoverleg met school of zorgpartner",
    "Planning van huisbezoeken en gesprekken",
    "Voorbereiding zorg- en adviesteam (ZAT/OZA)",
    "Verantwoording en kwaliteitscontrole leerplicht",
    "Anders (licht toe)",
)
OTHER = PURPOSES[-1]
TEXT_COLUMNS = ("Pseudoniem",)  # an identifier: text in Excel even when it looks like a number


def export_file(db: Engine, user: User, filters: youths.YouthFilters, today: dt.date, purpose: str,
                explanation: str, file_format: str, table: pd.DataFrame, pupil_ids: list[int],
                source: str | None = None) -> Callable[[], bytes]:
    """The generator Streamlit calls on a click (outside the script run: everything it needs,
    the request's origin included, is captured now): audit first, then the bytes."""

    def generate() -> bytes:
        with db.begin() as conn:
            audit.record_export(conn, username=user.username, role=user.role_label,
                                object_type=youths.OBJECT_LIST, object_id="jongeren", purpose=purpose,
                                explanation=explanation, file_format=file_format, pupil_ids=pupil_ids,
                                origin=source, filters=filters.for_audit(), peildatum=today.isoformat())
        if file_format == "xlsx":
            return table_bytes_xlsx(table, sheet="Jongeren in beeld", text_columns=TEXT_COLUMNS)
        return table_bytes_csv(table)

    return generate


def export_panel(user: User, filters: youths.YouthFilters, today: dt.date, table: pd.DataFrame,
                 pupil_ids: list[int]) -> None:
    with st.expander(f"Exporteren ({youths_count(len(table))}, CSV of Excel)", icon=":material/download:"):
        st.caption("Een export bevat persoonsgegevens. Kies waarvoor u hem nodig heeft; het doel, de filters "
                   "en de pseudoniemen worden in het auditlog vastgelegd.")
        choice = st.selectbox("Doel van de export (verplicht)", PURPOSES, index=None, key="yx_purpose",
                              placeholder="kies een doel")
        explanation = st.text_input(
            "Toelichting" + (" (verplicht bij ‘Anders’)" if choice == OTHER else " (mag leeg)"), max_chars=120,
            key="yx_other", help="Beheer ziet alleen de lengte van deze tekst, niet de inhoud. Noem geen namen.")
        purpose = choice or ""
        ready = bool(purpose) and (choice != OTHER or len(explanation.strip()) >= 5) and not table.empty
        if table.empty:
            st.info("De lijst is leeg; er valt niets te exporteren.")
        elif not ready:
            st.info("Kies eerst een doel (bij ‘Anders’ met een toelichting); daarna kunt u downloaden.")
        name = file_name(f"jongeren-in-beeld-peildatum-{today.isoformat()}", user.roles)
        left, right = st.columns(2)
        db, source = engine(), origin()
        who = grant(user, access.PERSONAL_DATA_ROLES)

        def file(file_format: str):
            if not ready:
                return b""
            return guarded(db, who, {"object_type": youths.OBJECT_LIST, "object_id": "jongeren",
                                     "formaat": file_format},
                           export_file(db, user, filters, today, purpose, explanation, file_format, table, pupil_ids,
                                       source))

        # on_click="rerun": after a refused click the rerun shows why (the session has ended)
        left.download_button(
            "Download CSV", file("csv"), f"{name}.csv", "text/csv", key="yx_csv", on_click="rerun",
            disabled=not ready, icon=":material/download:")
        right.download_button(
            "Download Excel", file("xlsx"),
            f"{name}.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="yx_xlsx",
            on_click="rerun", disabled=not ready, icon=":material/download:")
