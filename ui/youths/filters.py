"""The filter bar of /jongeren, kept in the URL so a list can be shared with a colleague.

Only ids, codes, usernames and dates go into the URL (st.query_params); the free-text search
(which may hold a name) stays in the session and is never written to the URL.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping

import streamlit as st

from data_access.definitions import Settings
from data_access.definitions.calendar import reference_date_bounds, within
from data_access.queries.youths import (
    SIGNAL_CODES,
    SORT_KEYS,
    FilterOptions,
    YouthFilters,
    signal_labels,
)
from ui import format as fmt
from ui.labels import CATEGORY_LABELS
from ui.text import plain
from ui.youths.labels import STATUS_LABELS, label

EVERYONE = "*"
AGE_RANGE = (4, 23)
# The widgets' ranges; a URL value outside them is ignored with a notice (never a crash).
CONTACT_DAYS_RANGE = (0, 3650)
LATE_RANGE = (1, 200)
SILENT_RANGE = (1, 365)
SELECTED = "jongere"
PREFIX = "yf_"
CONFIGURED_GIVEN = "youths_configured_thresholds"  # (late_count, no_contact_days) the widgets last followed
SEARCH_KEPT = "youths_search_kept"  # survives a visit to a youth's detail (the widget's state does not)

# URL parameter → YouthFilters field
LIST_PARAMS = {"school": "school_ids", "swv": "swv_codes", "groep": "grades", "signaal": "signals",
               "categorie": "categories", "status": "case_statuses", "route": "routes"}


@dataclasses.dataclass(frozen=True)
class ViewSettings:
    """Settings that are not filters but shape what is computed: the reference date and the
    two thresholds of the work queue (by default the configured ``late_count`` and
    ``no_contact_days``; the officer may choose others for the view)."""

    today: dt.date
    late_threshold: int
    contact_days: int

    def thresholds(self, configured: Settings) -> Settings:
        """The configured settings with the officer's two thresholds for this view."""
        return dataclasses.replace(configured, late_count=self.late_threshold, no_contact_days=self.contact_days)


# --- URL ⇄ filters (pure functions, tested without a browser) ---------------------------------


def filters_from_params(params: Mapping[str, list[str]], me: str, options: FilterOptions,
                        ignored: list[str] | None = None) -> YouthFilters:
    """Filters from URL parameters; unknown ids and malformed values are dropped, never fatal.
    Numbers outside the widget's range are dropped too and named in ``ignored``."""
    ignored = [] if ignored is None else ignored
    known = {"school_ids": set(options.schools), "swv_codes": set(options.swv_codes),
             "grades": set(options.grades), "signals": set(SIGNAL_CODES),
             "categories": set(options.categories) | set(CATEGORY_LABELS),
             "case_statuses": set(options.case_statuses), "routes": set(options.routes)}
    values: dict = {}
    for param, name in LIST_PARAMS.items():
        items = _split(params.get(param, []))
        if name in ("school_ids", "grades"):
            items = [int(i) for i in items if i.lstrip("-").isdigit()]
        values[name] = tuple(i for i in items if i in known[name])
    officer = _first(params, "behandelaar")
    if officer == EVERYONE:
        values["officers"] = ()
    elif officer in options.officers or officer == me:
        values["officers"] = (officer,)
    else:
        values["officers"] = (me,)
    values["include_unassigned"] = _first(params, "zonder_behandelaar") != "0"
    values["age_min"] = _int_in(params, "leeftijd_van", AGE_RANGE, ignored)
    values["age_max"] = _int_in(params, "leeftijd_tot", AGE_RANGE, ignored)
    values["contact_older_than_days"] = _int_in(params, "contact_ouder_dan", CONTACT_DAYS_RANGE, ignored)
    values["overdue_only"] = _first(params, "verlopen") == "1"
    sort = _first(params, "sorteer")
    values["sort"] = sort if sort in SORT_KEYS else "urgentie"
    values["descending"] = _first(params, "aflopend") == "1"
    return YouthFilters(**values)


