"""Issue 18: officers record interventions and outcomes in a case (data_access.cases).

An intervention is a kind from INTERVENTION_KINDS on a day between the case's opening and its
closing (or today), recorded by role leerplicht, audited with codes only, and a change of the case
(the lost-update version check). Closing a case needs DUO's closing reason and its explanation;
reopening clears them. Fixture: tests/fixtures/youths.py — case 1 (P-ZAAK, pupil 10) in behandeling
since 15-09-2020, case 2 (P-GESLOTEN, pupil 11) closed on 01-10-2020, TODAY = 13-11-2020.
"""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from data_access import cases
from data_access.models import AuditEvent, Concern, ConcernNote, Intervention
from fixtures.youths import D, TODAY

OFFICER = dict(officer="leerplicht", role="leerplicht")


def audit_rows(db, action: str) -> list:
    with db.connect() as conn:
        return conn.execute(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def version(db, concern_id: int = 1) -> int:
    with db.connect() as conn:
        return cases.case_version(conn, concern_id)


def add(db, kind: str, on, expected_version, concern_id: int = 1, **who):
    with db.begin() as conn:
        return cases.add_intervention(conn, concern_id=concern_id, kind=kind, on=on, expected_version=expected_version,
                                      today=TODAY, **(who or OFFICER))


def close(db, expected_version=None, concern_id: int = 1, role: str = "leerplicht", **change):
    with db.begin() as conn:
        return cases.change_case_status(conn, concern_id=concern_id, author="leerplicht", role=role, on=TODAY,
                                        expected_version=expected_version, **change)


def case_row(db, concern_id: int = 1):
    with db.connect() as conn:
        return conn.execute(select(Concern.status, Concern.closed_on, Concern.outcome, Concern.outcome_explanation,
                                   Concern.version).where(Concern.id == concern_id)).one()


def test_interventions_are_stored_in_date_order_audited_with_codes_and_move_the_version_on(any_youths_db):
    db = any_youths_db
    first = add(db, "huisbezoek", D(2020, 10, 20), expected_version=1)
    second = add(db, "gesprek", D(2020, 9, 15), expected_version=2)  # the opening day itself is allowed
    with db.connect() as conn:
        listed = cases.interventions(conn, 1)
        stored = conn.execute(select(Intervention.id, Intervention.concern_id, Intervention.kind, Intervention.date,
                                     Intervention.officer).order_by(Intervention.id)).all()
    assert [tuple(r) for r in stored] == [(first, 1, "huisbezoek", D(2020, 10, 20), "leerplicht"),
                                          (second, 1, "gesprek", D(2020, 9, 15), "leerplicht")]
    assert listed.to_dict("records") == [
        {"date": D(2020, 9, 15), "kind": "gesprek", "officer": "leerplicht"},
        {"date": D(2020, 10, 20), "kind": "huisbezoek", "officer": "leerplicht"}]
    assert version(db) == 3  # two changes of the case
    events = audit_rows(db, "interventie_toegevoegd")
    assert [(e.username, e.role, e.object_type, e.object_id) for e in events] == [
        ("leerplicht", "leerplicht", "pupil", "10"), ("leerplicht", "leerplicht", "pupil", "10")]
    assert json.loads(events[0].details) == {"concern_id": 1, "interventie_id": first, "soort": "huisbezoek"}


@pytest.mark.parametrize(("kind", "on", "who", "message"), [
    ("halt", D(2020, 10, 1), dict(officer="lea", role="lea"), "Alleen een leerplichtambtenaar"),
    ("boete", D(2020, 10, 1), {}, "Onbekende interventie: boete."),
    ("gesprek", D(2020, 11, 14), {}, "niet in de toekomst"),
    ("gesprek", D(2020, 9, 14), {}, "niet vóór de opening van de zaak (15-09-2020)"),
])
def test_a_refused_intervention_writes_nothing(youths_db, kind, on, who, message):
    with pytest.raises(cases.CaseError, match=message.replace("(", r"\(").replace(")", r"\)")):
        add(youths_db, kind, on, expected_version=1, **who)
    with youths_db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Intervention)).scalar() == 0
    assert version(youths_db) == 1 and audit_rows(youths_db, "interventie_toegevoegd") == []


def test_an_intervention_after_a_case_closed_is_refused_and_one_before_is_kept(youths_db):
    # case 2 closed on 01-10-2020: the closing day is the last day an intervention can lie on
    with pytest.raises(cases.CaseError, match=r"na het sluiten van de zaak \(01-10-2020\)"):
        add(youths_db, "gesprek", D(2020, 10, 2), expected_version=1, concern_id=2)
    add(youths_db, "verwijzing_ggd", D(2020, 10, 1), expected_version=1, concern_id=2)
    with youths_db.connect() as conn:
        assert cases.interventions(conn, 2)["kind"].tolist() == ["verwijzing_ggd"]


