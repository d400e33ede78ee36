"""The status page's views (ui.status.data: cached per filter values) on the hand-made
municipality of tests/fixtures/status.py, whose docstring works out every KPI by hand.

The page only sends the views' texts and the chart spec; here every text of a period's tiles is
written out by hand. Replaces the comparisons with a copy of the rendering as it was before the
views. Behaviours those covered, and where they are stated now:
- summary counts per light, with "geen rapportage" (``test_the_overview_of_2024_T1_tile_by_tile``,
  ``test_a_programme_selection_counts_and_shows_only_its_actions``);
- tile title, caption, lights, changes since the previous period (changed, unchanged, no report
  then, no previous period), explanation, evidence lines with KPI values and colours, the
  mismatch warning, authorship and earlier versions (corrections) (``..._tile_by_tile``);
- suppression of small KPI counts for roles other than leerplicht
  (``test_leerplicht_sees_the_meldtrouw_that_is_hidden_for_other_roles``);
- programme / portfolio holder selection, "Alleen niet-groen", a period without reports
  (``test_a_programme_selection_...``, ``test_a_period_without_reports_...``);
- the history per action: chart rows and explanations newest first, "alle lichten groen"
  (``test_the_history_of_an_action_per_period_and_light``);
- SQLite and PostgreSQL, and after a new report once the cache is cleared
  (``test_cached_views_follow_a_new_report``).
"""
from __future__ import annotations

import datetime as dt

import pytest

from data_access import kpis
from data_access.definitions import DEFAULTS, Suppressor
from data_access.status_reports import NewReport, add_report
from ui import cache
from ui.status import data as status_data
from ui.status import tiles as status_tiles
from fixtures import status as fixture

FIVE = Suppressor(5)
EXPLANATION = "**Oorzaak:** Minder capaciteit  \n**Gevolg:** Bezoeken schuiven op  \n**Maatregel:** Inhuur per mei"
GREEN, ORANGE, RED = ":green-badge[● groen]", ":orange-badge[▲ oranje]", ":red-badge[■ rood]"
# each period's evidence counts its own days (DESIGN: "Evidence for a status light")
T1_EVIDENCE = "**Bewijs uit de gegevens** (schooldagen van 01-01-2024 t/m 31-03-2024)  \n"
HIDDEN = "_verborgen: minder dan 5 16-uurssignalen_"
# the pilot's effect needs school years before the pilot; the fixture's pilot began with its
# first school year (test_status_pilot_evidence.py measures the effect on the pilot fixture)
PILOT_NOT_YET = ("Meldtrouw: effect van de registratiepilot (schooljaren vóór en tijdens de pilot): **–** "
                 f"(doel ≥ +10,0 procentpunt) — _{kpis.NOT_YET_COMPARABLE}_")


def lights(quality: str, time: str, money: str) -> str:
    return f"**Kwaliteit** {quality}  \n**Tijd** {time}  \n**Geld** {money}"


def summary(light: str, green: int, orange: int, red: int, none: int = 0) -> tuple[str, str]:
    text = f"**{light}**  \n:green-badge[● {green} groen] :orange-badge[▲ {orange} oranje] :red-badge[■ {red} rood]"
    return light, text + (f" :gray-badge[{none} geen rapportage]" if none else "")


def mismatch(evidence: str) -> str:
    return (f"Het bewijs wijst op {evidence} voor Kwaliteit; gerapporteerd is ● groen. De gerapporteerde "
            "kleur blijft het oordeel van de leerplichtambtenaar.")


@pytest.fixture
def status_db(status_read_only, app_env):
    """The fixture on either database (built once per module, only read), the app pointed at it
    with its caches cleared; returns (engine, ids)."""
    engine, ids = status_read_only
    app_env(engine.url.render_as_string(hide_password=False))
    return engine, ids


def view(ids, period: str, previous: str | None, suppressor, programme=None, holder=None):
    periods = ids["periods"]
    return status_data.overview_view(periods[period], periods[previous] if previous else None, programme, holder,
                                     DEFAULTS, suppressor)


