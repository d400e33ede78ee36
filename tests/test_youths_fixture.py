"""The /jongeren fixture municipality (tests/fixtures/youths.py) has the signals the other
tests rely on."""
from __future__ import annotations
from fixtures.youths import build



def test_fixture_builds_and_has_the_signals_the_other_tests_rely_on(engine):
    build(engine)
    with engine.connect() as conn:
        signals = conn.exec_driver_sql("SELECT pupil_id, signal_on FROM signal16 ORDER BY pupil_id").all()
    assert [(p, str(d)[:10]) for p, d in signals] == [(2, "2020-11-06"), (3, "2020-11-02"), (4, "2020-11-04")]
