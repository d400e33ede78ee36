"""The app's database handle: one engine per process, migrated (and demo-filled) on first use."""
from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from data_access import access, setup
from data_access.db import MissingDatabase
from data_access.settings import database_url


@st.cache_resource(show_spinner="Database wordt voorbereid…")
def engine() -> Engine:
    return setup.ready_engine(database_url())


def is_demo() -> bool:
    return setup.is_demo(engine())


UNREACHABLE = ("De database is op dit moment niet bereikbaar. Probeer het over enkele minuten opnieuw; "
               "blijft dit zo, neem dan contact op met de functioneel beheerder.")


def database_problem() -> str | None:
    """The Dutch message when the database cannot be used now, else None."""
    try:
        with engine().connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except MissingDatabase as exc:  # a mistyped path: say which, never make an empty database there
        return str(exc)
    except (DBAPIError, OperationalError, OSError):
        return UNREACHABLE
    return None


def has_data() -> bool:
    """False for a reachable database without schools: nothing to show yet."""
    return setup.has_schools(engine())


def has_accounts() -> bool:
    return setup.has_accounts(engine())


def stop_if_unreachable() -> None:
    """A clear Dutch message instead of a traceback when the database is down."""
    try:
        with engine().connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except (DBAPIError, OperationalError, OSError):
        st.error(UNREACHABLE, icon=":material/cloud_off:")
        st.stop()


def trouble(message: str) -> None:
    """Show why the app cannot be used now, as the only route, and stop the run."""
    def unavailable() -> None:
        st.title("LEA-dashboard")
        st.error(message, icon=":material/cloud_off:")

    routes = [st.Page(unavailable, title="Niet beschikbaar", url_path=key, visibility="hidden")
              for key in access.PAGES]
    st.navigation([st.Page(unavailable, title="Niet beschikbaar", url_path="niet-beschikbaar", default=True),
                   *routes], position="hidden").run()
    st.stop()