def test_the_overview_of_2024_T1_tile_by_tile(status_db):
    _, ids = status_db
    shown = view(ids, "2024-T1", "2023-T3", FIVE)
    assert shown.any_report
    # latest report per action: LEA-01 g/o/g, LEA-02 g/o/g (the correction), LEA-03 o/g/g, LEA-04 r/o/g
    assert shown.summary == (summary("Kwaliteit", 2, 1, 1), summary("Tijd", 1, 3, 0), summary("Geld", 4, 0, 0))
    lea03, lea04, lea01, lea02 = shown.tiles  # programme, then code: Thuiszitters before Verzuim

    assert lea03.title == "**LEA-03 — Minder verzuimmeldingen door vroegsignalering**"
    assert lea03.caption == "Thuiszitters · portefeuillehouder Wethouder de Vries · gepland gereed 31-12-2024"
    assert lea03.no_report is None and lea03.lights == lights(ORANGE, GREEN, GREEN)
    assert lea03.changes == "Geen rapportage in 2023-T3 om mee te vergelijken."
    # meldingen 05-01 (D), 19-01 and 02-02 (E): 3, fewer than 5 → hidden, and no colour suggested
    assert lea03.details == (EXPLANATION + "\n\n" + T1_EVIDENCE + "Verzuimmeldingen per 1.000 leerlingen: **–** "
                             "(doel ≤ 11,0) — _verborgen: minder dan 5 meldingen_")
    assert lea03.warning is None  # no evidence colour to disagree with
    # created 02-04-2024 09:00 UTC = 11:00 in the Netherlands (summer time)
    assert lea03.authorship == "Gerapporteerd door Lia Leerplicht op 02-04-2024 11:00"
    assert lea03.versions == ()

    assert lea04.lights == lights(RED, ORANGE, GREEN)
    assert lea04.changes == "Sinds 2023-T3: Tijd: rood → oranje; Geld: oranje → groen"  # from r/r/o
    # newsletters in January – March: 15-01-2024 only = 1 < 2, missed by 50 %: rood, as reported
    assert lea04.details.endswith("Nieuwsbrieven in de periode: **1** (doel ≥ 2) — nieuwsbrieven 1 → bewijs: "
                                  + RED)
    assert lea04.warning is None  # evidence and report agree

    assert lea01.caption == "Verzuim · portefeuillehouder Wethouder Jansen · gepland gereed 31-12-2024"
    assert lea01.changes == "Sinds 2023-T3: Tijd: groen → oranje"  # from g/g/g
    # primary in scope visited in January – March: B (31-03) of A, B, C, D = 1 / 4 = 25 %; target 80 %: rood
    assert lea01.details == (EXPLANATION + "\n\n" + T1_EVIDENCE + "Basisscholen bezocht in de periode: **25,0%** "
                             f"(doel ≥ 80,0%) — scholen bezocht 1, basisscholen 4 → bewijs: {RED}")
    assert lea01.warning == mismatch("■ rood")

    assert lea02.changes == "Ongewijzigd sinds 2023-T3."  # g/o/g both times (after the correction)
    # signals in January – March: A 05-02 (1 school day), C 10-01 (4), E 22-01 (8), B 04-03 (10):
    # 2 of 4 on time, fewer than 5 signals of pupils → hidden, no colour suggested
    assert lea02.details == (
        EXPLANATION + "\n\n" + T1_EVIDENCE + PILOT_NOT_YET + "  \n"
        f"Meldtrouw 16-uursregel: **–** (doel ≥ 60,0%) — {HIDDEN}")
    assert lea02.warning is None
    # the correction by Bert Beheer on 03-04 12:00 is the report; the first version is listed
    assert lea02.authorship == "Gerapporteerd door Bert Beheer op 03-04-2024 12:00 · 2 versies (correcties)"
    assert lea02.versions == ("02-04-2024 11:00, Lia Leerplicht: Kwaliteit ▲ oranje · Tijd ▲ oranje · Geld ● groen",)
    # every action has an oranje or rood light: "Alleen niet-groen" keeps all four
    assert len(status_tiles.visible_tiles(shown, only_not_green=True)) == 4


def test_leerplicht_sees_the_meldtrouw_that_is_hidden_for_other_roles(status_db):
    _, ids = status_db
    lea02 = view(ids, "2024-T1", "2023-T3", None).tiles[3]
    # all 2 of 4 = 50 %, target 60 %, missed by 10 > 6: rood; the pilot's effect: not yet comparable
    assert PILOT_NOT_YET in lea02.details
    assert lea02.details.endswith(f"Meldtrouw 16-uursregel: **50,0%** (doel ≥ 60,0%) — tijdig gemeld 2, "
                                  f"16-uurssignalen 4 → bewijs: {RED}")
    assert lea02.warning == mismatch("■ rood")


