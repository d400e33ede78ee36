"""The chain from signal to back in class (issue 18), on the hand-worked fixture (fixtures.chain):
every figure below is worked out by hand in that module's text, on SQLite and on PostgreSQL."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from conftest import _module_database
from data_access.definitions import DEFAULTS, Suppressor
from data_access.definitions import chain as definition
from data_access.queries import chain as queries
from fixtures import chain as fixture

D = dt.date
TODAY = fixture.TODAY
FIVE = Suppressor(5)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def chain_db(request, tmp_path_factory):
    for eng, _ in _module_database(request, tmp_path_factory, fixture.build):
        yield eng


@pytest.fixture(scope="module")
def data(chain_db) -> queries.ChainData:
    with chain_db.connect() as conn:
        return queries.load_chains(conn, TODAY, DEFAULTS)


def of_youth(data: queries.ChainData, pupil: int) -> queries.ChainData:
    return queries.ChainData(data.chains[data.chains["pupil_id"] == pupil], data.cases[data.cases["pupil_id"] == pupil],
                             data.today)


def funnel_counts(data: queries.ChainData, year: int) -> dict[str, int]:
    table = definition.funnel(data.chains)
    row = table[table["school_year"] == year]
    return {step: int(row.iloc[0][step]) for step in definition.STEPS} if not row.empty else {}


def medians(data: queries.ChainData, year: int) -> dict[str, float | None]:
    table = definition.step_days(data.chains)
    table = table[table["school_year"] == year].set_index("interval")
    return {key: (None if pd.isna(table.loc[key, "median"]) else float(table.loc[key, "median"]))
            for key in definition.INTERVALS}


def help_share(data: queries.ChainData, year: int) -> tuple[int, int, float | None]:
    return definition.help_first_share(data.cases.loc[data.cases["school_year"] == year, "help"])


def chains_of(chain_db, pupil: int, settings=DEFAULTS) -> queries.YouthChain:
    with chain_db.connect() as conn:
        return queries.youth_chain(conn, pupil, TODAY, settings)


NONE = {key: None for key in definition.INTERVALS}
ALL = dict.fromkeys(definition.STEPS, 1)


# --- the six youths of the issue ----------------------------------------------------------------


def test_a_youth_who_returns_has_every_step_dated_and_counts_once(chain_db, data):
    youth = of_youth(data, 1)
    assert funnel_counts(youth, 2020) == ALL  # two signals, one chain, counted once
    assert medians(youth, 2020) == {"signaal_gemeld": 2, "gemeld_contact": 2, "signaal_contact": 4, "signaal_zaak": 5,
                                    "zaak_uitkomst": 34, "signaal_uitkomst": 39}
    assert help_share(youth, 2020) == (1, 1, 1.0)  # jeugdconsulent 26-10 before HALT 09-11
    [chain] = chains_of(chain_db, 1).chains
    assert [chain.step_on(s) for s in definition.STEPS] == [
        D(2020, 10, 5), D(2020, 10, 7), D(2020, 10, 9), D(2020, 10, 12), D(2020, 12, 4), D(2021, 2, 12)]
    assert [s.signal_on for s in chain.signals] == [D(2020, 10, 5), D(2020, 11, 2)]
    assert [(x.on, x.kind) for x in chain.interventions] == [
        (D(2020, 10, 14), "gesprek"), (D(2020, 10, 26), "verwijzing_jeugdconsulent"), (D(2020, 11, 9), "halt")]
    assert chain.outcome == "terug_naar_school" and chain.officer == "leerplicht"
    assert chains_of(chain_db, 1).flags == ((),)


def test_a_melding_without_contact_is_flagged_after_the_contact_term(chain_db, data):
    youth = of_youth(data, 2)
    assert funnel_counts(youth, 2020) == {**dict.fromkeys(definition.STEPS, 0), "signaal": 1, "gemeld": 1}
    assert medians(youth, 2020) == {**NONE, "signaal_gemeld": 3}
    assert help_share(youth, 2020) == (0, 0, None)  # no case
    [flags] = chains_of(chain_db, 2).flags
    assert [(f.step, f.kind, f.on) for f in flags] == [("contact", definition.NO_CONTACT, D(2021, 2, 4))]


def test_a_signal_never_reported_is_flagged_and_goes_no_further(chain_db, data):
    youth = of_youth(data, 3)
    assert funnel_counts(youth, 2020) == {**dict.fromkeys(definition.STEPS, 0), "signaal": 1}
    assert medians(youth, 2020) == NONE
    assert help_share(youth, 2020) == (0, 0, None)
    [flags] = chains_of(chain_db, 3).flags
    assert [(f.step, f.kind, f.on) for f in flags] == [("gemeld", definition.NOT_REPORTED, D(2021, 3, 8))]


def test_two_cases_of_one_youth_are_two_chains_and_one_youth_in_the_funnel(chain_db, data):
    youth = of_youth(data, 4)
    assert funnel_counts(youth, 2020) == {"signaal": 1, "gemeld": 0, "contact": 1, "zaak": 1, "uitkomst": 1, "terug": 0}
    assert medians(youth, 2020) == {**NONE, "signaal_contact": 8, "signaal_zaak": 0, "zaak_uitkomst": 31.5,
                                    "signaal_uitkomst": 31.5}  # [2, 14], [0, 0], [19, 44], [19, 44]
    assert help_share(youth, 2020) == (1, 2, 0.5)  # GGD referral for; PV before the wijkteam against
    first, second = chains_of(chain_db, 4).chains
    assert (first.trigger_kind, first.trigger_detail, first.closed_on, first.outcome) == (
        definition.TRIGGER_CASE, "GGD", D(2020, 10, 2), "langdurig_ziek")
    assert first.back == definition.BACK_NA  # ill: no "terug in de klas" to follow
    assert (second.trigger_on, second.back, second.back_on) == (D(2021, 3, 1), definition.BACK_NO, D(2021, 6, 9))
    assert [(f.kind, f.school_days) for f in chains_of(chain_db, 4).flags[1]] == [(definition.CONTACT_LATE, 14)]


def test_a_youth_who_leaves_school_reaches_the_outcome_but_not_back_in_class(chain_db, data):
    youth = of_youth(data, 5)
    assert funnel_counts(youth, 2020) == {**ALL, "terug": 0}
    assert medians(youth, 2020) == {"signaal_gemeld": 0, "gemeld_contact": 6, "signaal_contact": 6, "signaal_zaak": 10,
                                    "zaak_uitkomst": 24, "signaal_uitkomst": 34}
    assert help_share(youth, 2020) == (1, 1, 1.0)  # zorgadviesteam; the home visit is neither
    [chain] = chains_of(chain_db, 5).chains
    assert (chain.trigger_kind, chain.trigger_detail) == (definition.TRIGGER_MELDING, "lrv")
    assert (chain.outcome, chain.back) == ("beeindigd_andere_opleiding", definition.BACK_NA)


def test_a_recidive_is_a_new_chain_within_twelve_months_of_closing(chain_db, data):
    youth = of_youth(data, 6)
    assert funnel_counts(youth, 2019) == ALL
    assert funnel_counts(youth, 2020) == {**dict.fromkeys(definition.STEPS, 0), "signaal": 1, "gemeld": 1}
    assert medians(youth, 2019) == {"signaal_gemeld": 8, "gemeld_contact": 4, "signaal_contact": 12, "signaal_zaak": 10,
                                    "zaak_uitkomst": 19, "signaal_uitkomst": 29}
    assert medians(youth, 2020) == {**NONE, "signaal_gemeld": 1}
    assert help_share(youth, 2019) == (0, 1, 0.0)  # HALT without help before it
    recidive = definition.recidive_by_year(youth.chains).set_index("school_year")
    assert recidive.loc[2019, ["closed", "followed", "recidive", "pending", "share"]].tolist() == [1, 1, 1, 0, 1.0]
    first, second = chains_of(chain_db, 6).chains
    assert (first.back, first.back_on, first.next_trigger_on) == (definition.BACK_YES, D(2020, 2, 21), D(2020, 12, 7))
    assert [f.kind for f in chains_of(chain_db, 6).flags[0]] == [definition.REPORTED_LATE]
    assert [f.kind for f in chains_of(chain_db, 6).flags[1]] == [definition.NO_CONTACT]
    assert second.officer == "lpa2"  # no case: the melding's officer


# --- the municipality ---------------------------------------------------------------------------


def test_the_funnel_medians_and_hulp_voor_straf_of_the_whole_fixture(data):
    assert funnel_counts(data, 2020) == {"signaal": 7, "gemeld": 4, "contact": 4, "zaak": 4, "uitkomst": 4, "terug": 1}
    assert medians(data, 2020) == {"signaal_gemeld": 1.5, "gemeld_contact": 4, "signaal_contact": 4, "signaal_zaak": 0,
                                   "zaak_uitkomst": 24, "signaal_uitkomst": 34}
    assert help_share(data, 2020) == (3, 4, 0.75)
    table = queries.help_first_by_year(data, None).set_index("school_year")
    assert table.loc[2020, ["alleen_hulp", "hulp_voor_straf", "straf_zonder_hulp", "geen_hulp_of_straf"]].tolist() == [
        2, 1, 1, 1]
    funnel = queries.funnel_by_year(data, None).set_index("school_year")
    assert funnel.loc[2020, "gemeld_share"] == pytest.approx(4 / 7)
    assert funnel.loc[2020, "terug_share"] == pytest.approx(1 / 7)
    recidive = queries.recidive_by_year(data, None).set_index("school_year")
    assert recidive.loc[2020, ["closed", "followed", "recidive", "pending"]].tolist() == [5, 0, 0, 5]
    assert pd.isna(recidive.loc[2020, "share"])  # nobody followed for 12 months yet
    assert queries.flag_counts(data, 2020, None) == {
        definition.NOT_REPORTED: 1, definition.REPORTED_LATE: 0, definition.NO_CONTACT: 2, definition.CONTACT_LATE: 1}


def test_drop_out_per_school_board_and_officer(chain_db, data):
    with chain_db.connect() as conn:
        names = queries.group_names(conn)
    steps = list(definition.STEPS)
    schools = queries.dropout(data, "school", 2020, names, None).set_index("group")[steps]
    assert schools.loc["De Esdoorn"].tolist() == [4, 3, 3, 3, 3, 1]  # youths 1, 2, 5, 7
    assert schools.loc["Het Baken"].tolist() == [3, 1, 1, 1, 1, 0]  # youths 3, 4, 6
    boards = queries.dropout(data, "board", 2020, names, None).set_index("group")[steps]
    assert boards.loc["Stichting Zuid"].tolist() == [3, 1, 1, 1, 1, 0]
    officers = queries.dropout(data, "officer", 2020, names, None).set_index("group")[steps]
    assert officers.loc["Lotte Leerplicht"].tolist() == [3, 2, 3, 3, 3, 1]  # youths 1, 5, 7; 7 has no melding
    assert officers.loc["Piet Plicht"].tolist() == [2, 1, 1, 1, 1, 0]  # youths 4, 6
    assert officers.loc[queries.NO_GROUP["officer"]].tolist() == [2, 1, 0, 0, 0, 0]  # youths 2, 3


def test_lea_sees_the_figures_suppressed_and_no_officer_split(data):
    funnel = queries.funnel_by_year(data, FIVE).set_index("school_year")
    assert funnel.loc[2020, list(definition.STEPS)].tolist() == [7, "<5", "<5", "<5", "<5", "<5"]
    assert funnel.loc[2020, "gemeld_share"] is None and "kleiner dan 5" in funnel.loc[2020, "gemeld_share_reden"]
    days = queries.step_days_by_year(data, FIVE).set_index(["school_year", "interval"])
    assert days.loc[(2020, "signaal_contact"), "median"] == 4  # 5 chains: shown
    assert days.loc[(2020, "signaal_gemeld"), "median"] is None and days.loc[(2020, "signaal_gemeld"), "n"] == "<5"
    help_first = queries.help_first_by_year(data, FIVE).set_index("school_year")
    assert help_first.loc[2020, "share"] is None
    with pytest.raises(PermissionError):
        queries.dropout(data, "officer", 2020, {"officer": {}}, FIVE)


def test_five_chains_show_their_distribution_to_lea(data):
    days = queries.step_days_by_year(data, FIVE).set_index(["school_year", "interval"])
    row = days.loc[(2020, "zaak_uitkomst")]
    assert (row["n"], row["q1"], row["median"], row["q3"], row["min"], row["max"]) == (5, 19, 24, 34, 14, 44)


# --- the settings change the figures they name -----------------------------------------------


def test_the_contact_term_decides_contact_te_laat(chain_db):
    longer = dataclasses.replace(DEFAULTS, contact_within_days=14)
    assert chains_of(chain_db, 4, longer).flags[1] == ()


def test_back_in_class_weeks_decide_the_follow_up(chain_db):
    shorter = dataclasses.replace(DEFAULTS, back_in_class_weeks=4)  # 03-05 … 28-05: before the June hours
    second = chains_of(chain_db, 4, shorter).chains[1]
    assert (second.back, second.back_on) == (definition.BACK_YES, D(2021, 5, 28))


def test_recidive_months_decide_the_recidive(chain_db):
    with chain_db.connect() as conn:
        data = queries.load_chains(conn, TODAY, dataclasses.replace(DEFAULTS, recidive_months=11))
    recidive = definition.recidive_by_year(data.chains[data.chains["pupil_id"] == 6]).set_index("school_year")
    assert recidive.loc[2019, ["followed", "recidive", "share"]].tolist() == [1, 0, 0.0]  # 07-12-2020 > 13-11-2020


def test_the_chain_rule_needs_its_settings():
    with pytest.raises(TypeError):
        definition.ChainRule(16.0, 4, TODAY)  # type: ignore[call-arg]  (back_in_class_weeks left out)
    with pytest.raises(TypeError):
        definition.chain_flags(None, None, TODAY, compliance_days=5)  # type: ignore[call-arg]


# --- small rules by hand --------------------------------------------------------------------------


@pytest.mark.parametrize("interventions, expected", [
    ([], definition.NEITHER),
    ([(D(2021, 1, 4), "gesprek"), (D(2021, 1, 5), "huisbezoek")], definition.NEITHER),
    ([(D(2021, 1, 4), "verwijzing_ggd")], definition.ONLY_HELP),
    ([(D(2021, 1, 4), "zorgadviesteam"), (D(2021, 1, 5), "proces_verbaal")], definition.HELP_FIRST),
    ([(D(2021, 1, 5), "verwijzing_wijkteam"), (D(2021, 1, 5), "halt")], definition.PUNISHMENT_FIRST),  # same day
    ([(D(2021, 1, 4), "halt")], definition.PUNISHMENT_FIRST),
])
def test_help_before_punishment_by_hand(interventions, expected):
    assert definition.help_before_punishment(interventions) == expected


def test_add_months_keeps_the_day_or_takes_the_last_of_the_month():
    assert definition.add_months(D(2019, 12, 13), 12) == D(2020, 12, 13)
    assert definition.add_months(D(2020, 2, 29), 12) == D(2021, 2, 28)
    assert definition.add_months(D(2021, 1, 31), 1) == D(2021, 2, 28)


# --- the chain as evidence for a status light (data_access.kpis) --------------------------------


def test_chain_kpis_over_a_reporting_period(chain_db):
    from data_access import kpis

    with chain_db.connect() as conn:
        window = kpis.evidence_window(conn, D(2021, 1, 1), TODAY)
        contact = kpis.KPIS["chain_signal_to_contact_days"].compute(conn, window, DEFAULTS.compliance_school_days)
        help_first = kpis.KPIS["chain_help_first_share"].compute(conn, window, DEFAULTS.compliance_school_days)
        links = [(1, "chain_help_first_share", 0.6, True), (1, "chain_signal_to_contact_days", 10, False)]
        officer = kpis.evaluate_links(conn, links, window, DEFAULTS, None).set_index("kpi")
        lea = kpis.evaluate_links(conn, links, window, DEFAULTS, FIVE).set_index("kpi")
    # signals in the window with contact: 4B (14 school days), 5 (6), 7 (2); 2 and 3 had none
    assert (contact.value, dict(contact.counts)) == (6, {"ketens met contact": 3})
    # closed in the window: 4B against, 5 for, 7 neither (left out)
    assert (help_first.value, dict(help_first.counts)) == (0.5, {"hulp vóór straf": 1,
                                                                 "afgesloten zaken met hulp of straf": 2})
    assert officer.loc["chain_help_first_share", "suggested"] == "rood"  # 50 % against 60 %: more than 10 % short
    assert officer.loc["chain_signal_to_contact_days", "suggested"] == "groen"  # 6 ≤ 10
    assert lea["value"].isna().all() and lea["suggested"].isna().all()
    assert lea.loc["chain_help_first_share", "reason"] == "verborgen: minder dan 5 jongeren"
