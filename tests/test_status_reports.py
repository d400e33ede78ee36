"""Status reports: the explanation rule, append-only history, the latest report counts, audit;
and the status queries (counts per colour, change since the previous period) on SQLite and
PostgreSQL. Expected values are worked out by hand in fixtures/status.py's docstring."""
import datetime as dt

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from data_access.models import AuditEvent, StatusReport
from data_access.queries import status as q
from data_access.status_reports import NewReport, StatusReportError, add_report, validation_errors
from fixtures import status as fixture

FULL = dict(cause="Te weinig capaciteit", consequence="Bezoeken lopen uit", measure="Extra inzet")


# --- the explanation rule -------------------------------------------------------------------


def test_all_green_needs_no_explanation():
    assert validation_errors(NewReport(1, 1, "groen", "groen", "groen")) == []


@pytest.mark.parametrize("lights", [("oranje", "groen", "groen"), ("groen", "groen", "rood")])
def test_orange_or_red_requires_cause_consequence_and_measure(lights):
    assert validation_errors(NewReport(1, 1, *lights, **FULL)) == []
    [message] = validation_errors(NewReport(1, 1, *lights, cause="Iets", consequence="  ", measure=None))
    assert "vul gevolg en maatregel in" in message
    assert "niet groen" in message


def test_missing_everything_names_all_three_parts_and_the_lights():
    [message] = validation_errors(NewReport(1, 1, "rood", "oranje", "groen"))
    assert message == "Kwaliteit en Tijd zijn niet groen: vul oorzaak, gevolg en maatregel in."


def test_unknown_colour_is_refused():
    assert validation_errors(NewReport(1, 1, "paars", "groen", "groen")) == [
        "Kwaliteit: kies groen, oranje of rood."]


# --- adding a report ------------------------------------------------------------------------


def _audit_rows(conn):
    return [tuple(r) for r in conn.execute(
        select(AuditEvent.username, AuditEvent.role, AuditEvent.object_type, AuditEvent.object_id)
        .where(AuditEvent.action == "status_report_toegevoegd"))]


def _setup(engine):
    ids = fixture.build(engine, evidence=False)
    return ids["actions"], ids["periods"]


def test_add_report_is_stored_audited_and_becomes_the_latest(engine):
    actions, periods = _setup(engine)
    report = NewReport(actions["LEA-01"], periods["2024-T1"], "rood", "oranje", "groen", **FULL)
    with engine.begin() as conn:
        new_id = add_report(conn, report, username="lpa", roles=("leerplicht",))
    with engine.connect() as conn:
        overview = q.overview(conn, periods["2024-T1"], periods["2023-T3"]).set_index("code")
        events = _audit_rows(conn)
    row = overview.loc["LEA-01"]
    assert (row["report_id"], row["quality"], row["time"], row["versions"]) == (new_id, "rood", "oranje", 2)
    assert row["author_name"] == "Lia Leerplicht" and row["cause"] == FULL["cause"]
    assert events == [("lpa", "leerplicht", "status_report", str(new_id))]


def test_refused_report_is_not_stored_and_not_audited(engine):
    actions, periods = _setup(engine)
    with engine.begin() as conn, pytest.raises(StatusReportError) as refused:
        add_report(conn, NewReport(actions["LEA-01"], periods["2024-T1"], "oranje", "groen", "groen"),
                   username="lpa", roles=("leerplicht",))
    assert "oorzaak, gevolg en maatregel" in refused.value.messages[0]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM status_report")).scalar_one() == 8
        assert _audit_rows(conn) == []


def test_portfolio_holder_may_not_add(engine):
    actions, periods = _setup(engine)
    with engine.begin() as conn, pytest.raises(PermissionError):
        add_report(conn, NewReport(actions["LEA-01"], periods["2024-T1"], "groen", "groen", "groen"),
                   username="wethouder", roles=("portefeuillehouder",))


def test_unknown_action_or_period_is_refused(engine):
    _setup(engine)
    with engine.begin() as conn, pytest.raises(StatusReportError) as refused:
        add_report(conn, NewReport(999, 999, "groen", "groen", "groen"), username="lpa", roles=("beheer",))
    assert refused.value.messages == ["Deze LEA-actie bestaat niet.", "Deze rapportageperiode bestaat niet."]


@pytest.mark.parametrize("statement", ["UPDATE status_report SET quality = 'groen'",
                                       "DELETE FROM status_report"])
def test_reports_cannot_be_changed_or_deleted(engine, statement):
    _setup(engine)
    with pytest.raises(DatabaseError, match="append-only"), engine.begin() as conn:
        conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM status_report")).scalar_one() == 8


def test_a_correction_keeps_the_history_and_the_latest_counts(engine):
    actions, periods = _setup(engine)
    with engine.connect() as conn:
        versions = q.report_versions(conn, actions["LEA-02"], periods["2024-T1"])
    # newest first: the correction by beheer (g/o/g) on 03-04, then the original (o/o/g)
    assert list(versions["quality"]) == ["groen", "oranje"]
    assert list(versions["author_name"]) == ["Bert Beheer", "Lia Leerplicht"]