def test_a_programme_selection_counts_and_shows_only_its_actions(status_db):
    """2023-T3, Thuiszitters: LEA-03 has no report, LEA-04 r/r/o; the first period has no
    previous one. The KPI window is the period's own days, 01-09-2023 – 31-12-2023."""
    _, ids = status_db
    shown = view(ids, "2023-T3", None, FIVE, programme="Thuiszitters")
    assert shown.any_report
    assert shown.summary == (summary("Kwaliteit", 0, 0, 1, none=1), summary("Tijd", 0, 0, 1, none=1),
                             summary("Geld", 0, 1, 0, none=1))
    lea03, lea04 = shown.tiles
    assert lea03.no_report == "Geen statusrapportage in deze periode."
    assert (lea03.lights, lea03.changes, lea03.authorship, lea03.not_green) == (None, None, None, False)
    # meldingen every 14 days from 01-09-2023: 9 up to 22-12-2023; 9 / 1.000 = 9,0 ≤ 11: groen
    assert lea03.details == ("**Bewijs uit de gegevens** (schooldagen van 01-09-2023 t/m 31-12-2023)  \n"
                             "Verzuimmeldingen per 1.000 leerlingen: **9,0** (doel ≤ 11,0) — meldingen 9, "
                             f"leerlingen 1.000 → bewijs: {GREEN}")
    assert lea04.changes == "Geen eerdere rapportageperiode om mee te vergelijken."
    # one newsletter (02-10-2023) < 2: rood, as reported
    assert lea04.details.endswith(f"Nieuwsbrieven in de periode: **1** (doel ≥ 2) — nieuwsbrieven 1 → bewijs: {RED}")
    assert lea04.authorship == "Gerapporteerd door Lia Leerplicht op 05-01-2024 10:00"  # 09:00 UTC, winter time
    # "Alleen niet-groen" keeps LEA-04 (rood) and LEA-03, which has no report: that needs attention too
    assert [t.title for t in status_tiles.visible_tiles(shown, only_not_green=True)] == \
        ["**LEA-03 — Minder verzuimmeldingen door vroegsignalering**", "**LEA-04 — Nieuwsbrief voor scholen**"]


def test_a_period_without_reports_for_one_portfolio_holder(status_db):
    """2024-T2 has no reports; Wethouder Jansen holds LEA-01 and LEA-02. KPI window: the period's
    own days, 01-04-2024 – 30-06-2024: D's visit of 02-04-2024 and A's signal of 01-05-2024."""
    _, ids = status_db
    shown = view(ids, "2024-T2", "2024-T1", None, holder="Wethouder Jansen")
    assert not shown.any_report
    assert shown.summary == tuple(summary(light, 0, 0, 0, none=2) for light in ("Kwaliteit", "Tijd", "Geld"))
    lea01, lea02 = shown.tiles
    assert lea01.no_report == lea02.no_report == "Geen statusrapportage in deze periode."
    # D of 4 primary schools visited = 25 %; target 80 %: rood
    assert lea01.details.endswith("Basisscholen bezocht in de periode: **25,0%** (doel ≥ 80,0%) — scholen bezocht 1, "
                                  f"basisscholen 4 → bewijs: {RED}")
    # the pilot's effect: not yet comparable; meldtrouw: A's signal, 1 of 1 = 100 %: groen
    assert PILOT_NOT_YET in lea02.details
    assert lea02.details.endswith("Meldtrouw 16-uursregel: **100,0%** (doel ≥ 60,0%) — tijdig gemeld 1, "
                                  f"16-uurssignalen 1 → bewijs: {GREEN}")
    assert lea01.warning is None and lea02.warning is None  # nothing reported to disagree with
    # no reports at all: "Alleen niet-groen" keeps both actions, each saying it has no report
    assert status_tiles.visible_tiles(shown, only_not_green=True) == [lea01, lea02]


