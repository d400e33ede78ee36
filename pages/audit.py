"""Auditlog (beheer): who did what, when — filter by user, action, period and youth; export to CSV."""
import datetime as dt

import streamlit as st

from data_access import audit
from data_access.definitions.calendar import EARLIEST_DATE
from data_access.queries.youths import pupil_id_of
from ui.admin.audit_download import audit_csv_file
from ui.db import engine
from ui.downloads import file_name
from ui.guard import SESSION_ISSUED, origin, require

user = require("audit")

ALL = "(alle)"

st.title("Auditlog")
st.caption("Inloggen, uitloggen, blokkades, het bekijken en exporteren van persoonsgegevens en elke "
           "wijziging. Alleen id's, nooit namen of notities. Tijden in UTC.")

with engine().connect() as conn:
    usernames = audit.distinct(conn, "username")
    actions = audit.distinct(conn, "action")

today = dt.datetime.now(dt.UTC).date()
col_user, col_action, col_period, col_pupil = st.columns([1, 1, 1.3, 1])
chosen_user = col_user.selectbox("Gebruiker", [ALL, *usernames], key="audit_user")
chosen_action = col_action.selectbox("Actie", [ALL, *actions], key="audit_action")
period = col_period.date_input("Periode (UTC)", value=(today - dt.timedelta(days=30), today), format="DD-MM-YYYY",
                               min_value=EARLIEST_DATE, max_value=today, key="audit_period")
pseudonym = col_pupil.text_input("Wie zag jongere (pseudoniem)…", key="audit_pupil",
                                 help="Wie heeft deze jongere gezien (in een lijst, een export of het dossier) "
                                      "of gewijzigd?").strip()

start, end = (period if isinstance(period, (list, tuple)) and len(period) == 2
              else (period[0], period[0]) if isinstance(period, (list, tuple)) and period else (period, period))
filters = {
    "username": None if chosen_user == ALL else chosen_user,
    "action": None if chosen_action == ALL else chosen_action,
    "since": dt.datetime.combine(start, dt.time()),
    "until": dt.datetime.combine(end + dt.timedelta(days=1), dt.time()),
}
pupil_id = None
if pseudonym:
    with engine().connect() as conn:
        pupil_id = pupil_id_of(conn, pseudonym)
    if pupil_id is None:
        st.warning("Geen jongere met dit pseudoniem.")
        st.stop()

with engine().connect() as conn:
    events = audit.events(conn, pupil_id=pupil_id, **filters)

st.write(f"**{len(events):,}** gebeurtenissen".replace(",", "."))
if len(events) >= audit.EVENTS_LIMIT:
    st.info(f"Alleen de nieuwste {audit.EVENTS_LIMIT:,} gebeurtenissen; verfijn de filters.".replace(",", "."))
st.dataframe(events, hide_index=True, placeholder="–", width="stretch",
             column_config={"tijd (UTC)": st.column_config.DatetimeColumn(format="DD-MM-YYYY HH:mm:ss")})


name = file_name(f"auditlog-{start:%Y-%m-%d}-tot-en-met-{end:%Y-%m-%d}", user.roles)
# a deferred download: the file is made (and audited, with the session checked again) when fetched
st.download_button("Exporteren naar CSV",
                   data=audit_csv_file(engine(), user.username, st.session_state.get(SESSION_ISSUED), filters,
                                       pupil_id, origin()),
                   mime="text/csv", file_name=f"{name}.csv",
                   icon=":material/download:", on_click="ignore", key="audit_export")
