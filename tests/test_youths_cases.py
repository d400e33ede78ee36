"""Contacts, case notes, status changes and new cases: each stored together with one audit row
that holds ids only (SQLite and PostgreSQL), and visible in the officers' list at once."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from data_access import audit, cases
from data_access.definitions import DEFAULTS
from data_access.models import AuditEvent, Concern, ConcernNote, Contact, ContactWeek
from data_access.queries import youths
from fixtures.youths import D, TODAY

OFFICER = dict(role="leerplicht")


def audit_rows(db, action: str) -> list:
    with db.connect() as conn:
        return conn.execute(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_a_contact_is_stored_audited_and_shown_as_last_contact(any_youths_db):
    db = any_youths_db
    with db.begin() as conn:
        contact_id = cases.add_contact(conn, pupil_id=1, officer="leerplicht", on=TODAY, target="family",
                                       channel="phone", reached=True, purpose="intake",
                                       notes="Vader Exact gesproken over schoolgang", **OFFICER)
    [event] = audit_rows(db, "contact_toegevoegd")
    assert (event.username, event.object_type, event.object_id) == ("leerplicht", "pupil", "1")
    details = json.loads(event.details)
    assert details["contact_id"] == contact_id and details["concern_id"] is None
    assert "Exact" not in event.details and "schoolgang" not in event.details  # ids and codes only
    with db.connect() as conn:
        listed = youths.youth_list(conn, TODAY, DEFAULTS).set_index("pseudonym")
        week = conn.execute(select(ContactWeek.contacts).where(ContactWeek.school_id == 1,
                                                               ContactWeek.target == "family")).scalar()
    assert listed.loc["P-EXACT", "last_contact_on"] == TODAY
    assert week == 1  # the weekly contact summary is kept current in the same transaction


def test_a_case_note_and_a_status_change_go_into_the_history(any_youths_db):
    db = any_youths_db
    with db.begin() as conn:
        note_id = cases.add_case_note(conn, concern_id=1, author="leerplicht", note="Moeder belt terug", **OFFICER)
        change_id = cases.change_case_status(conn, concern_id=1, author="leerplicht", status="gesloten",
                                             phase="afgesloten", note="Schoolgang hersteld", on=TODAY,
                                             outcome="terug_naar_school",
                                             outcome_explanation="gezien_door_gemeente", **OFFICER)
    with db.connect() as conn:
        case = conn.execute(select(Concern).where(Concern.id == 1)).one()
        notes = conn.execute(select(ConcernNote.id, ConcernNote.status, ConcernNote.note)
                             .order_by(ConcernNote.id)).all()
        history = youths.case_history(conn, 10)
    assert (case.status, case.closed_on, case.next_action_on, case.phase) == ("gesloten", TODAY, None, "afgesloten")
    assert [tuple(n) for n in notes] == [(note_id, None, "Moeder belt terug"),
                                         (change_id, "gesloten", "Schoolgang hersteld")]
    assert history["mas_route"].tolist() == ["route 2", "route 2"]
    [note_event] = audit_rows(db, "notitie_toegevoegd")
    [status_event] = audit_rows(db, "status_gewijzigd")
    assert note_event.object_id == "10" and status_event.object_id == "10"
    assert json.loads(status_event.details) == {"concern_id": 1, "note_id": change_id,
                                                   "van": "in_behandeling", "naar": "gesloten",
                                                   "uitkomst": "terug_naar_school",
                                                   "uitkomst_uitleg": "gezien_door_gemeente"}
    assert "Moeder" not in note_event.details and "hersteld" not in status_event.details


def test_opening_a_case_takes_the_youth_out_of_signals_without_a_case(youths_db):
    with youths_db.begin() as conn:
        concern_id = cases.open_case(conn, pupil_id=3, officer="leerplicht", opened_on=TODAY, source="school",
                                     reason="16 uur ongeoorloofd", mas_route="MAS-1 preventief",
                                     next_action_on=D(2020, 11, 20), **OFFICER)
        queue = youths.work_queue(youths.youth_list(conn, TODAY, DEFAULTS), TODAY, DEFAULTS.no_contact_days)
    assert "P-VAKANTIE" not in queue["pseudonym"].tolist()
    [event] = audit_rows(youths_db, "zaak_geopend")
    assert json.loads(event.details) == {"concern_id": concern_id, "bron": "school"}


def test_a_failing_audit_row_leaves_no_contact_behind(youths_db, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("audit log niet beschikbaar")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        with youths_db.begin() as conn:
            cases.add_contact(conn, pupil_id=1, officer="leerplicht", on=TODAY, target="family", channel="phone",
                              reached=True, **OFFICER)
    with youths_db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Contact).where(Contact.pupil_id == 1)).scalar() == 0


def test_refused_changes_write_nothing(youths_db):
    with pytest.raises(cases.CaseError, match="hoort niet bij"):
        with youths_db.begin() as conn:  # case 1 belongs to P-ZAAK, not to P-EXACT
            cases.add_contact(conn, pupil_id=1, officer="leerplicht", on=TODAY, target="family", channel="phone",
                              reached=True, concern_id=1, **OFFICER)
    with pytest.raises(cases.CaseError, match="toekomst"):
        with youths_db.begin() as conn:
            cases.add_contact(conn, pupil_id=1, officer="leerplicht", on=D(2020, 11, 14), target="family",
                              channel="phone", reached=True, today=TODAY, **OFFICER)
    with pytest.raises(cases.CaseError, match="leeg"):
        with youths_db.begin() as conn:
            cases.add_case_note(conn, concern_id=1, author="leerplicht", note="   ", **OFFICER)
    assert audit_rows(youths_db, "contact_toegevoegd") == []
    assert audit_rows(youths_db, "notitie_toegevoegd") == []


def test_an_export_needs_a_purpose_and_records_filters_pupils_and_an_explanation_beheer_cannot_read(youths_db):
    filters = youths.YouthFilters(school_ids=(1,), search="Exact")
    export = dict(username="leerplicht", role="leerplicht", object_type=youths.OBJECT_LIST, object_id="jongeren",
                  file_format="xlsx", pupil_ids=[2, 1], filters=filters.for_audit())
    with pytest.raises(ValueError, match="doel"):
        with youths_db.begin() as conn:
            audit.record_export(conn, purpose="  ", explanation="", **export)
    with youths_db.begin() as conn:
        event_id = audit.record_export(conn, purpose="Anders (licht toe)",
                                           explanation="overleg over Jan de Vries", **export)
    [event] = audit_rows(youths_db, "export")
    details = json.loads(event.details)
    assert details["doel"] == "Anders (licht toe)" and details["formaat"] == "xlsx" and details["rijen"] == 2
    assert details["toelichting"] == "overleg over Jan de Vries"  # stored for the privacy officer
    assert details["filters"]["school_ids"] == [1]
    assert "Exact" not in event.details
    with youths_db.connect() as conn:
        assert audit.pupil_ids_of(conn, event_id) == [1, 2]
        shown = audit.events(conn, action="export")
    # the audit page and its CSV show the explanation's length (25 characters), not its words
    assert "Jan" not in shown["details"][0]
    assert json.loads(shown["details"][0])["toelichting"] == "(25 tekens, niet getoond)"
