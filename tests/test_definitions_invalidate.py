"""One invalidate() for every write path: an import on /beheer shows at once on the officers' list
(/jongeren keeps that list in a resource cache shared by all sessions)."""
from __future__ import annotations

from data_access import users
from fixtures.imports import imp, load_base
from fixtures.pages import listed, open_page

# Mon 13 – Thu 16 May 2024, 5 unauthorised hours a day: 20 > 16 hours, a 16-hour signal on the 16th
DAYS = ("13-05-2024", "14-05-2024", "15-05-2024", "16-05-2024")


def absence_csv(pseudonym: str) -> bytes:
    return ("datum;pseudoniem;uren;code\n" + "".join(f"{d};{pseudonym};5;A\n" for d in DAYS)).encode()


def test_an_import_on_beheer_shows_on_the_officers_list_at_once(engine, sqlite_url, app_env):
    load_base(engine)
    assert imp(engine, "verzuim", absence_csv("LL01")).ok
    with engine.begin() as conn:
        users.create_user(conn, "beheer", "Bea Beheer", ["beheer"], "x")
        users.create_user(conn, "lpa", "Lia Leerplicht", ["leerplicht"], "x")
    app_env(sqlite_url)
    # the same view before and after (same reference date and filters): the same cache entry
    view = {"peildatum": "2024-05-31", "behandelaar": "*"}
    before = open_page("jongeren.py", "lpa", params=view)
    assert not before.exception
    assert listed(before) == {"LL01": "16 uur (niet gemeld)"}

    beheer = open_page("beheer.py", "beheer")
    beheer.file_uploader(key="import_file").set_value(("verzuim-ll02.csv", absence_csv("LL02"), "text/csv"))
    beheer = beheer.run()
    assert beheer.selectbox(key="import_kind").value == "verzuim"
    beheer = beheer.button(key="import_check_button").click().run()
    beheer = beheer.button(key="import_run_button").click().run()
    assert [s.value for s in beheer.success] == ["Import geslaagd."]

    after = open_page("jongeren.py", "lpa", params=view)
    assert listed(after) == {"LL01": "16 uur (niet gemeld)", "LL02": "16 uur (niet gemeld)"}


def test_a_settings_save_on_beheer_shows_on_the_officers_list_at_once(engine, sqlite_url, app_env):
    """LL01: 5 h on Mon 13 – Thu 16 May 2024. At 16 hours the signal falls on Thursday (20 h);
    at 12 hours on Wednesday (15 h): signal16 is rebuilt and the label names the new line."""
    load_base(engine)
    assert imp(engine, "verzuim", absence_csv("LL01")).ok
    with engine.begin() as conn:
        users.create_user(conn, "beheer", "Bea Beheer", ["beheer"], "x")
        users.create_user(conn, "lpa", "Lia Leerplicht", ["leerplicht"], "x")
    app_env(sqlite_url)
    view = {"peildatum": "2024-05-31", "behandelaar": "*"}
    assert listed(open_page("jongeren.py", "lpa", params=view)) == {"LL01": "16 uur (niet gemeld)"}

    beheer = open_page("beheer.py", "beheer")
    beheer.text_input(key="setting_signal_hours").set_value("12")
    beheer = beheer.button(key="FormSubmitter:settings_form-Instellingen opslaan").click().run()
    assert [s.value for s in beheer.success] == ["Opgeslagen: 16-uursgrens (uren) 16 → 12."]
    with engine.connect() as conn:
        assert [str(d)[:10] for (d,) in conn.exec_driver_sql("SELECT signal_on FROM signal16")] == ["2024-05-15"]

    assert listed(open_page("jongeren.py", "lpa", params=view)) == {"LL01": "12 uur (niet gemeld)"}
