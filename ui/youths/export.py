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
from ui.downloads import grant, guarded, table_bytes_csv, table_bytes_xlsx

PURPOSES = (
    "Casusoverleg met school of zorgpartner",
    "Planning van huisbezoeken en gesprekken",
    "Voorbereiding zorg- en adviesteam (ZAT/OZA)",
    "Verantwoording en kwaliteitscontrole leerplicht",
    "Anders, namelijk …",
)
OTHER = PURPOSES[-1]


def export_file(db: Engine, user: User, filters: youths.YouthFilters, today: dt.date, purpose: str,
                file_format: str, table: pd.DataFrame, pupil_ids: list[int],
                source: str | None = None) -> Callable[[], bytes]:
    """The generator Streamlit calls on a click (outside the script run: everything it needs,
    the request's origin included, is captured now): audit first, then the bytes."""

    def generate() -> bytes:
        with db.begin() as conn:
            record_export(conn, user.username, user.role_label, filters, today, purpose, file_format,
                          pupil_ids, source)
        if file_format == "xlsx":
            return table_bytes_xlsx(table, sheet="Jongeren in beeld")
        return table_bytes_csv(table)

    return generate


def record_export(conn, username: str, role: str, filters: youths.YouthFilters, today: dt.date, purpose: str,
                  file_format: str, pupil_ids: list[int], origin: str | None = None) -> int:
    """The export's audit event with its pupils in audit_pupil (so "who saw youth X" finds it).

    Same event as ``youths.record_export`` (queries/youths.py, owned elsewhere), which cannot
    pass pupil ids on yet; the JSON list in details stays until its readers use audit_pupil."""
    if not purpose.strip():
        raise ValueError("Een doel (doelbinding) is verplicht bij een export.")
    ids = [int(i) for i in pupil_ids]
    return audit.record(conn, audit.EXPORT, username=username, role=role, object_type=youths.OBJECT_LIST,
                        object_id="jongeren", origin=origin, pupil_ids=ids,
                        details={"doel": purpose.strip(), "formaat": file_format, "filters": filters.for_audit(),
                                 "peildatum": today.isoformat(), "rijen": len(ids), "pupil_ids": ids})


def export_panel(user: User, filters: youths.YouthFilters, today: dt.date, table: pd.DataFrame,
                 pupil_ids: list[int]) -> None:
    with st.expander(f"Exporteren ({youths_count(len(table))}, CSV of Excel)", icon=":material/download:"):
        st.caption("Een export bevat persoonsgegevens. Kies waarvoor u hem nodig heeft; het doel, de filters "
                   "en de pseudoniemen worden in het auditlog vastgelegd. Noem geen namen in het doel.")
        choice = st.selectbox("Doel van de export (verplicht)", PURPOSES, index=None, key="yx_purpose",
                              placeholder="kies een doel")
        other = ""
        if choice == OTHER:
            other = st.text_input("Omschrijf het doel", max_chars=120, key="yx_other")
        purpose = (other.strip() if choice == OTHER else choice) or ""
        ready = len(purpose) >= 5 and not table.empty
        if table.empty:
            st.info("De lijst is leeg; er valt niets te exporteren.")
        elif not ready:
            st.info("Kies eerst een doel; daarna kunt u downloaden.")
        name = f"jongeren-in-beeld-{today.isoformat()}"
        left, right = st.columns(2)
        db, source = engine(), origin()
        who = grant(user, access.PERSONAL_DATA_ROLES)

        def file(file_format: str):
            if not ready:
                return b""
            return guarded(db, who, {"object_type": youths.OBJECT_LIST, "object_id": "jongeren",
                                     "formaat": file_format},
                           export_file(db, user, filters, today, purpose, file_format, table, pupil_ids, source))

        # on_click="rerun": after a refused click the rerun shows why (the session has ended)
        left.download_button(
            "Download CSV", file("csv"), f"{name}.csv", "text/csv", key="yx_csv", on_click="rerun",
            disabled=not ready, icon=":material/download:")
        right.download_button(
            "Download Excel", file("xlsx"),
            f"{name}.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="yx_xlsx",
            on_click="rerun", disabled=not ready, icon=":material/download:")
