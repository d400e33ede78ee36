"""Issue 18: the demo's chain from melding to outcome is realistic. Cases have dated interventions
(mostly a talk, a home visit and help; a few HALT or proces-verbaal, usually after the talk, in
some cases before any help and in others after it), every closed case has DUO's outcome and its
explanation (mostly back at school), meldingen carry DUO's fields and statuses, and some youths come
back within 12 months of a closed case. Reads the session's demo (seed 2024)."""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import pytest
from sqlalchemy import text

from data_access import demo
from data_access.db import make_engine
from data_access.models import CASE_OUTCOMES, INTERVENTION_KINDS, OUTCOME_EXPLANATIONS

CARE = {"verwijzing_jeugdconsulent", "verwijzing_ggd", "verwijzing_wijkteam", "zorgadviesteam"}
ENFORCEMENT = {"halt", "proces_verbaal"}
TALK = {"gesprek", "huisbezoek"}


@pytest.fixture(scope="module")
def conn(demo_url):
    engine = make_engine(demo_url)
    with engine.connect() as connection:
        yield connection
    engine.dispose()


def day(value) -> dt.date | None:
    return None if value is None else value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def rows(conn, sql: str) -> list[tuple]:
    return [tuple(r) for r in conn.execute(text(sql))]


@pytest.fixture(scope="module")
def cases(conn) -> dict[int, dict]:
    out = {cid: dict(pupil=p, opened=day(o), closed=day(c), status=s, outcome=oc, explanation=ex, done=[])
           for cid, p, o, c, s, oc, ex in rows(conn, "SELECT id, pupil_id, opened_on, closed_on, status, outcome, "
                                                    "outcome_explanation FROM concern")}
    for cid, kind, on, officer in rows(conn, "SELECT concern_id, kind, date, officer FROM intervention ORDER BY date, id"):
        out[cid]["done"].append((day(on), kind, officer))
    return out


def first(case: dict, kinds: set[str]) -> dt.date | None:
    return min((on for on, kind, _ in case["done"] if kind in kinds), default=None)


def test_most_cases_have_dated_interventions_of_many_kinds_mostly_starting_with_a_talk(cases):
    kinds = Counter(kind for c in cases.values() for _, kind, _ in c["done"])
    assert set(kinds) <= set(INTERVENTION_KINDS)
    assert {"gesprek", "huisbezoek", "verwijzing_jeugdconsulent", "verwijzing_ggd", "verwijzing_wijkteam",
            "zorgadviesteam", "proces_verbaal", "vrijstelling_aangevraagd"} <= set(kinds)
    with_any = [c for c in cases.values() if c["done"]]
    assert len(with_any) >= 0.8 * len(cases)
    starts = Counter(c["done"][0][1] for c in with_any)
    assert starts["gesprek"] + starts["huisbezoek"] >= 0.8 * len(with_any)
    for c in cases.values():  # every intervention lies within its case, by an officer
        end = c["closed"] or demo.DEMO_TODAY
        assert all(c["opened"] <= on <= end and officer in demo.OFFICERS for on, _, officer in c["done"])


def test_every_closed_case_has_duos_outcome_and_explanation_mostly_back_at_school(cases):
    closed = [c for c in cases.values() if c["status"] == "gesloten"]
    assert closed and all(c["outcome"] in CASE_OUTCOMES and c["explanation"] in OUTCOME_EXPLANATIONS for c in closed)
    assert all(c["outcome"] is None and c["explanation"] is None for c in cases.values() if c["status"] != "gesloten")
    outcomes = Counter(c["outcome"] for c in closed)
    assert outcomes["terug_naar_school"] > 0.6 * len(closed)
    assert all(outcomes[o] > 0 for o in ("beeindigd_andere_opleiding", "legitiem_afwezig", "langdurig_ziek"))
    # the explanation follows what was done: help or enforcement is an action towards the youth
    for c in closed:
        if c["outcome"] not in ("langdurig_ziek", "legitiem_afwezig") and {k for _, k, _ in c["done"]} & (CARE | ENFORCEMENT):
            assert c["explanation"] == "actie_richting_leerling"


def test_a_few_cases_end_in_enforcement_usually_after_a_talk_some_before_any_help_some_after(cases):
    enforced = [c for c in cases.values() if first(c, ENFORCEMENT)]
    assert 0 < len(enforced) <= 0.15 * len(cases)
    after_talk = [c for c in enforced if first(c, TALK) and first(c, TALK) < first(c, ENFORCEMENT)]
    assert len(after_talk) >= 0.7 * len(enforced)
    help_first = [c for c in enforced if first(c, CARE) and first(c, CARE) < first(c, ENFORCEMENT)]
    no_help_first = [c for c in enforced if not (first(c, CARE) and first(c, CARE) < first(c, ENFORCEMENT))]
    assert help_first and no_help_first
    assert any(c["status"] == "gesloten" for c in help_first) and any(c["status"] == "gesloten" for c in no_help_first)


def test_a_closing_note_names_a_proces_verbaal_only_when_the_case_had_one(conn, cases):
    notes = rows(conn, "SELECT concern_id, note FROM concern_note WHERE status = 'gesloten'")
    assert len(notes) == sum(c["status"] == "gesloten" for c in cases.values())
    for cid, note in notes:
        if "proces-verbaal" in note:
            assert first(cases[cid], ENFORCEMENT), cid


def test_meldingen_carry_duos_number_end_of_absence_and_the_schools_words(conn):
    meldingen = rows(conn, "SELECT meldingsnummer, absence_start, absence_end, reported_on, suspected_reason, "
                           "school_action, action_wanted FROM verzuimmelding")
    numbers = [m[0] for m in meldingen]
    assert all(numbers) and len(set(numbers)) == len(numbers)
    assert all(day(start) <= day(end) <= day(reported) for _, start, end, reported, *_ in meldingen)
    with_words = [m for m in meldingen if m[4]]
    assert 0.5 * len(meldingen) < len(with_words) < len(meldingen)
    assert all(m[5] and m[6] for m in with_words)


def test_some_youths_are_signalled_again_within_12_months_of_a_closed_case(conn, cases):
    signals = defaultdict(list)
    for pupil, on in rows(conn, "SELECT pupil_id, signal_on FROM signal16"):
        signals[pupil].append(day(on))
    for pupil, on in rows(conn, "SELECT pupil_id, reported_on FROM verzuimmelding"):
        signals[pupil].append(day(on))
    again = [c for c in cases.values() if c["closed"] and any(
        c["closed"] < on <= c["closed"] + dt.timedelta(days=365) for on in signals[c["pupil"]])]
    assert again