def test_the_history_of_an_action_per_period_and_light(status_db):
    _, ids = status_db
    lea04 = status_data.history_view(ids["actions"]["LEA-04"], "LEA-04 — Nieuwsbrief voor scholen", "LEA-04")
    assert [(p["periode"], p["licht"], p["kleur"]) for p in lea04.points] == [
        ("2023-T3", "Kwaliteit", "rood"), ("2023-T3", "Tijd", "rood"), ("2023-T3", "Geld", "oranje"),
        ("2024-T1", "Kwaliteit", "rood"), ("2024-T1", "Tijd", "oranje"), ("2024-T1", "Geld", "groen"),
        ("2024-T2", "Kwaliteit", "geen rapportage"), ("2024-T2", "Tijd", "geen rapportage"),
        ("2024-T2", "Geld", "geen rapportage"),
    ]
    assert lea04.spec["title"]["text"] == "Verloop LEA-04 — Nieuwsbrief voor scholen"
    assert lea04.spec["data"]["name"] in lea04.spec["datasets"]  # the rows travel with the spec
    assert lea04.explanation.split("\n\n") == [  # newest first
        "**2024-T1** (01-01-2024 t/m 31-03-2024) — Kwaliteit ■ rood · Tijd ▲ oranje · Geld ● groen  \n"
        "Oorzaak: Minder capaciteit  \nGevolg: Bezoeken schuiven op  \nMaatregel: Inhuur per mei",
        "**2023-T3** (01-09-2023 t/m 31-12-2023) — Kwaliteit ■ rood · Tijd ■ rood · Geld ▲ oranje  \n"
        "Oorzaak: Minder capaciteit  \nGevolg: Bezoeken schuiven op  \nMaatregel: Inhuur per mei",
    ]
    lea01 = status_data.history_view(ids["actions"]["LEA-01"], "LEA-01 — Schoolbezoeken leerplicht", "LEA-01")
    assert lea01.explanation.endswith("**2023-T3** (01-09-2023 t/m 31-12-2023) — Kwaliteit ● groen · Tijd ● groen · "
                                      "Geld ● groen  \nToelichting: alle lichten groen")


def test_an_action_never_reported_on_has_no_history(engine, app_env):
    fixture.build(engine)
    app_env(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        action = fixture.add(conn, fixture.PolicyAction, code="LEA-05", programme="Verzuim", title="Nieuw",
                             portfolio_holder="Wethouder Jansen", planned_end=None)
    assert status_data.history_view(action, "LEA-05 — Nieuw", "LEA-05") is None


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_cached_views_follow_a_new_report(database, request, app_env):
    """The views are cached for their TTL; after a report is added and the cache cleared (as the
    page's save does), they show it — tiles, summary, history and the council appendix."""
    engine = request.getfixturevalue("engine" if database == "sqlite" else "pg_engine")
    ids = fixture.build(engine)
    app_env(engine.url.render_as_string(hide_password=False))
    t1, t3 = ids["periods"]["2024-T1"], ids["periods"]["2023-T3"]
    lea04_id = ids["actions"]["LEA-04"]
    before = status_data.overview_view(t1, t3, None, None, DEFAULTS, FIVE)
    history_before = status_data.history_view(lea04_id, "LEA-04 — Nieuwsbrief voor scholen", "LEA-04")
    with engine.begin() as conn:
        add_report(conn, NewReport(lea04_id, t1, "groen", "groen", "groen", "", "", ""),
                   username="lpa", roles=["leerplicht"])
    assert status_data.overview_view(t1, t3, None, None, DEFAULTS, FIVE) == before  # cached for its TTL
    cache.invalidate()  # what the page's save_report does
    after = status_data.overview_view(t1, t3, None, None, DEFAULTS, FIVE)
    lea04 = next(tile for tile in after.tiles if tile.title.startswith("**LEA-04"))
    assert lea04.lights == lights(GREEN, GREEN, GREEN)
    assert lea04.changes == "Sinds 2023-T3: Kwaliteit: rood → groen; Tijd: rood → groen; Geld: oranje → groen"
    assert lea04.authorship.endswith("· 2 versies (correcties)") and len(lea04.versions) == 1
    assert lea04.versions[0].endswith("Lia Leerplicht: Kwaliteit ■ rood · Tijd ▲ oranje · Geld ● groen")
    assert not lea04.not_green
    # Kwaliteit was 2 groen, 1 oranje, 1 rood: LEA-04 rood → groen
    assert after.summary[0] == summary("Kwaliteit", 3, 1, 0)
    history = status_data.history_view(lea04_id, "LEA-04 — Nieuwsbrief voor scholen", "LEA-04")
    assert history != history_before
    assert [p["kleur"] for p in history.points if p["periode"] == "2024-T1"] == ["groen", "groen", "groen"]
    assert history.explanation.startswith("**2024-T1** (01-01-2024 t/m 31-03-2024) — Kwaliteit ● groen · "
                                          "Tijd ● groen · Geld ● groen  \nToelichting: alle lichten groen")
    appendix = status_data.council_report(t1, DEFAULTS, FIVE, dt.date(2026, 12, 4))
    assert next(a for a in appendix.actions if a.code == "LEA-04").lights == ("groen", "groen", "groen")