def filters_to_params(filters: YouthFilters) -> dict[str, str]:
    """URL parameters for the filters (no search text)."""
    params: dict[str, str] = {}
    for param, name in LIST_PARAMS.items():
        if getattr(filters, name):
            params[param] = ",".join(str(v) for v in getattr(filters, name))
    params["behandelaar"] = filters.officers[0] if filters.officers else EVERYONE
    if not filters.include_unassigned:
        params["zonder_behandelaar"] = "0"
    for param, value in (("leeftijd_van", filters.age_min), ("leeftijd_tot", filters.age_max),
                         ("contact_ouder_dan", filters.contact_older_than_days)):
        if value is not None:
            params[param] = str(value)
    if filters.overdue_only:
        params["verlopen"] = "1"
    if filters.sort != "urgentie":
        params["sorteer"] = filters.sort
    if filters.descending:
        params["aflopend"] = "1"
    return params


def settings_from_params(params: Mapping[str, list[str]], default_today: dt.date,
                         configured: Settings, ignored: list[str] | None = None) -> ViewSettings:
    """The view's reference date and thresholds from the URL; values outside the widgets' ranges
    (a reference date outside calendar.reference_date_bounds: before 2000 or after today, or no
    date at all) are ignored, named in ``ignored``, and the default is used instead."""
    ignored = [] if ignored is None else ignored
    today = default_today
    text = _first(params, "peildatum")
    if text:
        try:
            asked = dt.date.fromisoformat(text)
        except ValueError:
            asked = None
        if asked is not None and within(asked, reference_date_bounds(dt.date.today())):
            today = asked
        else:
            ignored.append("peildatum")
    late = _int_in(params, "te_laat_vanaf", LATE_RANGE, ignored)
    days = _int_in(params, "geen_contact_dagen", SILENT_RANGE, ignored)
    return ViewSettings(today=min(today, dt.date.today()), late_threshold=late or configured.late_count,
                        contact_days=days or configured.no_contact_days)


def settings_to_params(settings: ViewSettings, default_today: dt.date, configured: Settings) -> dict[str, str]:
    params: dict[str, str] = {}
    if settings.today != default_today:
        params["peildatum"] = settings.today.isoformat()
    if settings.late_threshold != configured.late_count:
        params["te_laat_vanaf"] = str(settings.late_threshold)
    if settings.contact_days != configured.no_contact_days:
        params["geen_contact_dagen"] = str(settings.contact_days)
    return params


def reference_date_notice(text: str, default_today: dt.date, real_today: dt.date) -> str:
    """The Dutch notice for a reference date in a link that was not accepted (the link's text
    shown as plain text)."""
    earliest, latest = reference_date_bounds(real_today)
    return (f"De peildatum ‘{plain(text)}’ uit de link is niet gebruikt: een peildatum ligt tussen "
            f"{fmt.date(earliest)} en {fmt.date(latest)} (vandaag). De lijst toont de standaardpeildatum "
            f"{fmt.date(default_today)}.")


def ignored_notices(params: Mapping[str, list[str]], ignored: list[str], default_today: dt.date) -> list[str]:
    """Notices for the link's values that were left out: the reference date on its own, the
    others together; every value from the link as plain text."""
    notices = []
    if "peildatum" in ignored:
        notices.append(reference_date_notice(_first(params, "peildatum") or "", default_today, dt.date.today()))
    others = [key for key in ignored if key != "peildatum"]
    if others:
        notices.append("Uit de link genegeerd (buiten het bereik van het filter): "
                       + ", ".join(f"{key}={plain(_first(params, key))}" for key in others) + ".")
    return notices


def current_params() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params.keys()}


