"""Beheer: file import (upload → kind → options → dry run with preview → import), the templates and
the LAS code table. Everything the user reads is Dutch; the work is done by data_access.importers.
"""
from __future__ import annotations

import datetime as dt

import streamlit as st
from sqlalchemy.exc import OperationalError

from data_access import users
from data_access.definitions.calendar import date_bounds
from data_access.importers import codes as code_table
from data_access.importers import templates
from data_access.importers.kinds import KINDS, get_kind, guess_kind
from data_access.importers.reading import Source, read_headers
from data_access.importers.run import GESLAAGD, PROEF_OK, ImportResult, counted, run_import
from data_access.importers.validate import parse_school_year_option
from data_access.importers.write import Options
from ui import format as fmt
from ui.cache import invalidate
from ui.db import engine
from ui.downloads import file_name, table_bytes_csv
from ui.guard import origin

CHECK = "import_check"      # (signature, dry-run result)
DONE = "import_done"        # result of the last real import
CODE_NOTICE = "code_table_notice"
SEEN = "import_file_seen"   # file id of the upload the kind was suggested for
STATUS_TEXT = {
    GESLAAGD: "Import geslaagd.",
    PROEF_OK: "Proefimport in orde: er is niets geschreven. Klik op Importeren om het bestand in te lezen.",
}


def _kind_label(key: str) -> str:
    return KINDS[key].label


# --- Import ---------------------------------------------------------------------------------

MAX_UPLOAD_MB = 100  # room for a school year of absence of a large municipality (~1 M rows of ~40 bytes)


def render_import_admin(user: users.User) -> None:
    st.header("Import")
    st.caption("Lees een CSV- of Excelbestand in. Eerst wordt alles gecontroleerd (proefimport); bij één "
               "probleem wordt niets geschreven, tenzij u kiest voor alleen de geldige rijen. Sjablonen en "
               "uitleg per soort staan op het tabblad Sjablonen.")
    # The drop zone's own words ("Drag and drop file here", "Browse files") are Streamlit's and stay
    # English (no parameter for them); the caption says it in Dutch.
    uploaded = st.file_uploader("Bestand (CSV of Excel)", type=["csv", "txt", "xlsx", "xlsm"], key="import_file",
                                max_upload_size=MAX_UPLOAD_MB)
    st.caption(f"Sleep het bestand naar het vak of kies het met de knop. Hoogstens {MAX_UPLOAD_MB} MB; "
               "CSV (.csv, .txt) of Excel-werkmap (.xlsx, .xlsm).")
    done = st.session_state.get(DONE)
    if uploaded is None:
        if done is not None:
            _render_result(done, "Laatste import")
        else:
            st.info("Kies een bestand om te beginnen.")
        return
    data = uploaded.getvalue()
    keys = list(KINDS)
    guessed = guess_kind(read_headers(Source(uploaded.name, data)))
    if st.session_state.get(SEEN) != uploaded.file_id:
        # a new file: suggest the kind its header matches (the user can still choose another)
        st.session_state[SEEN] = uploaded.file_id
        st.session_state["import_kind"] = guessed
    kind = st.selectbox("Soort gegevens", keys, index=None,  # (the suggestion is set in the session state)
                        format_func=_kind_label, key="import_kind", placeholder="Kies de soort gegevens")
    if kind is None:
        st.info("Kies welke soort gegevens het bestand bevat.")
        return
    spec = get_kind(kind)
    if guessed == kind:
        st.caption(f"Herkend aan de kolomnamen: {spec.label.lower()}.")
    st.caption(spec.description)

    options, error = _options(kind)
    if error:
        st.error(error)
        return
    signature = (uploaded.file_id, uploaded.name, len(data), kind, repr(options))
    check = st.session_state.get(CHECK)
    if check is not None and check[0] != signature:
        st.session_state.pop(CHECK)
        check = None

    left, right = st.columns(2)
    if left.button("Controleren (proefimport)", key="import_check_button", icon=":material/fact_check:"):
        result = _run(user, kind, data, uploaded.name, Options(**{**vars(options), "dry_run": True}),
                      "Controleren…")
        st.session_state[CHECK] = check = (signature, result)
        st.session_state.pop(DONE, None)
    checked = check is not None and check[1].ok
    if right.button("Importeren", key="import_run_button", type="primary", disabled=not checked,
                    icon=":material/upload:",
                    help="Eerst controleren; importeren kan als de proefimport in orde is."):
        result = _run(user, kind, data, uploaded.name, options, "Importeren…")
        st.session_state[DONE] = result
        st.session_state.pop(CHECK, None)
        check = None
        if result.written:
            invalidate()  # every page reads the new data on its next run, the officers' list too
        done = result
    elif check is None:
        done = st.session_state.get(DONE)
    else:
        done = None

    if check is not None:
        _render_result(check[1], "Proefimport")
        if not check[1].ok:
            st.warning("Los de problemen op en controleer opnieuw, of kies 'Alleen geldige rijen importeren'.")
    elif done is not None:
        _render_result(done, "Resultaat")
    else:
        st.info("Klik op Controleren om het bestand te controleren zonder iets te schrijven.")


