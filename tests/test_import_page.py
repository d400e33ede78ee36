"""The beheer page (AppTest): upload → kind → options → proefimport with preview and report → import
with progress → result; the templates and the code table. Only beheer gets in."""
from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from data_access import models, users
from data_access.importers.kinds import KINDS
from fixtures.imports import DUO_FILE, absence, audit_rows, dump, load_base

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "beheer.py")


@pytest.fixture
def cache_clears(monkeypatch):
    calls = []
    original = st.cache_data.clear
    monkeypatch.setattr(st.cache_data, "clear", lambda: (calls.append(1), original()))
    return calls


def open_beheer(engine, sqlite_url, app_env, roles=("beheer",), base=False) -> AppTest:
    with engine.begin() as conn:
        users.create_user(conn, "beheer", "Demo beheer", list(roles), "x")
    if base:
        load_base(engine)
    app_env(sqlite_url)
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state["lea_username"] = "beheer"
    at.session_state["lea_auth_at"] = time.time()
    return at.run()


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="import_file").set_value((name, data, "text/csv"))
    return at.run()


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def import_rows(engine) -> list[tuple]:
    return [(r.result, json.loads(r.details)["result"]) for r in audit_rows(engine) if r.action == "import"]


def test_the_page_has_import_templates_code_table_periods_and_users(engine, sqlite_url, app_env):
    at = open_beheer(engine, sqlite_url, app_env)
    assert not at.exception
    main_tabs = ["Import", "Sjablonen", "Codetabel", "Perioden", "Gebruikers"]
    assert [t.label for t in at.tabs if t.label in main_tabs] == main_tabs
    assert at.title[0].value == "Beheer"
    assert [i.value for i in at.info][0] == "Kies een bestand om te beginnen."


def test_other_roles_do_not_get_the_page(engine, sqlite_url, app_env):
    at = open_beheer(engine, sqlite_url, app_env, roles=("leerplicht",))
    assert [e.value for e in at.error] == ["U heeft geen toegang tot deze pagina."]
    assert len(at.file_uploader) == 0


def test_a_beheer_user_imports_the_duo_register_through_the_page(engine, sqlite_url, app_env, cache_clears):
    at = open_beheer(engine, sqlite_url, app_env)
    cache_clears.clear()  # (the app_env fixture clears the caches when it points the app at the database)
    at = upload(at, DUO_FILE.name, DUO_FILE.read_bytes())
    assert at.selectbox(key="import_kind").value == "scholen"  # recognised by its columns
    assert at.button(key="import_run_button").disabled  # only after a successful dry run
    at = at.button(key="import_check_button").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [
        "Proefimport in orde: er is niets geschreven. Klik op Importeren om het bestand in te lezen."]
    assert metrics(at) == {"Rijen gelezen": "6.589", "Met problemen": "0", "Nieuw": "6.589", "Bijgewerkt": "0",
                           "Ongewijzigd": "0", "Verwijderd": "0"}
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(models.School)).scalar() == 0
    assert cache_clears == []
    at = at.button(key="import_run_button").click().run()
    assert [s.value for s in at.success] == ["Import geslaagd."]
    assert at.get("progress")[0].value == 100
    assert metrics(at)["Nieuw"] == "6.589"
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(models.School)).scalar() == 6589
    assert import_rows(engine) == [("proef", "proef: in orde"), ("ok", "geslaagd")]
    assert cache_clears == [1]


def _year_of_absence() -> tuple[bytes, int]:
    days = [d.astype(object) for d in np.arange(np.datetime64("2023-08-21"), np.datetime64("2024-05-31"))
            if np.is_busday(d)]
    lines = ["datum;pseudoniem;uren;code"]
    for i, day in enumerate(days):
        for j, pupil in enumerate(("LL01", "LL02", "LL03")):
            code = ("A", "ZI", "TA")[(i + j) % 3]
            lines.append(f"{day:%d-%m-%Y};{pupil};{'0,5' if code == 'TA' else '2'};{code}")
    return ("\n".join(lines) + "\n").encode(), len(lines) - 1


def test_a_year_of_absence_registrations_through_the_page(engine, sqlite_url, app_env):
    at = open_beheer(engine, sqlite_url, app_env, base=True)
    data, rows = _year_of_absence()
    at = upload(at, "verzuim-2023-2024.csv", data)
    assert at.selectbox(key="import_kind").value == "verzuim"
    at = at.button(key="import_check_button").click().run()
    at = at.button(key="import_run_button").click().run()
    assert [s.value for s in at.success] == ["Import geslaagd."]
    # Monday 21 August 2023 – Thursday 30 May 2024: 40 full weeks + 4 days = 204 weekdays, 3 pupils each
    assert rows == 3 * 204 and metrics(at)["Nieuw"] == "612"
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(models.Absence)).scalar() == 612
        hours = conn.execute(select(func.sum(models.AbsenceWeek.hours))).scalar()
    # per day the three pupils have A, ZI and TA in turn: 2 + 2 + 0.5 hours
    assert hours == pytest.approx(204 * 4.5)


