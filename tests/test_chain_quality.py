"""Registration quality per school (issue 18, point 5): the rule by hand at its edges, and the
query on the chain fixture (fixtures.chain)."""
from __future__ import annotations

import datetime as dt

import pytest

from data_access.definitions import quality as rule
from data_access.queries import quality as queries
from fixtures import chain as fixture

FINE = dict(stale_school_days=0, unknown_hours=0.0, hours=100.0, signals=0, on_time=0, recent_per_day=10.0,
            earlier_per_day=10.0)


@pytest.mark.parametrize("changes, reasons", [
    ({}, ()),
    ({"stale_school_days": 10}, ()),  # exactly 10 school days behind: still fine
    ({"stale_school_days": 11}, (rule.STALE,)),
    ({"stale_school_days": None}, ()),  # never registered: nothing to rank
    ({"unknown_hours": 5.0}, ()),  # exactly 5 %
    ({"unknown_hours": 5.5}, (rule.UNKNOWN,)),
    ({"signals": 4, "on_time": 0}, ()),  # too few signals to judge
    ({"signals": 5, "on_time": 2}, (rule.LOW_COMPLIANCE_FLAG,)),  # 40 %
    ({"signals": 6, "on_time": 3}, ()),  # exactly 50 %
    ({"recent_per_day": 4.9}, (rule.DROP,)),
    ({"recent_per_day": 5.0}, ()),  # exactly half
    ({"earlier_per_day": 0.0, "recent_per_day": 0.0}, ()),  # nothing before: no drop
    ({"stale_school_days": 30, "recent_per_day": 0.0}, (rule.STALE, rule.DROP)),
])
def test_the_quality_rule_by_hand(changes, reasons):
    assert rule.quality_reasons(**{**FINE, **changes}) == reasons


def test_a_school_whose_registration_stopped_is_flagged(engine):
    fixture.build(engine)
    with engine.connect() as conn:
        frame = queries.school_quality(conn, dt.date(2020, 8, 1), fixture.TODAY, 5).set_index("name")
    # De Esdoorn's last absence day is Tue 12-01-2021, Het Baken's Wed 09-06-2021: far more than 10
    # school days apart
    assert frame.loc["De Esdoorn", "last_registration"] == dt.date(2021, 1, 12)
    assert frame.loc["De Esdoorn", "reasons"] == (rule.STALE,)
    assert frame.loc["Het Baken", "reasons"] == ()
    assert frame.loc["De Esdoorn", "signals"] == 3 and frame.loc["De Esdoorn", "on_time"] == 3
