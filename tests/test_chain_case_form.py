"""Issue 18: in a youth's file on /jongeren the officer records an intervention (kind + date) and
closes the case with DUO's outcome and its explanation (AppTest on tests/fixtures/youths.py: P-ZAAK,
pupil 10, has open case 1 since 15-09-2020)."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from data_access.models import AuditEvent, Concern, Intervention

PAGE = "../pages/jongeren.py"


@pytest.fixture
def file_of_p_zaak(youths_db, sqlite_url, app_env) -> AppTest:
    app_env(sqlite_url)
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["lea_username"] = "leerplicht"
    at.query_params["jongere"] = "P-ZAAK"
    return at.run()


def widget(elements, label: str):
    return next(e for e in elements if e.label == label)


def test_an_officer_records_an_intervention_and_sees_it_listed(file_of_p_zaak, youths_db):
    at = file_of_p_zaak
    assert "Nog geen interventies in deze zaak." in [c.value for c in at.caption]
    kinds = widget(at.selectbox, "Interventie")
    assert kinds.options[:3] == ["gesprek", "huisbezoek", "verwijzing hulpverlening: jeugdconsulent"]
    assert "zorgadviesteam/OZA" in kinds.options and "HALT" in kinds.options
    kinds.select("zorgadviesteam")
    widget(at.date_input, "Datum interventie").set_value(dt.date(2020, 10, 5))
    widget(at.button, "Interventie opslaan").click().run()
    assert not at.exception and not at.error
    assert "Interventie 'zorgadviesteam/OZA' van 05-10-2020 is vastgelegd." in [s.value for s in at.success]
    assert "Vastgelegd: 05-10-2020 zorgadviesteam/OZA" in [c.value for c in at.caption]
    with youths_db.connect() as conn:
        stored = conn.execute(select(Intervention.concern_id, Intervention.kind, Intervention.date,
                                     Intervention.officer)).all()
        [event] = conn.execute(select(AuditEvent).where(AuditEvent.action == "interventie_toegevoegd")).all()
    assert [tuple(r) for r in stored] == [(1, "zorgadviesteam", dt.date(2020, 10, 5), "leerplicht")]
    assert event.object_id == "10" and json.loads(event.details)["soort"] == "zorgadviesteam"


def test_closing_asks_for_the_outcome_and_stores_it(file_of_p_zaak, youths_db):
    at = file_of_p_zaak
    assert widget(at.selectbox, "Uitkomst (bij sluiten)").value is None  # shown as "–"
    widget(at.selectbox, "Status").select("gesloten")
    widget(at.button, "Wijziging opslaan").click().run()
    [error] = [e.value for e in at.error]
    assert error.startswith("Kies bij het sluiten van een zaak de uitkomst en de toelichting op de uitkomst")
    outcome = widget(at.selectbox, "Uitkomst (bij sluiten)")
    assert "inschrijving beëindigd, andere opleiding" in outcome.options
    outcome.select("terug_naar_school")
    widget(at.selectbox, "Toelichting uitkomst (bij sluiten)").select("gezien_door_gemeente")
    widget(at.button, "Wijziging opslaan").click().run()
    assert not at.exception and any("Zaak bijgewerkt: status 'gesloten'" in s.value for s in at.success)
    with youths_db.connect() as conn:
        case = conn.execute(select(Concern.status, Concern.outcome, Concern.outcome_explanation)
                            .where(Concern.id == 1)).one()
    assert tuple(case) == ("gesloten", "terug_naar_school", "gezien_door_gemeente")


def test_a_youths_meldingen_show_duos_verzuimsoort_and_status(youths_db, sqlite_url, app_env):
    app_env(sqlite_url)
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["lea_username"] = "leerplicht"
    at.query_params["jongere"] = "P-MELDING"  # one 16_uur melding, stored status "open"
    at.run()
    meldingen = next(df.value for df in at.dataframe if df.value.columns[0] == "Gemeld op")
    assert meldingen[["Soort", "Status"]].values.tolist() == [["16 uur in 4 lesweken", "geregistreerd"]]