def _options(kind: str) -> tuple[Options, str | None]:
    spec = get_kind(kind)
    st.markdown("**Opties**")
    only_valid = st.checkbox("Alleen geldige rijen importeren (rijen met problemen overslaan)",
                             key="import_only_valid")
    unknown = replace = False
    period_from = period_to = None
    lesson_minutes, source, school_year, municipality = 60, None, None, None
    if spec.uses_codes:
        unknown = st.checkbox("Onbekende verzuimcodes importeren als 'onbekend' (worden op de pagina's "
                              "gemarkeerd)", key="import_unknown")
    if spec.replace_period:
        replace = st.checkbox("Periode vervangen: per school alle bestaande regels van de eerste t/m de laatste "
                              "datum in het bestand vervangen", key="import_replace")
        if replace:
            c1, c2 = st.columns(2)
            earliest, latest = date_bounds(dt.date.today())
            period_from = c1.date_input("Periode vanaf (optioneel)", value=None, format="DD-MM-YYYY",
                                        min_value=earliest, max_value=latest, key="import_period_from")
            period_to = c2.date_input("Periode t/m (optioneel)", value=None, format="DD-MM-YYYY",
                                      min_value=earliest, max_value=latest, key="import_period_to")
    if kind == "verzuim":
        c1, c2, c3 = st.columns(3)
        lesson_minutes = c1.number_input("Minuten per lesuur", min_value=10, max_value=120, value=60, step=5,
                                         key="import_lesson_minutes",
                                         help="Voor de kolom lesuren: uren = lesuren × minuten / 60.")
        source = c2.text_input("LAS (bron van de codes)", value="", key="import_source",
                               help="Leeg: de algemene codetabel (*).") or None
        school_year = c3.text_input("Schooljaar van de levering (optioneel)", value="", key="import_school_year",
                                    placeholder="2023/24") or None
    elif kind == "leerlingen":
        school_year = st.text_input("Schooljaar van de inschrijving (leeg: kolom schooljaar of het lopende "
                                    "schooljaar)", value="", key="import_school_year", placeholder="2023/24") or None
    elif kind == "verzuimcodes":
        source = st.text_input("LAS (bron) als de kolom bron ontbreekt", value="", key="import_source",
                               help="Leeg: * (elk LAS).") or None
    elif kind == "scholen":
        municipality = st.text_input("Eigen gemeente (optioneel)", value="", key="import_municipality",
                                     help="Vestigingen in deze gemeente worden 'eigen gemeente', de andere niet. "
                                          "Leeg: nieuwe vestigingen tellen als eigen gemeente.") or None
    try:
        year = parse_school_year_option(school_year)
    except ValueError as exc:
        return Options(), str(exc)
    if period_from and period_to and period_to < period_from:
        return Options(), "De periode eindigt vóór het begin."
    return Options(only_valid=only_valid, unknown_as_onbekend=unknown, replace_period=replace,
                   lesson_minutes=int(lesson_minutes), school_year=year, source=source,
                   period_from=period_from, period_to=period_to, municipality=municipality), None