def test_a_broken_file_gets_a_precise_report_and_nothing_is_written(engine, sqlite_url, app_env, cache_clears):
    at = open_beheer(engine, sqlite_url, app_env, base=True)
    cache_clears.clear()
    before = dump(engine)
    content = "datum;pseudoniem;uren;code\n02-10-2023;LL01;2;A\n03-10-2023;LL09;1;A\n04-10-2023;LL02;12;ZI\n"
    at = upload(at, "verzuim-kapot.csv", content.encode())
    at.selectbox(key="import_kind").set_value("verzuim")
    at = at.button(key="import_check_button").click().run()
    assert [e.value for e in at.error] == [
        "De proefimport vond 2 problemen: zo zou de import worden afgewezen. Er is niets geschreven."]
    report = at.dataframe[0].value
    assert list(report.columns) == ["bestand", "rij", "kolom", "waarde", "probleem"]
    assert report.values.tolist() == [
        ["verzuim-kapot.csv", 3, "pseudoniem", "LL09",
         "Leerling met pseudoniem 'LL09' bestaat niet: importeer eerst de leerlingen."],
        ["verzuim-kapot.csv", 4, "uren", "12", "Buiten het bereik: moet van 0 t/m 8 zijn."]]
    assert at.button(key="import_run_button").disabled
    assert dump(engine) == before
    # the user explicitly chooses to import only the valid rows
    at.checkbox(key="import_only_valid").check()
    at = at.run()
    at = at.button(key="import_check_button").click().run()
    assert not at.button(key="import_run_button").disabled
    at = at.button(key="import_run_button").click().run()
    assert [s.value for s in at.success] == ["Import geslaagd."]
    assert absence(engine) == [("LL01", "99ZZ00", dt.date(2023, 10, 2), 2.0, "A", "ongeoorloofd")]
    assert cache_clears == [1]


def test_a_new_file_gets_its_own_kind_suggested(engine, sqlite_url, app_env):
    at = open_beheer(engine, sqlite_url, app_env)
    at = upload(at, DUO_FILE.name, DUO_FILE.read_bytes())
    assert at.selectbox(key="import_kind").value == "scholen"
    at = upload(at, "codes.csv", b"bron;code;categorie\n*;ZI;ziek\n")
    assert at.selectbox(key="import_kind").value == "verzuimcodes"
    at = upload(at, "iets.csv", b"kolom;nog een kolom\n1;2\n")
    assert at.selectbox(key="import_kind").value is None
    assert at.info[0].value == "Kies welke soort gegevens het bestand bevat."


def test_replacing_a_period_is_shown_in_the_preview(engine, sqlite_url, app_env):
    at = open_beheer(engine, sqlite_url, app_env, base=True)
    first = "datum;pseudoniem;uren;code\n02-10-2023;LL01;2;A\n05-10-2023;LL01;1;A\n"
    at = upload(at, "week40.csv", first.encode())
    at = at.button(key="import_check_button").click().run()
    at = at.button(key="import_run_button").click().run()
    again = "datum;pseudoniem;uren;code\n02-10-2023;LL01;2;A\n04-10-2023;LL01;1;ZI\n06-10-2023;LL01;1;A\n"
    at = upload(at, "week40-opnieuw.csv", again.encode())
    at.checkbox(key="import_replace").check()
    at = at.run()
    at = at.button(key="import_check_button").click().run()
    assert metrics(at)["Verwijderd"] == "1"
    replaced = at.dataframe[0].value
    assert replaced.values.tolist() == [["99ZZ00", "02-10-2023", "06-10-2023", 1]]
    at = at.button(key="import_run_button").click().run()
    assert [r[2] for r in absence(engine)] == [dt.date(2023, 10, 2), dt.date(2023, 10, 4), dt.date(2023, 10, 6)]


def test_unknown_codes_can_be_imported_as_onbekend_and_mapped_in_the_code_table(engine, sqlite_url, app_env):
    at = open_beheer(engine, sqlite_url, app_env, base=True)
    at = upload(at, "verzuim.csv", b"datum;pseudoniem;uren;code\n02-10-2023;LL01;2;XX\n03-10-2023;LL01;1;XX\n")
    at = at.button(key="import_check_button").click().run()
    codes_table = at.dataframe[0].value
    assert codes_table.values.tolist() == [["XX", "*", 2, "2, 3"]]
    at.checkbox(key="import_unknown").check()
    at = at.run()
    at = at.button(key="import_check_button").click().run()
    at = at.button(key="import_run_button").click().run()
    assert [r[5] for r in absence(engine)] == ["onbekend", "onbekend"]
    # Codetabel: the page lists the unknown code and maps it
    at.text_input(key="code_code").input("xx")
    at.selectbox(key="code_category").set_value("ongeoorloofd")
    at = at.button(key="FormSubmitter:code_add-Opslaan").click().run()
    assert "Code XX opgeslagen. 2 registraties kregen de categorie ongeoorloofd." in [s.value for s in at.success]
    assert [r[5] for r in absence(engine)] == ["ongeoorloofd", "ongeoorloofd"]
    changes = [(r.action, r.object_type, r.object_id, r.username) for r in audit_rows(engine)
               if r.action == "codetabel_wijzigen"]
    assert changes == [("codetabel_wijzigen", "absence_code", "*:XX", "beheer")]


def test_every_template_can_be_downloaded_with_its_column_table(engine, sqlite_url, app_env):
    at = open_beheer(engine, sqlite_url, app_env)
    labels = [b.label for b in at.get("download_button")]
    assert [f"Sjabloon {k}.csv" for k in KINDS] == [lbl for lbl in labels if lbl.startswith("Sjabloon")]
    tables = [e for e in at.dataframe if list(e.value.columns)[:2] == ["kolom", "verplicht"]]
    assert len(tables) == len(KINDS)
    absence_columns = tables[list(KINDS).index("verzuim")].value
    assert absence_columns.set_index("kolom").loc["uren", "verplicht"] == "één van: uren / lesuren"
