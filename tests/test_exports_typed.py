"""Issue 15, "Exports as people use them": every Excel export holds numbers as numbers with a
Dutch-looking number format, percentages as fractions shown as percentages, dates as dates
(dd-mm-jjjj), and text only where the screen shows text — "<5", "•", "verborgen", "–" and names.
Every CSV is ``;``-separated with a decimal comma, dates dd-mm-jjjj and a UTF-8 BOM. Every file
name says what, for whom and when.

The routes: /scholen (the comparison table as the page draws it, AppTest on the hand-made
municipality of fixtures.schools), /covid (the comparison view on fixtures.covid), /jongeren (the
list as ui.youths.tables.list_frame makes it, through the export's generator), the audit log CSV
and the import error report. The values are the fixtures' hand calculations (see the tests named
beside each one).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data_access import audit, users
from data_access.db import make_engine
from data_access.definitions import Suppressor
from data_access.exports import tables
from data_access.queries import youths
from data_access.schema import migrate
from ui import downloads
from ui.covid import views as covid_views
from ui.youths.export import export_file
from ui.youths.tables import list_frame
from fixtures.imports import imp
from fixtures.schools import build_fixture

ROOT = Path(__file__).resolve().parent.parent
SCHOLEN = str(ROOT / "pages" / "scholen.py")
PERIOD = "Gedeeltelijke sluiting (fictief) (05-10-2020 – 30-10-2020)"
BOM = b"\xef\xbb\xbf"


def sheet(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]


def cells_by_header(data: bytes, key: str) -> dict[str, dict[str, openpyxl.cell.Cell]]:
    """Row key (the value in column ``key``) → header → cell."""
    ws = sheet(data)
    header = [c.value for c in ws[1]]
    rows = {}
    for row in ws.iter_rows(min_row=2):
        by_header = dict(zip(header, row))
        rows[by_header[key].value] = by_header
    return rows


def no_formulas(data: bytes) -> None:
    ws = sheet(data)
    assert [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"] == []


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(BOM)  # UTF-8 with BOM: Excel reads "ë" and "–" right
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


# --- the writer: what each kind of shown value becomes ------------------------------------


def test_each_kind_of_shown_value_becomes_its_typed_cell():
    frame = pd.DataFrame({
        "Naam": ["De Linde", "De Eik"],
        "Leerlingen": ["2.709", "<5"],                      # a count; "<5" where it is hidden
        "Meldingen": ["•", "13"],                           # complementary hiding stays text too
        "Verzuim totaal (%)": [1.758, float("nan")],        # a rate ×100 as the table holds it
        "Aandeel": ["83,3%", "verborgen"],
        "Verschil": ["+33,3 %-punt", "–"],
        "Mediaan": ["2,0 dagen", "-1,5 dagen"],
        "Per school": ["0,50", "±0"],
        "Laatste registratie": ["30-10-2020", "–"],
        "Volgende actie": pd.to_datetime(["2024-11-07", None]),
        "tijd (UTC)": pd.to_datetime(["2024-11-07 09:15:00", "2024-11-08 00:00:00"]),
        "Aantal vergelijkbare scholen": [3, 0],
    })
    data = tables.xlsx_bytes(frame)
    no_formulas(data)
    linde, eik = (cells_by_header(data, "Naam")[name] for name in ("De Linde", "De Eik"))

    def typed(cell):
        return cell.value, cell.data_type, cell.number_format, cell.is_date

    assert typed(linde["Leerlingen"]) == (2709, "n", "#,##0", False)
    assert typed(eik["Leerlingen"]) == ("<5", "s", "General", False)
    assert typed(linde["Meldingen"]) == ("•", "s", "General", False)
    assert typed(eik["Meldingen"]) == (13, "n", "#,##0", False)
    # 1,758 % as the fraction 0,01758, shown as a percentage with the decimals it has
    assert typed(linde["Verzuim totaal (%)"]) == (pytest.approx(0.01758), "n", "0.000%", False)
    assert eik["Verzuim totaal (%)"].value is None
    assert typed(linde["Aandeel"]) == (pytest.approx(0.833), "n", "0.0%", False)
    assert typed(eik["Aandeel"]) == ("verborgen", "s", "General", False)
    # a difference keeps its sign visible: "+" before a positive number, "±" at zero
    assert typed(linde["Verschil"]) == (pytest.approx(33.3), "n",
                                        '+#,##0.0" %-punt";-#,##0.0" %-punt";"±"0.0" %-punt"', False)
    assert typed(eik["Verschil"]) == ("–", "s", "General", False)
    assert typed(linde["Mediaan"]) == (2.0, "n", '#,##0.0" dagen"', False)
    assert typed(eik["Mediaan"]) == (-1.5, "n", '#,##0.0" dagen"', False)
    assert typed(linde["Per school"]) == (0.5, "n", "#,##0.00", False)
    assert typed(eik["Per school"]) == (0, "n", '+#,##0;-#,##0;"±"0', False)
    assert typed(linde["Laatste registratie"]) == (dt.datetime(2020, 10, 30), "d", "dd-mm-yyyy", True)
    assert typed(linde["Volgende actie"]) == (dt.datetime(2024, 11, 7), "d", "dd-mm-yyyy", True)
    # a column with times shows them (also at midnight)
    assert typed(eik["tijd (UTC)"]) == (dt.datetime(2024, 11, 8), "d", "dd-mm-yyyy hh:mm:ss", True)
    assert typed(linde["Aantal vergelijkbare scholen"]) == (3, "n", "#,##0", False)


@pytest.mark.parametrize("text", ["1234", "0012", "12.5", "1.23", "31-02-2024", "2019/20", "week 12",
                                  "+31 6 1234 5678", "<5", "5+", "12,5 uur"])
def test_text_that_is_not_a_number_as_the_product_writes_one_stays_text(text):
    """Only the exact Dutch forms of ui.format become numbers: no thousands point, a leading zero,
    a decimal point, an impossible date or another unit stay as typed."""
    cell = sheet(tables.xlsx_bytes(pd.DataFrame({"x": [text]})))["A2"]
    assert (cell.value, cell.data_type) == (text, "s")


def test_an_identifier_column_stays_text():
    data = tables.xlsx_bytes(pd.DataFrame({"Pseudoniem": ["123", "1.234"], "n": ["123", "1.234"]}),
                             text_columns=["Pseudoniem"])
    ws = sheet(data)
    assert [(c.value, c.data_type) for c in ws["A"][1:]] == [("123", "s"), ("1.234", "s")]
    assert [c.value for c in ws["B"][1:]] == [123, 1234]


def test_csv_semicolons_decimal_comma_dates_and_bom():
    frame = pd.DataFrame({"Naam": ["De Linde"], "Verzuim totaal (%)": [1.758], "Leerlingen": ["2.709"],
                          "Volgende actie": pd.to_datetime(["2024-11-07"]), "Dag": [dt.date(2024, 11, 8)],
                          "tijd (UTC)": pd.to_datetime(["2024-11-07 09:15:00"]), "Verschil": ["-3"]})
    header, row = csv_rows(tables.csv_bytes(frame))
    assert header == ["Naam", "Verzuim totaal (%)", "Leerlingen", "Volgende actie", "Dag", "tijd (UTC)", "Verschil"]
    # "-3" is a number to a spreadsheet, not a formula: no "'" before it
    assert row == ["De Linde", "1,758", "2.709", "07-11-2024", "08-11-2024", "07-11-2024 09:15:00", "-3"]


def test_file_names_say_what_for_whom_and_when():
    day = dt.date(2026, 12, 4)
    assert tables.file_name("verzuim-trend-maand", ["lea"], day) == "verzuim-trend-maand_lea_2026-12-04"
    assert tables.file_name("vergelijking-school", ["portefeuillehouder"], day) == \
        "vergelijking-school_portefeuillehouder_2026-12-04"
    # leerplicht sees unsuppressed figures: a file made by someone with that role says so
    assert tables.file_name("covid-perioden-tegen-basis", ["lea", "leerplicht"], day) == \
        "covid-perioden-tegen-basis_leerplicht_2026-12-04"
    assert tables.file_name("status 2024/T1", ["beheer", "portefeuillehouder"], day) == \
        "status-2024-T1_beheer-portefeuillehouder_2026-12-04"


# --- every export route --------------------------------------------------------------------


@pytest.fixture
def scholen_url(tmp_path, app_env):
    url = f"sqlite:///{tmp_path / 'scholen.sqlite'}"
    eng = make_engine(url, create=True)
    migrate(eng)
    with eng.begin() as conn:
        build_fixture(conn)
        for role in ("lea", "leerplicht"):
            users.create_user(conn, role, f"Test {role}", [role], "geheim-wachtwoord")
    eng.dispose()
    return app_env(url)


def scholen_comparison(role: str, **state) -> pd.DataFrame:
    """The comparison table the page downloads (the frame st.dataframe shows)."""
    at = AppTest.from_file(SCHOLEN, default_timeout=90)
    at.session_state["lea_username"] = role
    at.session_state["weergave"] = "Scholen vergelijken"
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return next(f.value for f in at.dataframe if "Meldingen" in f.value.columns)


def test_scholen_comparison_excel_for_lea_keeps_only_hidden_cells_as_text(scholen_url):
    frame = scholen_comparison("lea")
    data = downloads.table_bytes_xlsx(frame)
    no_formulas(data)
    rows = cells_by_header(data, "Naam")
    # test_schools_page: De Linde's 3 meldingen are "<5", Het Baken's 6 hidden as "•", De Eik 13
    assert (rows["De Linde"]["Meldingen"].value, rows["De Linde"]["Meldingen"].data_type) == ("<5", "s")
    assert (rows["Het Baken"]["Meldingen"].value, rows["Het Baken"]["Meldingen"].data_type) == ("•", "s")
    assert (rows["De Eik"]["Meldingen"].value, rows["De Eik"]["Meldingen"].number_format) == (13, "#,##0")
    assert (rows["Gemeente (alle scholen)"]["Meldingen"].value,
            rows["Gemeente (alle scholen)"]["Meldingen"].number_format) == (31, "#,##0")
    # every rate the table shows is a percentage cell holding the fraction
    for name, cells in rows.items():
        for header, cell in cells.items():
            if header.endswith("(%)") and cell.value is not None:
                assert cell.data_type == "n" and cell.number_format.endswith("%"), (name, header)
                assert cell.value == pytest.approx(frame.set_index("Naam").loc[name, header] / 100)


def test_scholen_comparison_excel_for_leerplicht_holds_the_hand_calculated_numbers(scholen_url):
    frame = scholen_comparison("leerplicht", schools_comparison_window=PERIOD)
    rows = cells_by_header(downloads.table_bytes_xlsx(frame), "Naam")
    # test_schools_page.test_comparison_for_a_named_period_matches_the_hand_calculation
    assert rows["De Linde"]["Verzuim totaal (%)"].value == pytest.approx(0.01758)   # 145 / (100 × 82,5)
    assert rows["De Eik"]["Meldtrouw (%)"].value == pytest.approx(0.60)              # 6 of 10
    assert rows["De Eik"]["Meldingen per 1.000"].value == pytest.approx(60.0)
    assert rows["De Eik"]["Meldingen per 1.000"].number_format.startswith("#,##0")
    assert rows["De Linde"]["Leerlingen"].value == 100 and rows["De Linde"]["Meldingen"].value == 3
    last = rows["De Linde"]["Laatste registratie"]
    assert last.is_date and last.number_format == "dd-mm-yyyy"


def test_covid_comparison_excel(covid_read_only, app_env):
    app_env(covid_read_only.url.render_as_string(hide_password=False))
    full = covid_views.comparison_view("PO", "before", None).table
    data = downloads.table_bytes_xlsx(full)
    no_formulas(data)
    rows = cells_by_header(data, "Maatstaf")
    # test_covid_views.test_the_comparison_view_per_period: 83,3% against 50,0%, +33,3 %-punt, …
    schools = rows["Scholen gecontacteerd"]
    assert (schools["In de periode"].value, schools["In de periode"].number_format) == (pytest.approx(0.833), "0.0%")
    assert schools["Basis"].value == pytest.approx(0.5)
    assert schools["Verschil"].value == pytest.approx(33.3)
    assert rows["Contacten per school per week"]["In de periode"].value == 0.5
    assert rows["Mediaan dagen tot eerste contact"]["Verschil"].value == -1.5
    assert (rows["Gezinnen nooit bereikt"]["In de periode"].value, rows["Gezinnen nooit bereikt"]["Verschil"].value) \
        == (2, 1)
    # the hidden figures for the other roles stay exactly the text on the screen
    hidden = covid_views.comparison_view("PO", "before", Suppressor(5)).table
    shown_as_text = {(m, column): value for m, *values in hidden[["Maatstaf", "In de periode", "Basis", "Verschil"]]
                     .itertuples(index=False)
                     for column, value in zip(("In de periode", "Basis", "Verschil"), values)
                     if tables.dutch_value(value) is None}
    assert shown_as_text  # something is hidden for the other roles
    rows = cells_by_header(downloads.table_bytes_xlsx(hidden), "Maatstaf")
    for (metric, column), value in shown_as_text.items():
        assert (rows[metric][column].value, rows[metric][column].data_type) == (value, "s")


def youth_rows() -> pd.DataFrame:
    """Two youths as queries.youths.youth_list gives them (the columns list_frame reads)."""
    return pd.DataFrame({
        "pseudonym": ["123", "LL02"], "name": ["Anna de Vries", "=HYPERLINK(\"http://x\")"],
        "signal_labels": ["16 uur", ""], "case_status": ["open", None],
        "next_action_on": [dt.date(2024, 11, 7), None], "last_contact_on": [dt.date(2024, 10, 1), None],
        "officer": ["lpa", None], "school": ["De Linde", "De Eik"], "grade": [7, 8], "age": [11, 12],
        "window_hours": [17.5, 2.0], "unauthorised_hours": [1234.5, 0.0], "absence_share": [0.046, 0.0],
        "late_count": [3, 0], "mas_route": [None, None], "phase": [None, None],
    })


def test_youth_list_excel_and_csv(engine):
    table = list_frame(youth_rows(), dt.date(2024, 11, 1), {"lpa": "Lia Leerplicht"}, 4)
    user = users.User("leerplicht", "Lia Leerplicht", None, ("leerplicht",), True)
    make = lambda fmt: export_file(engine, user, youths.YouthFilters(), dt.date(2024, 11, 1),  # noqa: E731
                                   "Casusoverleg met school of zorgpartner", "", fmt, table, [1, 2])()
    data = make("xlsx")
    no_formulas(data)
    rows = cells_by_header(data, "Pseudoniem")
    anna = rows["123"]  # a pseudonym that looks like a number stays text
    assert anna["Pseudoniem"].data_type == "s"
    assert anna["Volgende actie"].is_date and anna["Volgende actie"].value == dt.datetime(2024, 11, 7)
    assert anna["Volgende actie"].number_format == "dd-mm-yyyy"
    assert anna["Laatste contact"].value == dt.datetime(2024, 10, 1) and anna["Laatste contact"].is_date
    assert (anna["Dagen sinds contact"].value, anna["Dagen sinds contact"].number_format) == (31, "#,##0")
    assert (anna["Ongeoorloofd 4 wk (u)"].value, anna["Ongeoorloofd 4 wk (u)"].number_format) == (17.5, "#,##0.0")
    assert anna["Ongeoorloofd jaar (u)"].value == 1234.5
    assert (anna["Verzuim jaar"].value, anna["Verzuim jaar"].number_format) == (pytest.approx(0.046), "0.0%")
    assert (anna["Groep"].value, anna["Leeftijd"].value) == (7, 11)
    assert rows["LL02"]["Naam"].value == "=HYPERLINK(\"http://x\")" and rows["LL02"]["Naam"].data_type == "s"
    assert rows["LL02"]["Volgende actie"].value is None

    header, anna_csv, other = csv_rows(make("csv"))
    by = dict(zip(header, anna_csv))
    assert (by["Volgende actie"], by["Laatste contact"]) == ("07-11-2024", "01-10-2024")  # no ISO dates
    assert (by["Ongeoorloofd jaar (u)"], by["Verzuim jaar"]) == ("1.234,5", "4,6%")
    assert dict(zip(header, other))["Naam"] == "'=HYPERLINK(\"http://x\")"


def test_audit_log_csv_has_dutch_times(engine):
    with engine.begin() as conn:
        audit.record(conn, "export", username="leerplicht", role="leerplicht", object_type="lijst", object_id="1")
        frame = audit.events(conn)
    header, row = csv_rows(audit.to_csv(frame))[:2]
    when = dict(zip(header, row))["tijd (UTC)"]
    assert dt.datetime.strptime(when, "%d-%m-%Y %H:%M:%S")  # dd-mm-jjjj hh:mm:ss, not ISO


def test_import_error_report_csv(base):
    result = imp(base, "leerlingen", "pseudoniem;voornaam;achternaam;geboortedatum\nLL90;Jan;Smit;31-02-2016\n")
    header, *rows = csv_rows(downloads.table_bytes_csv(result.problems_frame()))
    assert header == ["bestand", "rij", "kolom", "waarde", "probleem"]
    assert [(r[1], r[2], r[3]) for r in rows] == [("2", "geboortedatum", "31-02-2016")]