def _run(user: users.User, kind: str, data: bytes, name: str, options: Options, text: str) -> ImportResult:
    bar = st.progress(0.0, text=text)

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=message)

    try:
        return run_import(engine(), kind, data, file_name=name, options=options, username=user.username,
                          role=user.role_label, origin=origin(), progress=progress)
    except OperationalError:
        bar.empty()
        st.error("De database is bezet of niet bereikbaar; er is niets geschreven. Probeer het over een minuut "
                 "opnieuw.")
        st.stop()


def _render_result(result: ImportResult, title: str) -> None:
    st.subheader(title)
    if result.ok:
        st.success(STATUS_TEXT[result.status], icon=":material/check_circle:")
    elif result.options.dry_run:
        found = counted(result.problem_count, "probleem", "problemen")
        st.error(f"De proefimport vond {found}: zo zou de import worden "
                 "afgewezen. Er is niets geschreven.", icon=":material/error:")
    else:
        st.error(f"Import afgewezen: {counted(result.problem_count, 'probleem', 'problemen')}. Er is niets geschreven.",
                 icon=":material/error:")
    c = result.counts
    cols = st.columns(6)
    cols[0].metric("Rijen gelezen", fmt.number(result.rows))
    cols[1].metric("Met problemen", fmt.number(result.invalid_rows))
    if result.ok:
        cols[2].metric("Nieuw", fmt.number(c.inserted))
        cols[3].metric("Bijgewerkt", fmt.number(c.updated))
        cols[4].metric("Ongewijzigd", fmt.number(c.unchanged))
        cols[5].metric("Verwijderd", fmt.number(c.deleted))
    for line in result.summary():
        st.caption(line)
    if result.replaced:
        st.markdown("**Periode vervangen** — per school worden de bestaande regels in deze periode vervangen "
                    "door het bestand:")
        frame = result.replaced_frame()
        for col in ("van", "tot en met"):
            frame[col] = frame[col].map(fmt.date)
        st.dataframe(frame, hide_index=True, placeholder="–", width="stretch")
    if result.unknown_codes:
        st.markdown("**Onbekende verzuimcodes** — voeg ze toe op het tabblad Codetabel, of importeer ze als "
                    "'onbekend':")
        st.dataframe([{"code": e["code"], "bron": e["bron"], "aantal": e["aantal"],
                       "rijen (eerste 10)": ", ".join(str(r) for r in e["rijen"])} for e in result.unknown_codes],
                     hide_index=True, placeholder="–", width="stretch")
    if result.problems:
        st.markdown(f"**Problemen** ({fmt.number(result.problem_count)}"
                    + (f", de eerste {fmt.number(len(result.problems))} getoond" if result.problem_count >
                       len(result.problems) else "") + ")")
        problems = result.problems_frame()
        st.dataframe(problems, hide_index=True, placeholder="–", width="stretch",
                     column_config={"rij": st.column_config.NumberColumn("rij", format="%d")})
        st.download_button("Foutrapport (CSV)", table_bytes_csv(problems),
                           f"{file_name(f'foutrapport-{result.kind}-' + result.file_name.rsplit('.', 1)[0])}.csv",
                           "text/csv",
                           key=f"problems-{title}", icon=":material/download:", on_click="ignore")
    if not result.preview.empty:
        with st.expander("Voorbeeld: de eerste geldige rijen (persoonsgegevens verborgen)", expanded=result.ok):
            st.dataframe(result.preview, hide_index=True, placeholder="–", width="stretch")


# --- Sjablonen ------------------------------------------------------------------------------


