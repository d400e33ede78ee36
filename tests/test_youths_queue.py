"""The work queue holds only open work (definitions.open_work), on the hand-made municipality of
fixtures/work_queue.py (its docstring's table gives every expected value), on SQLite and
PostgreSQL."""
from __future__ import annotations

import pytest

from data_access.definitions import DEFAULTS
from data_access.queries import youths
from fixtures import work_queue
from fixtures.work_queue import D, IN_QUEUE, TODAY

SIGNAL_WITHOUT_CASE = youths.QUEUE_REASONS["signaal_zonder_zaak"]


@pytest.fixture(params=["sqlite", "postgresql"])
def queue_db(request):
    eng = request.getfixturevalue("engine" if request.param == "sqlite" else "pg_engine")
    work_queue.build(eng)
    return eng


def queue_on(db, today) -> dict[str, str]:
    with db.connect() as conn:
        frame = youths.youth_list(conn, today, DEFAULTS)
    queue = youths.work_queue(frame, today, DEFAULTS.no_contact_days)
    return dict(zip(queue["pseudonym"], queue["reasons"]))


def listed(db, today=TODAY) -> dict:
    with db.connect() as conn:
        frame = youths.youth_list(conn, today, DEFAULTS)
    return {row["pseudonym"]: row for _, row in frame.iterrows()}


def test_a_signal_answered_by_a_handled_melding_is_not_in_the_queue(queue_db):
    # every pupil has a 16-hour signal on Wed 4 Nov; P-AFGEROND's was answered by a melding of
    # 5 Nov that is "afgerond" (outcome "gesprek"): done, so not "signaal zonder zaak"
    queue = queue_on(queue_db, TODAY)
    assert "P-AFGEROND" not in queue
    assert listed(queue_db)["P-AFGEROND"]["signals"] == ("16_uur",)  # still on the list, with its signal
    assert queue == {pseudonym: SIGNAL_WITHOUT_CASE for pseudonym in IN_QUEUE}


def test_a_melding_still_being_handled_leaves_the_signal_in_the_queue(queue_db):
    queue = queue_on(queue_db, TODAY)
    assert queue["P-BEHANDELING"] == SIGNAL_WITHOUT_CASE  # melding "in_behandeling"
    assert queue["P-GEEN"] == SIGNAL_WITHOUT_CASE  # no melding at all


def test_a_handled_melding_counts_from_the_day_it_was_reported(queue_db):
    # P-LATER's melding (afgerond) was reported on Mon 16 Nov: on Fri 13 Nov the signal is open
    assert "P-LATER" in queue_on(queue_db, TODAY)
    assert "P-LATER" not in queue_on(queue_db, D(2020, 11, 16))


def test_a_signal_answered_by_a_case_is_not_in_the_queue(queue_db):
    queue = queue_on(queue_db, TODAY)
    rows = listed(queue_db)
    assert rows["P-ZAAK"]["case_open"] and "P-ZAAK" not in queue  # open case, contact on 9 Nov, action on 20 Nov
    # closed since, but open after the signal: the case took it up
    assert not rows["P-ZAAK-DICHT"]["case_open"] and "P-ZAAK-DICHT" not in queue
    assert not rows["P-ZAAK-ERVOOR"]["case_open"] and "P-ZAAK-ERVOOR" not in queue
    # a case closed on the signal's own day did not take it up
    assert queue["P-DICHT-OP-DAG"] == SIGNAL_WITHOUT_CASE


def test_each_signal_is_open_work_on_its_own(queue_db):
    # P-TWEE: the signal of 4 Nov answered by a handled melding, the one of 11 Nov by nothing
    rows = listed(queue_db)
    assert (rows["P-TWEE"]["signals16"], rows["P-TWEE"]["open_signals16"]) == (2, 1)
    assert queue_on(queue_db, TODAY)["P-TWEE"] == SIGNAL_WITHOUT_CASE
    # on Tue 10 Nov only the first signal exists, and it is done
    assert "P-TWEE" not in queue_on(queue_db, D(2020, 11, 10))
    opened = {p: (r["signals16"], r["open_signals16"]) for p, r in rows.items()}
    assert opened == {"P-AFGEROND": (1, 0), "P-BEHANDELING": (1, 1), "P-GEEN": (1, 1), "P-LATER": (1, 1),
                      "P-ZAAK": (1, 0), "P-ZAAK-DICHT": (1, 0), "P-ZAAK-ERVOOR": (1, 0),
                      "P-DICHT-OP-DAG": (1, 1), "P-TWEE": (2, 1)}


def test_the_urgency_order_of_the_list_follows_open_work(queue_db):
    # "urgentie" puts signals without a case first: only the open ones
    with queue_db.connect() as conn:
        frame = youths.youth_list(conn, TODAY, DEFAULTS)
    ordered = youths.sort_list(frame, "urgentie", False, TODAY)["pseudonym"].tolist()
    assert set(ordered[:len(IN_QUEUE)]) == IN_QUEUE


def test_the_file_says_per_signal_what_answered_it(queue_db):
    def answered(pupil_id, today=TODAY):
        with queue_db.connect() as conn:
            frame = youths.signals_of(conn, pupil_id, today)
        return [(str(r.signal_on), bool(r.handled_melding), bool(r.case_taken_up)) for r in frame.itertuples()]

    assert answered(9) == [("2020-11-11", False, False), ("2020-11-04", True, False)]  # P-TWEE, newest first
    assert answered(7) == [("2020-11-04", False, True)]  # P-ZAAK-ERVOOR: open until 6 Nov
    assert answered(8) == [("2020-11-04", False, False)]  # P-DICHT-OP-DAG: closed on 4 Nov
    assert answered(4) == [("2020-11-04", False, False)]  # P-LATER on 13 Nov: reported on 16 Nov
    assert answered(4, D(2020, 11, 16)) == [("2020-11-04", True, False)]
