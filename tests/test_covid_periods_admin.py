"""The beheer form for periods (ui/admin/periods.py), rendered with AppTest as the /beheer page will."""
import datetime as dt

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from data_access import users
from data_access.models import AuditEvent, Period

D = dt.date


def admin_script():
    import streamlit as st

    from data_access import users as accounts
    from ui.db import engine
    from ui.admin.periods import render_periods_admin

    with engine().connect() as conn:
        user = accounts.get_user(conn, st.session_state["who"])
    render_periods_admin(user)


def open_admin(engine, sqlite_url, app_env, who: str, roles: list[str]) -> AppTest:
    with engine.begin() as conn:
        users.create_user(conn, who, who.title(), roles, None)
    app_env(sqlite_url)
    at = AppTest.from_function(admin_script, default_timeout=60)
    at.session_state["who"] = who
    return at.run()


def fill(at: AppTest, prefix: str, name: str, kind: str, sector: str, start: dt.date, end: dt.date) -> None:
    at.text_input(key=f"{prefix}_name").input(name)
    at.selectbox(key=f"{prefix}_kind").set_value(kind)
    at.selectbox(key=f"{prefix}_sector").set_value(sector)
    at.date_input(key=f"{prefix}_start").set_value(start)
    at.date_input(key=f"{prefix}_end").set_value(end)


def stored(engine):
    with engine.connect() as conn:
        return conn.execute(select(Period.name, Period.kind, Period.sector, Period.start, Period.end)).all()


def test_beheer_adds_a_closure_and_it_is_listed_and_audited(engine, sqlite_url, app_env):
    at = open_admin(engine, sqlite_url, app_env, "beheerder", ["beheer"])
    assert any("nog geen perioden" in i.value for i in at.info)
    fill(at, "period_add", "Eerste schoolsluiting (COVID-19)", "covid_sluiting", "BAO", D(2020, 3, 16), D(2020, 6, 7))
    at.button[0].click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["De periode is toegevoegd."]
    assert stored(engine) == [("Eerste schoolsluiting (COVID-19)", "covid_sluiting", "BAO", D(2020, 3, 16),
                               D(2020, 6, 7))]
    listed = at.dataframe[0].value
    assert listed.values.tolist() == [["Eerste schoolsluiting (COVID-19)", "COVID-19: scholen dicht", "BAO",
                                       "16-03-2020", "07-06-2020"]]
    with engine.connect() as conn:
        audit = conn.execute(select(AuditEvent.action, AuditEvent.username)).all()
    assert audit == [("periode_toegevoegd", "beheerder")]


def test_an_end_before_the_start_is_refused_with_a_dutch_message(engine, sqlite_url, app_env):
    at = open_admin(engine, sqlite_url, app_env, "beheerder", ["beheer"])
    fill(at, "period_add", "Verkeerd om", "vakantie", "alle", D(2020, 6, 7), D(2020, 3, 16))
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["De begindatum ligt na de einddatum."]
    assert stored(engine) == []


def test_beheer_corrects_the_end_of_a_period(engine, sqlite_url, app_env):
    with engine.begin() as conn:
        conn.execute(Period.__table__.insert().values(name="Halve groepen", kind="covid_gedeeltelijk",
                                                      sector="BAO", start=D(2020, 5, 11), end=D(2020, 6, 8)))
    at = open_admin(engine, sqlite_url, app_env, "beheerder", ["beheer"])
    period_id = at.selectbox(key="period_edit_id").value
    at.date_input(key=f"period_edit_{period_id}_end").set_value(D(2020, 6, 7))
    [save] = [b for b in at.button if b.label == "Correctie opslaan"]
    save.click().run()
    assert [s.value for s in at.success] == ["De correctie is opgeslagen."]
    assert stored(engine) == [("Halve groepen", "covid_gedeeltelijk", "BAO", D(2020, 5, 11), D(2020, 6, 7))]


def test_only_beheer_gets_the_forms(engine, sqlite_url, app_env):
    at = open_admin(engine, sqlite_url, app_env, "officer", ["leerplicht"])
    assert [e.value for e in at.error] == ["Alleen functioneel beheer kan perioden toevoegen of corrigeren."]
    assert not at.text_input