def render_templates() -> None:
    st.header("Sjablonen")
    st.caption("Per soort gegevens een CSV-sjabloon (puntkomma, UTF-8) met voorbeeldregels, en de kolommen die "
               "de import accepteert. Kolomnamen mogen ook in het Engels of met spaties; datums als dd-mm-jjjj "
               "of jjjj-mm-dd; decimale komma mag.")
    for key, label in templates.all_kinds():
        with st.expander(label):
            st.markdown(templates.description(key))
            st.dataframe(templates.columns_frame(key), hide_index=True, placeholder="–", width="stretch")
            st.download_button(f"Sjabloon {key}.csv", templates.template_bytes(key), f"{key}.csv", "text/csv",
                               key=f"template-{key}", icon=":material/download:", on_click="ignore")


# --- Codetabel ------------------------------------------------------------------------------


def render_code_table(user: users.User) -> None:
    st.header("Codetabel verzuim")
    st.caption("Welke verzuimcode uit het LAS bij welke categorie hoort. Bron * geldt voor elk LAS. Een code "
               "toevoegen geeft registraties die als 'onbekend' zijn geïmporteerd meteen de juiste categorie.")
    notice = st.session_state.pop(CODE_NOTICE, None)
    if notice:
        (st.success if notice[0] == "success" else st.error)(notice[1])
    with engine().connect() as conn:
        table = code_table.list_codes(conn)
        unknown = code_table.unknown_in_use(conn)
    if table.empty:
        st.info("De codetabel is nog leeg: voeg codes toe of importeer het sjabloon verzuimcodes.")
    else:
        st.dataframe(table, hide_index=True, placeholder="–", width="stretch")
    if not unknown.empty:
        st.warning(f"{fmt.number(int(unknown['registraties'].sum()))} registraties hebben een code die niet in de "
                   "codetabel stond (categorie 'onbekend'):")
        shown = unknown.copy()
        for col in ("eerste datum", "laatste datum"):
            shown[col] = shown[col].map(fmt.date)
        st.dataframe(shown, hide_index=True, placeholder="–", width="stretch")

    with st.form("code_add", clear_on_submit=True):
        st.markdown("**Code toevoegen of wijzigen**")
        c1, c2, c3 = st.columns(3)
        source = c1.text_input("Bron (LAS)", value="*", key="code_source")
        code = c2.text_input("Code", key="code_code", max_chars=10)
        category = c3.selectbox("Categorie", code_table.ASSIGNABLE, key="code_category")
        description = st.text_input("Omschrijving (optioneel)", key="code_description", max_chars=200)
        if st.form_submit_button("Opslaan", type="primary"):
            try:
                with engine().begin() as conn:
                    n = code_table.set_code(conn, source, code, category, description, username=user.username,
                                            role=user.role_label, origin=origin())
                extra = f" {fmt.number(n)} registraties kregen de categorie {category}." if n else ""
                st.session_state[CODE_NOTICE] = ("success", f"Code {code.strip().upper()} opgeslagen.{extra}")
                invalidate()  # a code's category changes absence figures on every page
            except ValueError as exc:
                st.session_state[CODE_NOTICE] = ("error", str(exc))
            st.rerun()
    if table.empty:
        return
    with st.form("code_delete"):
        st.markdown("**Code verwijderen**")
        choices = [f"{s}:{c}" for s, c in zip(table["bron"], table["code"], strict=True)]
        chosen = st.selectbox("Code (bron:code)", choices, key="code_delete_choice")
        st.caption("Registraties houden de categorie die ze al hebben.")
        if st.form_submit_button("Verwijderen"):
            source, code = chosen.split(":", 1)
            with engine().begin() as conn:
                code_table.delete_code(conn, source, code, username=user.username, role=user.role_label,
                                       origin=origin())
            st.session_state[CODE_NOTICE] = ("success", f"Code {code} (bron {source}) verwijderd.")
            invalidate()
            st.rerun()
