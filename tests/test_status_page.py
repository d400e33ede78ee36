"""The status page per role (AppTest) on the hand-made municipality of fixtures/status.py.

What the page shows is compared with values worked out by hand (see that module's docstring).
"""
import time
from pathlib import Path

import pytest
from sqlalchemy import delete, select
from sqlalchemy.exc import OperationalError
from streamlit.testing.v1 import AppTest

from data_access import status_reports
from data_access.models import AuditEvent, ReportingPeriod, StatusReport
from data_access.queries import status as q
from fixtures import status as fixture

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "status.py")


@pytest.fixture
def filled(engine, sqlite_url, app_env):
    fixture.build(engine)
    app_env(sqlite_url)
    return engine


def run_as(username: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["lea_username"] = username
    at.session_state["lea_auth_at"] = time.time()
    return at.run()


def period_id(engine, name: str) -> int:
    with engine.connect() as conn:
        return fixture.period_ids(conn)[name]


def action_id(engine, code: str) -> int:
    with engine.connect() as conn:
        return int(q.actions(conn).set_index("code").loc[code, "action_id"])


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def paragraphs(at: AppTest) -> list[str]:
    """The markdown texts as paragraphs: the page sends consecutive markdown of a tile (explanation
    and evidence), the earlier versions and the history explanations each as one element."""
    return [p for t in texts(at.markdown) for p in t.split("\n\n")]


def tile_titles(at: AppTest) -> list[str]:
    return [t for t in paragraphs(at) if t.startswith("**LEA-")]


def test_portfolio_holder_sees_summary_tiles_and_changes(filled):
    at = run_as("wethouder")
    assert not at.exception
    assert at.title[0].value == "Status LEA-acties"
    assert at.selectbox(key="status_period").value == period_id(filled, "2024-T1")  # latest with reports
    summary = paragraphs(at)
    assert "**Kwaliteit**  \n:green-badge[● 2 groen] :orange-badge[▲ 1 oranje] :red-badge[■ 1 rood]" in summary
    assert "**Tijd**  \n:green-badge[● 1 groen] :orange-badge[▲ 3 oranje] :red-badge[■ 0 rood]" in summary
    assert "**Geld**  \n:green-badge[● 4 groen] :orange-badge[▲ 0 oranje] :red-badge[■ 0 rood]" in summary
    assert tile_titles(at) == [
        "**LEA-03 — Minder verzuimmeldingen door vroegsignalering**", "**LEA-04 — Nieuwsbrief voor scholen**",
        "**LEA-01 — Schoolbezoeken leerplicht**",
        "**LEA-02 — Evaluatie pilot Ondersteuning verzuimadministratie scholen**"]
    # lights as badge + shape + word, never colour alone
    assert "**Kwaliteit** :red-badge[■ rood]  \n**Tijd** :orange-badge[▲ oranje]  \n**Geld** :green-badge[● groen]" \
        in summary
    captions = texts(at.caption)
    assert "Sinds 2023-T3: Tijd: groen → oranje" in captions  # LEA-01
    assert "Sinds 2023-T3: Tijd: rood → oranje; Geld: oranje → groen" in captions  # LEA-04
    assert "Ongewijzigd sinds 2023-T3." in captions  # LEA-02 after its correction
    assert "Geen rapportage in 2023-T3 om mee te vergelijken." in captions  # LEA-03
    assert any(c.startswith("Gerapporteerd door Bert Beheer op 03-04-2024 12:00 · 2 versies") for c in captions)
    # explanation of a non-green light
    assert "**Oorzaak:** Minder capaciteit  \n**Gevolg:** Bezoeken schuiven op  \n**Maatregel:** Inhuur per mei" \
        in summary
    # no editing for the portfolio holder
    assert [t.label for t in at.tabs] == ["Overzicht", "Verloop", "Export"]


def test_evidence_and_mismatch_flag(filled):
    at = run_as("wethouder")
    warnings = texts(at.warning)
    # 2024-T1 over its own days (1 January – 31 March). LEA-01: B only of 4 primary schools
    # visited (target 80 %) → rood, reported groen: flagged. LEA-02's meldtrouw rests on 4 signals
    # and LEA-03's on 3 meldingen: hidden for the portfolio holder, so no colour to compare
    assert ("Het bewijs wijst op ■ rood voor Kwaliteit; gerapporteerd is ● groen. De gerapporteerde kleur "
            "blijft het oordeel van de leerplichtambtenaar.") in warnings
    assert len(warnings) == 1
    evidence = "\n".join(t for t in paragraphs(at) if t.startswith("**Bewijs"))
    assert evidence.startswith("**Bewijs uit de gegevens** (schooldagen van 01-01-2024 t/m 31-03-2024)")
    assert ("Basisscholen bezocht in de periode: **25,0%** (doel ≥ 80,0%) — scholen bezocht 1, "
            "basisscholen 4 → bewijs: :red-badge[■ rood]") in evidence
    assert ("Verzuimmeldingen per 1.000 leerlingen: **–** (doel ≤ 11,0) — "
            "_verborgen: minder dan 5 meldingen_") in evidence
    assert ("Meldtrouw 16-uursregel: **–** (doel ≥ 60,0%) — _verborgen: minder dan 5 16-uurssignalen_") in evidence


def test_leerplicht_sees_the_hidden_meldtrouw(filled):
    at = run_as("lpa")
    evidence = "\n".join(t for t in paragraphs(at) if t.startswith("**Bewijs"))
    # A 05-02 (1 school day) and C 10-01 (4) on time, E 22-01 (8) and B 04-03 (10) late: 2 of 4
    assert "Meldtrouw 16-uursregel: **50,0%** (doel ≥ 60,0%) — tijdig gemeld 2, 16-uurssignalen 4" in evidence


def test_selection_filters_tiles_and_summary(filled):
    at = run_as("wethouder")
    at.selectbox(key="status_programme").set_value("Thuiszitters").run()
    assert "**Kwaliteit**  \n:green-badge[● 0 groen] :orange-badge[▲ 1 oranje] :red-badge[■ 1 rood]" in paragraphs(at)
    assert [t.split(" — ")[0] for t in tile_titles(at)] == ["**LEA-03", "**LEA-04"]
    at.selectbox(key="status_programme").set_value("Alle programma's").run()
    at.toggle(key="status_not_green").set_value(True).run()
    # LEA-03 (K oranje), LEA-04 (K rood), LEA-01 (T oranje), LEA-02 (T oranje): all have a non-green light
    assert len(tile_titles(at)) == 4
    at.selectbox(key="status_holder").set_value("Wethouder de Vries").run()
    assert [t.split(" — ")[0] for t in tile_titles(at)] == ["**LEA-03", "**LEA-04"]


def test_only_not_green_hides_an_all_green_action(filled):
    at = run_as("wethouder")
    at.selectbox(key="status_period").set_value(period_id(filled, "2023-T3")).run()
    assert ("**Kwaliteit**  \n:green-badge[● 2 groen] :orange-badge[▲ 0 oranje] :red-badge[■ 1 rood] "
            ":gray-badge[1 geen rapportage]") in paragraphs(at)
    at.toggle(key="status_not_green").set_value(True).run()
    # 2023-T3: LEA-01 all green is hidden; LEA-03 without a report stays (it needs attention too),
    # with LEA-04 (rood) and LEA-02 (T oranje)
    assert [t.split(" — ")[0] for t in tile_titles(at)] == ["**LEA-03", "**LEA-04", "**LEA-02"]


def test_period_without_reports(filled):
    at = run_as("wethouder")
    at.selectbox(key="status_period").set_value(period_id(filled, "2024-T2")).run()
    assert not at.exception
    infos = texts(at.info)
    assert "Voor 2024-T2 is nog geen statusrapportage vastgelegd." in infos
    assert infos.count("Geen statusrapportage in deze periode.") == 4


def test_a_removed_period_reads_the_periods_again(filled):
    """The periods are cached; choosing one that has been removed since shows the default period."""
    at = run_as("wethouder")
    removed = period_id(filled, "2024-T2")
    with filled.begin() as conn:
        conn.execute(delete(ReportingPeriod).where(ReportingPeriod.id == removed))
    at.selectbox(key="status_period").set_value(removed).run()
    assert not at.exception
    assert at.selectbox(key="status_period").value == period_id(filled, "2024-T1")
    assert "2024-T2" not in at.selectbox(key="status_period").options
    assert len(tile_titles(at)) == 4


def test_history_shows_explanation_per_period(filled):
    at = run_as("wethouder")
    at.selectbox(key="history_action").set_value(action_id(filled, "LEA-04")).run()
    explained = [t for t in paragraphs(at) if t.startswith("**2023-T3**")]
    assert explained == ["**2023-T3** (01-09-2023 t/m 31-12-2023) — Kwaliteit ■ rood · Tijd ■ rood · Geld ▲ oranje  \n"
                         "Oorzaak: Minder capaciteit  \nGevolg: Bezoeken schuiven op  \nMaatregel: Inhuur per mei"]
    assert not [t for t in paragraphs(at) if t.startswith("**2024-T2**")]  # no report: only in the chart


def test_leerplicht_adds_a_report_and_the_rule_is_enforced(filled):
    at = run_as("lpa")
    assert [t.label for t in at.tabs][-1] == "Rapportage toevoegen"
    at.selectbox(key="form_action").set_value(action_id(filled, "LEA-04"))
    at.radio(key="form_quality").set_value("groen")
    at.radio(key="form_time").set_value("groen")
    at.radio(key="form_money").set_value("rood")
    submit = next(b for b in at.button if b.label == "Rapportage toevoegen")
    submit.click().run()
    [error] = texts(at.error)
    assert "Geld is niet groen: vul oorzaak, gevolg en maatregel in." in error
    with filled.connect() as conn:
        assert len(conn.execute(select(StatusReport.id)).all()) == 8

    at.text_area(key="form_cause").input("Aanbesteding duurder")
    at.text_area(key="form_consequence").input("Overschrijding 5.000 euro")
    at.text_area(key="form_measure").input("Dekking uit reserve")
    next(b for b in at.button if b.label == "Rapportage toevoegen").click().run()
    assert not at.exception
    assert "De statusrapportage is toegevoegd." in texts(at.success)
    assert "**Geld**  \n:green-badge[● 3 groen] :orange-badge[▲ 0 oranje] :red-badge[■ 1 rood]" in paragraphs(at)
    assert "**Kwaliteit**  \n:green-badge[● 3 groen] :orange-badge[▲ 1 oranje] :red-badge[■ 0 rood]" in paragraphs(at)
    # the tile of LEA-04 (cached view, cleared by the save) shows the new report and its correction
    assert "**Kwaliteit** :green-badge[● groen]  \n**Tijd** :green-badge[● groen]  \n**Geld** :red-badge[■ rood]" \
        in paragraphs(at)
    assert any(c.startswith("Gerapporteerd door Lia Leerplicht op ") and c.endswith("· 2 versies (correcties)")
               for c in texts(at.caption))
    with filled.connect() as conn:
        actions = [a for (a,) in conn.execute(select(AuditEvent.username).where(
            AuditEvent.action == "status_report_toegevoegd"))]
    assert actions == ["lpa"]


def test_a_report_added_elsewhere_meanwhile_is_not_silently_overwritten(filled):
    at = run_as("lpa")  # the form is drawn: LEA-04 in this period has the reports it has now
    lea04, period = action_id(filled, "LEA-04"), at.selectbox(key="form_period").value
    with filled.begin() as conn:  # meanwhile a colleague adds one for the same action and period
        status_reports.add_report(conn, status_reports.NewReport(lea04, period, "groen", "groen", "groen", "", "", ""),
                                  username="admin", roles=("beheer",))
    at.selectbox(key="form_action").set_value(lea04)
    for light in ("form_quality", "form_time", "form_money"):
        at.radio(key=light).set_value("groen")
    next(b for b in at.button if b.label == "Rapportage toevoegen").click().run()
    [error] = texts(at.error)
    assert "Voor deze actie en periode is intussen een rapportage toegevoegd door admin" in error
    with filled.connect() as conn:
        latest = conn.execute(select(StatusReport.author).where(
            StatusReport.action_id == lea04, StatusReport.reporting_period_id == period)
            .order_by(StatusReport.version.desc()).limit(1)).scalar_one()
    assert latest == "admin"  # the colleague's report is still the latest: nothing of lpa's was added
    # the officer has now seen it; the input is still in the form and a second click saves it
    assert at.radio(key="form_money").value == "groen"
    next(b for b in at.button if b.label == "Rapportage toevoegen").click().run()
    assert "De statusrapportage is toegevoegd." in texts(at.success)


def test_beheer_may_add_reports_too(filled):
    at = run_as("admin")
    assert [t.label for t in at.tabs] == ["Overzicht", "Verloop", "Export", "Rapportage toevoegen"]


def test_lea_partner_reads_the_status_but_adds_no_report(filled):
    """Issue 15: the LEA may see the status of its own actions, read-only."""
    at = run_as("partner")
    assert not at.exception and not at.error
    assert len(tile_titles(at)) == 4
    assert [t.label for t in at.tabs] == ["Overzicht", "Verloop", "Export"]
    assert "status_report_form" not in [f.id for f in at.get("form")] and not at.text_area


def test_no_actions_message(engine, sqlite_url, app_env):
    with engine.begin() as conn:
        fixture.add_users(conn)
    app_env(sqlite_url)
    at = run_as("wethouder")
    assert not at.exception
    assert texts(at.info) == ["Er zijn nog geen LEA-acties vastgelegd."]


def test_database_unreachable_message(filled, monkeypatch):
    def unreachable(conn):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(q, "reporting_periods", unreachable)
    at = run_as("wethouder")
    assert not at.exception
    assert texts(at.error) == ["De database is niet bereikbaar. Probeer het over enkele minuten opnieuw; "
                               "blijft dit zo, neem dan contact op met beheer."]