def test_an_intervention_on_a_stale_version_is_refused_and_a_colleagues_intervention_makes_the_status_form_stale(
        youths_db):
    add(youths_db, "gesprek", D(2020, 10, 1), expected_version=1)  # a colleague, from the same drawn form
    with pytest.raises(cases.StaleCase) as refused:
        add(youths_db, "huisbezoek", D(2020, 10, 2), expected_version=1)
    assert refused.value.current_version == 2
    with pytest.raises(cases.StaleCase):
        close(youths_db, expected_version=1, status="in_behandeling", next_action="Huisbezoek")
    with youths_db.connect() as conn:
        assert cases.interventions(conn, 1)["kind"].tolist() == ["gesprek"]


def test_closing_needs_an_outcome_and_its_explanation_and_stores_them(youths_db):
    for missing in (dict(), dict(outcome="terug_naar_school"), dict(outcome_explanation="geen_actie_meer")):
        with pytest.raises(cases.CaseError, match="Kies bij het sluiten van een zaak de uitkomst en de toelichting"):
            close(youths_db, expected_version=1, status="gesloten", **missing)
    assert tuple(case_row(youths_db)) == ("in_behandeling", None, None, None, 1)  # nothing written
    close(youths_db, expected_version=1, status="gesloten", outcome="beeindigd_andere_opleiding",
          outcome_explanation="actie_richting_leerling")
    assert tuple(case_row(youths_db)) == ("gesloten", TODAY, "beeindigd_andere_opleiding",
                                          "actie_richting_leerling", 2)
    [event] = audit_rows(youths_db, "status_gewijzigd")
    details = json.loads(event.details)
    assert (details["uitkomst"], details["uitkomst_uitleg"]) == ("beeindigd_andere_opleiding",
                                                                 "actie_richting_leerling")


@pytest.mark.parametrize(("change", "role", "message"), [
    (dict(status="gesloten", outcome="verhuisd", outcome_explanation="geen_actie_meer"), "leerplicht",
     "Onbekende uitkomst: verhuisd."),
    (dict(status="gesloten", outcome="terug_naar_school", outcome_explanation="gebeld"), "leerplicht",
     "Onbekende toelichting op de uitkomst: gebeld."),
    (dict(status="in_behandeling", outcome="terug_naar_school"), "leerplicht",
     "Een uitkomst hoort bij het sluiten van een zaak"),
    (dict(status="gesloten", outcome="terug_naar_school", outcome_explanation="geen_actie_meer"), "lea",
     "Alleen een leerplichtambtenaar legt de uitkomst"),
])
def test_a_wrong_outcome_is_refused_and_writes_nothing(youths_db, change, role, message):
    with pytest.raises(cases.CaseError, match=message):
        close(youths_db, expected_version=1, role=role, **change)
    assert tuple(case_row(youths_db)) == ("in_behandeling", None, None, None, 1)
    assert audit_rows(youths_db, "status_gewijzigd") == []


def test_a_closed_case_keeps_its_outcome_when_saved_and_loses_it_when_reopened(youths_db):
    close(youths_db, status="gesloten", outcome="legitiem_afwezig", outcome_explanation="geen_actie_meer")
    close(youths_db, status="gesloten", note="Dossier nagekeken")  # already closed: no outcome needed, kept
    assert tuple(case_row(youths_db))[:4] == ("gesloten", TODAY, "legitiem_afwezig", "geen_actie_meer")
    close(youths_db, status="gesloten", outcome="langdurig_ziek", outcome_explanation="geen_actie_meer")  # corrected
    assert case_row(youths_db).outcome == "langdurig_ziek"
    close(youths_db, status="in_behandeling", next_action="Nieuw gesprek")  # reopened: the case has not ended
    assert tuple(case_row(youths_db))[:4] == ("in_behandeling", None, None, None)
    with youths_db.connect() as conn:
        statuses = conn.execute(select(ConcernNote.status).where(ConcernNote.concern_id == 1)
                                .order_by(ConcernNote.id)).scalars().all()
    assert statuses == ["gesloten", "gesloten", "gesloten", "in_behandeling"]
    details = [json.loads(e.details) for e in audit_rows(youths_db, "status_gewijzigd")]
    # the audit trail keeps every outcome the case had (codes), and says when it went
    assert [(d.get("uitkomst", "-"), d.get("uitkomst_uitleg", "-")) for d in details] == [
        ("legitiem_afwezig", "geen_actie_meer"), ("-", "-"), ("langdurig_ziek", "geen_actie_meer"), (None, None)]