def test_same_timestamp_the_higher_id_counts(engine):
    actions, periods = _setup(engine)
    at = dt.datetime(2024, 5, 1, 12)
    with engine.begin() as conn:
        fixture.report(conn, actions["LEA-03"], periods["2024-T2"], "r/r/r", at)
        later = fixture.report(conn, actions["LEA-03"], periods["2024-T2"], "g/g/g", at)
    with engine.connect() as conn:
        row = q.overview(conn, periods["2024-T2"], periods["2024-T1"]).set_index("code").loc["LEA-03"]
    assert row["report_id"] == later and row["quality"] == "groen"


# --- the status queries on SQLite and PostgreSQL ---------------------------------------------


def _counts(conn, period_id, **filters) -> dict[str, dict[str, int]]:
    frame = q.colour_counts(conn, period_id, **filters)
    return {light: dict(zip(part["colour"], part["actions"])) for light, part in frame.groupby("light")}


def _check_queries(engine):
    with engine.connect() as conn:
        periods = q.reporting_periods(conn)
        ids = {p.name: p.id for p in periods}
        counts = _counts(conn, ids["2024-T1"])
        assert counts["Kwaliteit"] == {"groen": 2, "oranje": 1, "rood": 1, "geen rapportage": 0}
        assert counts["Tijd"] == {"groen": 1, "oranje": 3, "rood": 0, "geen rapportage": 0}
        assert counts["Geld"] == {"groen": 4, "oranje": 0, "rood": 0, "geen rapportage": 0}
        verzuim = _counts(conn, ids["2024-T1"], programme="Verzuim")
        assert verzuim["Kwaliteit"] == {"groen": 2, "oranje": 0, "rood": 0, "geen rapportage": 0}
        assert verzuim["Tijd"]["oranje"] == 2
        de_vries = _counts(conn, ids["2024-T1"], portfolio_holder="Wethouder de Vries")
        assert de_vries["Kwaliteit"] == {"groen": 0, "oranje": 1, "rood": 1, "geen rapportage": 0}
        earlier = _counts(conn, ids["2023-T3"])
        assert earlier["Kwaliteit"] == {"groen": 2, "oranje": 0, "rood": 1, "geen rapportage": 1}
        nothing = _counts(conn, ids["2024-T2"])
        assert nothing["Geld"] == {"groen": 0, "oranje": 0, "rood": 0, "geen rapportage": 4}

        assert q.default_period(conn, periods).name == "2024-T1"  # latest with a report
        assert q.previous_period(periods, ids["2024-T1"]).name == "2023-T3"
        assert q.previous_period(periods, ids["2023-T3"]) is None

        overview = q.overview(conn, ids["2024-T1"], ids["2023-T3"]).set_index("code")
        assert list(overview.loc["LEA-04", ["prev_quality", "prev_time", "prev_money"]]) == ["rood", "rood", "oranje"]
        assert overview.loc["LEA-02", "versions"] == 2
        assert list(overview.index) == ["LEA-03", "LEA-04", "LEA-01", "LEA-02"]  # by programme, code

        history = q.history(conn)
        assert len(history) == 7  # 3 in 2023-T3 + 4 in 2024-T1; the superseded one not
        lea02 = history[history["action_id"] == overview.loc["LEA-02", "action_id"]]
        assert list(lea02["period"]) == ["2023-T3", "2024-T1"] and list(lea02["quality"]) == ["groen", "groen"]


def test_status_queries_on_sqlite(engine):
    fixture.build(engine, evidence=False)
    _check_queries(engine)


def test_status_queries_and_append_only_on_postgresql(pg_engine):
    ids = fixture.build(pg_engine, evidence=False)
    _check_queries(pg_engine)
    with pg_engine.begin() as conn:
        add_report(conn, NewReport(ids["actions"]["LEA-01"], ids["periods"]["2024-T1"], "rood", "groen",
                                   "groen", **FULL), username="lpa", roles=("leerplicht",))
    with pytest.raises(DatabaseError, match="append-only"), pg_engine.begin() as conn:
        conn.execute(text("DELETE FROM status_report"))
    with pg_engine.connect() as conn:
        counts = _counts(conn, ids["periods"]["2024-T1"])
        assert conn.execute(select(StatusReport.id)).all().__len__() == 9
    assert counts["Kwaliteit"] == {"groen": 1, "oranje": 1, "rood": 2, "geen rapportage": 0}


def test_default_period_without_reports_is_the_latest_begun(engine):
    fixture.build(engine, reports=False, evidence=False)
    with engine.connect() as conn:
        periods = q.reporting_periods(conn)
        assert q.default_period(conn, periods, today=dt.date(2024, 5, 1)).name == "2024-T2"
        assert q.default_period(conn, periods, today=dt.date(2024, 2, 1)).name == "2024-T1"