def _split(values: list[str]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def _first(params: Mapping[str, list[str]], key: str) -> str | None:
    values = params.get(key) or []
    return values[0] if values else None


def _int_in(params: Mapping[str, list[str]], key: str, bounds: tuple[int, int], ignored: list[str]) -> int | None:
    """The whole number in ``key`` if it lies within ``bounds``; else None (and ``key`` is noted
    when a value was given). Digits of any script (full-width too) are read as digits."""
    text = _first(params, key)
    value = _int(text)
    if value is not None and bounds[0] <= value <= bounds[1]:
        return value
    if text not in (None, ""):
        ignored.append(key)
    return None


def _int(value: str | None) -> int | None:
    try:
        number = int(value) if value not in (None, "") else None
    except ValueError:
        return None
    return number if number is None or 0 <= number <= 10_000 else None


# --- what a selection is, in words (the empty result names its cause) -------------------------


def selection_words(filters: YouthFilters, options: FilterOptions, me: str, configured: Settings) -> list[str]:
    """Each active filter as the filter bar names it ("school De Esdoorn", "signaal 16 uur"),
    markdown-safe: names of schools and officers are text people typed, shown as plain text."""
    words: list[str] = []
    if filters.officers:
        officer = filters.officers[0]
        name = "ik" if officer == me else plain(options.officers.get(officer, officer))
        words.append(f"behandelaar {name}")
        if not filters.include_unassigned:
            words.append("zonder jongeren zonder zaak")
    named = (
        ("school", "scholen", [plain(options.schools.get(i, i)) for i in filters.school_ids]),
        ("samenwerkingsverband", "samenwerkingsverbanden", [plain(c) for c in filters.swv_codes]),
        ("groep/leerjaar", "groepen/leerjaren", [str(g) for g in filters.grades]),
        ("signaal", "signalen", [signal_labels(configured).get(c, c) for c in filters.signals]),
        ("verzuimcategorie", "verzuimcategorieën", [label(CATEGORY_LABELS, c) for c in filters.categories]),
        ("zaakstatus", "zaakstatussen", [label(STATUS_LABELS, c) for c in filters.case_statuses]),
        ("MAS-route", "MAS-routes", [plain(r) for r in filters.routes]),
    )
    for one, many, values in named:
        if values:
            words.append(f"{one if len(values) == 1 else many} {' of '.join(values)}")
    if filters.age_min is not None or filters.age_max is not None:
        words.append(f"leeftijd {filters.age_min or AGE_RANGE[0]}–{filters.age_max or AGE_RANGE[1]}")
    if filters.contact_older_than_days is not None:
        words.append(f"laatste contact ouder dan {filters.contact_older_than_days} dagen")
    if filters.overdue_only:
        words.append("alleen verlopen acties")
    return words


def empty_cause(filters: YouthFilters, options: FilterOptions, me: str, configured: Settings,
                chosen_today: dt.date | None = None) -> str:
    """What made a list empty, markdown-safe: "zoekterm ‘xyz’ en filters: school De Esdoorn,
    signaal 16 uur" (the search text as plain text, never markdown); "" without any.
    ``chosen_today``: a reference date the officer chose (not the default), named last."""
    words = selection_words(filters, options, me, configured)
    if chosen_today is not None:
        words.append(f"peildatum {fmt.date(chosen_today)}")
    parts = []
    if filters.search.strip():
        parts.append(f"zoekterm ‘{plain(filters.search.strip())}’")
    if words:
        parts.append(f"{'filter' if len(words) == 1 else 'filters'}: {', '.join(words)}")
    return " en ".join(parts)


QUEUE_KINDS = "geen verlopen acties, signalen zonder zaak of zaken zonder recent contact"


def empty_list_text(filters: YouthFilters, cause: str) -> str:
    """The notice for an empty list: which search and filters caused it, and what to undo."""
    if not cause:
        return "Geen jongeren met een signaal of zaak in dit schooljaar tot de peildatum."
    undo = []
    if filters.search.strip():
        undo.append("wis de zoekterm")
    if selection_changed(filters):
        undo.append("zet filters uit")
    if filters.officers:
        undo.append("kies 'iedereen' als behandelaar")
    advice = ", ".join(undo[:-1]) + " of " + undo[-1] if len(undo) > 1 else "".join(undo)
    return f"Geen jongeren gevonden voor {cause}." + (f" {advice[0].upper()}{advice[1:]}." if advice else "")


def empty_queue_text(cause: str, list_empty: bool) -> str:
    """The notice for an empty work queue, naming the search and filters that caused it."""
    if list_empty and cause:
        return f"Geen jongeren gevonden voor {cause}, dus ook geen werkvoorraad."
    if cause:
        return f"De werkvoorraad is leeg voor {cause}: {QUEUE_KINDS}."
    return f"De werkvoorraad is leeg: {QUEUE_KINDS}."


def selection_changed(filters: YouthFilters) -> bool:
    """Whether a filter other than the officer and the search narrows the list."""
    defaults = YouthFilters(officers=filters.officers, include_unassigned=filters.include_unassigned,
                            sort=filters.sort, descending=filters.descending)
    return filters != defaults or not filters.include_unassigned  # (the search is no part of equality)


# --- the widgets -----------------------------------------------------------------------------


def file_settings(default_today: dt.date, configured: Settings) -> ViewSettings:
    """The view settings of a youth's file, from the URL; a value left out is said (a link
    straight to a file with, say, ``peildatum=1900-01-01`` shows the default date and why)."""
    params = current_params()
    ignored: list[str] = []
    settings = settings_from_params(params, default_today, configured, ignored)
    for notice in ignored_notices(params, ignored, default_today):
        st.info(notice, icon=":material/link_off:")
    return settings


def filter_bar(me: str, options: FilterOptions, default_today: dt.date,
               configured: Settings) -> tuple[YouthFilters, ViewSettings]:
    """Filter widgets, initialised from the URL on the first run; their values go back into it."""
    params = current_params()
    ignored: list[str] = []
    initial = filters_from_params(params, me, options, ignored)
    settings = settings_from_params(params, default_today, configured, ignored)
    if ignored and f"{PREFIX}officer" not in st.session_state:  # a link opened: say what was left out
        for notice in ignored_notices(params, ignored, default_today):
            st.info(notice, icon=":material/link_off:")
    _seed_widgets(initial, settings)
    _follow_configured(configured)
    k = PREFIX
    officers = {EVERYONE: "iedereen", me: "ik", **{u: n for u, n in options.officers.items() if u != me}}
    top = st.columns([3, 2, 2], vertical_alignment="bottom")
    search = top[0].text_input("Zoek op pseudoniem of naam", key=f"{k}search",
                               placeholder="bijv. P1234ABCD of een achternaam",
                               help="De zoekterm blijft op uw scherm; hij komt niet in de link of het auditlog.")
    st.session_state[SEARCH_KEPT] = search
    officer = top[1].selectbox("Behandelaar", list(officers), format_func=officers.get, key=f"{k}officer")
    include_unassigned = top[2].checkbox("ook jongeren zonder zaak", key=f"{k}unassigned",
                                         help="Signalen waarvoor nog geen zaak (en dus geen behandelaar) is.")
    active = _active_count(st.session_state)
    with st.expander(f"Meer filters{f' ({active} actief)' if active else ''}", icon=":material/filter_list:"):
        a, b, c, d = st.columns(4)
        signals = a.multiselect("Signaal", list(SIGNAL_CODES), format_func=signal_labels(configured).get,
                                key=f"{k}signals", placeholder="alle signalen")
        statuses = b.multiselect("Zaakstatus", list(options.case_statuses),
                                 format_func=lambda s: label(STATUS_LABELS, s), key=f"{k}statuses",
                                 placeholder="alle")
        routes = c.multiselect("MAS-route", list(options.routes), key=f"{k}routes", placeholder="alle")
        categories = d.multiselect("Verzuimcategorie dit schooljaar", list(options.categories),
                                   format_func=lambda s: label(CATEGORY_LABELS, s), key=f"{k}categories",
                                   placeholder="alle")
        schools = a.multiselect("School", list(options.schools), format_func=options.schools.get,
                                key=f"{k}schools", placeholder="alle scholen")
        swv = b.multiselect("Samenwerkingsverband", list(options.swv_codes), key=f"{k}swv", placeholder="alle")
        grades = c.multiselect("Groep / leerjaar", list(options.grades), key=f"{k}grades", placeholder="alle")
        ages = d.slider("Leeftijd", *AGE_RANGE, key=f"{k}ages")
        contact_days = a.number_input("Laatste contact ouder dan (dagen)", min_value=0, max_value=3650,
                                      step=7, key=f"{k}contact", placeholder="geen filter")
        sort = b.selectbox("Sorteren op", list(SORT_KEYS), format_func=SORT_KEYS.get, key=f"{k}sort")
        overdue = c.toggle("Alleen verlopen acties", key=f"{k}overdue",
                           help="Alleen open zaken waarvan de volgende actie vóór de peildatum lag.")
        descending = c.toggle("Aflopend sorteren", key=f"{k}descending")
        e, f, g, _ = st.columns(4)
        earliest, latest = reference_date_bounds(dt.date.today())
        today = e.date_input("Peildatum", key=f"{k}today", min_value=earliest, max_value=latest,
                             format="DD-MM-YYYY",
                             help=f"Standaard {fmt.date(default_today)}: de laatste verzuimregistratie of "
                                  "vandaag, wat het eerst is (in de demo haar vaste 'vandaag').")
        late = f.number_input("Vaak te laat vanaf (keer)", min_value=1, max_value=200, key=f"{k}late",
                              help="Aantal keer te laat dit schooljaar waarvanaf het signaal 'vaak te laat' geldt.")
        silent = g.number_input("Werkvoorraad: geen contact sinds (dagen)", min_value=1, max_value=365,
                                key=f"{k}silent")
    filters = YouthFilters(
        school_ids=tuple(schools), swv_codes=tuple(swv), grades=tuple(grades),
        age_min=ages[0] if ages[0] > AGE_RANGE[0] else None, age_max=ages[1] if ages[1] < AGE_RANGE[1] else None,
        signals=tuple(signals), categories=tuple(categories), case_statuses=tuple(statuses), routes=tuple(routes),
        officers=() if officer == EVERYONE else (officer,), include_unassigned=include_unassigned,
        contact_older_than_days=int(contact_days) if contact_days else None, overdue_only=overdue,
        sort=sort, descending=descending, search=search or "",
    )
    settings = ViewSettings(today=today or default_today, late_threshold=int(late), contact_days=int(silent))
    write_url(filters, settings, default_today, configured)
    return filters, settings


def write_url(filters: YouthFilters, settings: ViewSettings, default_today: dt.date, configured: Settings,
              selected: str | None = None) -> None:
    params = {**filters_to_params(filters), **settings_to_params(settings, default_today, configured)}
    if selected:
        params[SELECTED] = selected
    if current_params() != {k: [v] for k, v in params.items()}:
        st.query_params.from_dict(params)


def _active_count(state) -> int:
    """How many of the filters inside "Meer filters" are set (shown on its label)."""
    k = PREFIX
    lists = ("signals", "statuses", "routes", "categories", "schools", "swv", "grades")
    count = sum(bool(state.get(f"{k}{name}")) for name in lists)
    count += state.get(f"{k}ages", AGE_RANGE) != AGE_RANGE
    count += bool(state.get(f"{k}contact")) + bool(state.get(f"{k}overdue"))
    return int(count)


def _follow_configured(configured: Settings) -> None:
    """When beheer changes the lateness count or the no-contact days, a session whose widget
    still holds the old setting follows the new one (an officer's own choice stays)."""
    now = (configured.late_count, configured.no_contact_days)
    given = st.session_state.get(CONFIGURED_GIVEN)
    if given is not None and given != now:
        for key, old, new in ((f"{PREFIX}late", given[0], now[0]), (f"{PREFIX}silent", given[1], now[1])):
            if st.session_state.get(key) == old:
                st.session_state[key] = new
    st.session_state[CONFIGURED_GIVEN] = now


def _seed_widgets(filters: YouthFilters, settings: ViewSettings) -> None:
    """Put the URL's values into the widgets' state when the widgets are not there yet: on the
    first run of a session (a shared link) and when coming back from a youth's detail. After
    that the widgets hold the user's choices and the URL follows them."""
    k = PREFIX
    if f"{k}officer" in st.session_state:
        return
    st.session_state.update({
        f"{k}officer": filters.officers[0] if filters.officers else EVERYONE,
        f"{k}unassigned": filters.include_unassigned,
        f"{k}signals": list(filters.signals), f"{k}statuses": list(filters.case_statuses),
        f"{k}routes": list(filters.routes), f"{k}schools": list(filters.school_ids),
        f"{k}swv": list(filters.swv_codes), f"{k}grades": list(filters.grades),
        f"{k}ages": (filters.age_min or AGE_RANGE[0], filters.age_max or AGE_RANGE[1]),
        f"{k}categories": list(filters.categories), f"{k}contact": filters.contact_older_than_days,
        f"{k}overdue": filters.overdue_only, f"{k}sort": filters.sort, f"{k}descending": filters.descending,
        f"{k}today": settings.today, f"{k}late": settings.late_threshold, f"{k}silent": settings.contact_days,
    })
    st.session_state[f"{k}search"] = st.session_state.get(SEARCH_KEPT, "")
