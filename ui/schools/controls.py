"""The top of the /scholen page: meeting mode, the selection (gemeente / SWV / bestuur /
scholen) and the settings; plus the widget-state helper the sections share.

Widgets that meeting mode hides keep their value: their keys are re-set at the start of
every run (Streamlit would otherwise forget a widget's value when it is not drawn), and
widgets never get a default argument — their defaults are put in session state first.
"""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from data_access.definitions import Settings, Suppressor
from data_access.users import User
from ui import cache
from ui.schools import data
from ui.schools.charts import ChartStyle
from ui.schools.labels import SCOPE_LABELS
from ui.text import plain

MEETING_KEY = "schools_meeting"
DAYS_KEY = "schools_compliance_days"
DAYS_SETTING_KEY = "schools_compliance_days_setting"  # the setting DAYS_KEY was last given
SCOPE_KEY = "schools_scope"
TAB_KEY = "weergave"  # also the URL parameter: /scholen?weergave=Registratiepilot
KEPT_KEYS = (DAYS_KEY, "schools_trend_categories", "schools_comparison_ascending")

MEETING_CSS = """
<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
header[data-testid="stHeader"], [data-testid="stToolbar"] { display: none !important; }
[data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: 1rem 2.5rem !important; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li,
[data-testid="stWidgetLabel"] p, [data-testid="stSelectbox"] *, [data-testid="stMultiSelect"] *,
[role="radiogroup"] p, [data-testid="stButtonGroup"] p { font-size: 1.35rem !important; }
h1 { font-size: 2.8rem !important; }
h2, h3 { font-size: 2.0rem !important; }
button[data-baseweb="tab"] p { font-size: 1.4rem !important; }
[data-testid="stTable"] table { font-size: 1.25rem !important; }
[data-testid="stAlertContentInfo"] p { font-size: 1.3rem !important; }
</style>
"""


@dataclass(frozen=True)
class Scope:
    """Which schools the trends and the comparison table show."""

    level: str  # municipality | swv | board | schools
    label: str
    school_ids: tuple[int, ...] | None  # None: every school of the municipality
    sectors: tuple[str, ...]

    @property
    def per_school(self) -> bool:
        return self.level == "schools"


@dataclass(frozen=True)
class PageContext:
    user: User
    settings: Settings
    suppressor: Suppressor | None  # None: the role sees every count (leerplicht)
    meeting: bool
    compliance_days: int  # the page's own choice, the setting by default
    scope: Scope | None

    @property
    def style(self) -> ChartStyle:
        return ChartStyle(self.meeting)

    @property
    def suppress(self) -> bool:
        return self.suppressor is not None

    @property
    def threshold(self) -> int:
        return self.settings.suppression_threshold


def remember(key: str, default) -> None:
    """Give a widget key its default once, so the widget itself never needs a default."""
    if key not in st.session_state:
        st.session_state[key] = default


def follow_compliance_setting(configured: int) -> None:
    """The meldtermijn starts at the setting; when beheer changes the setting, a session that
    still shows the old setting follows it (one where the user chose another term keeps it)."""
    given = st.session_state.get(DAYS_SETTING_KEY)
    if given != configured:
        if DAYS_KEY not in st.session_state or st.session_state[DAYS_KEY] == given:
            st.session_state[DAYS_KEY] = configured
        st.session_state[DAYS_SETTING_KEY] = configured


def keep_hidden_widget_values() -> None:
    for key in KEPT_KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def explain(text: str, meeting: bool) -> None:
    """An explanation under a heading or chart; not shown on the projector."""
    if not meeting:
        st.caption(text)


def page_header(user: User) -> PageContext:
    keep_hidden_widget_values()
    remember(MEETING_KEY, False)
    settings = cache.settings()
    follow_compliance_setting(settings.compliance_school_days)
    title, toggle = st.columns([3, 1], vertical_alignment="center")
    title.title("Verzuim per school")
    meeting = toggle.toggle("Vergadermodus", key=MEETING_KEY,
                            help="Grotere grafieken en tekst voor de beamer; knoppen en uitleg verdwijnen.")
    if meeting:
        st.markdown(MEETING_CSS, unsafe_allow_html=True)
    suppressor = cache.suppressor_for(user.roles, settings)
    suppress, threshold = suppressor is not None, settings.suppression_threshold
    explain("Hoe ontwikkelt het verzuim zich, hoe verhouden scholen zich tot elkaar en tot de gemeente, "
            "hoe verschillend registreren en melden scholen, en hielp de registratiepilot? "
            "Alleen geaggregeerde cijfers; geen gegevens van individuele leerlingen."
            + (f" Aantallen kleiner dan {threshold} tonen we als \"<{threshold}\"; een percentage met zo'n "
               "kleine teller of noemer blijft leeg." if suppress else
               " U ziet als leerplichtambtenaar ook kleine aantallen; deel deze niet buiten het team."),
            meeting)
    scope = scope_selector(meeting)
    if not meeting:
        with st.expander("Instellingen", icon=":material/tune:"):
            st.number_input("Meldtermijn voor de meldtrouw (schooldagen)", min_value=1, max_value=40, step=1,
                            key=DAYS_KEY,
                            help="Een 16-uurssignaal telt als op tijd gemeld als er binnen zoveel schooldagen "
                                 "een 16-uursmelding volgde. Standaard: de instelling van beheer "
                                 f"({settings.compliance_school_days}).")
    return PageContext(user, settings, suppressor, meeting, int(st.session_state[DAYS_KEY]), scope)


def scope_selector(meeting: bool) -> Scope | None:
    """Gemeente, one samenwerkingsverband, one board, or chosen schools."""
    register = data.load(data.register)
    if register.empty:
        st.info("Er zijn nog geen scholen in de database. Beheer kan het scholenregister importeren.",
                icon=":material/school:")
        return None
    remember(SCOPE_KEY, "municipality")
    level_col, choice_col = st.columns([3, 2], vertical_alignment="bottom")
    level = level_col.segmented_control("Selectie", list(SCOPE_LABELS), key=SCOPE_KEY,
                                        format_func=SCOPE_LABELS.get) or "municipality"
    if level == "municipality":
        names = sorted(set(register["municipality"]))
        label = names[0] if len(names) == 1 else "alle scholen"
        choice_col.markdown(f"**{len(register)} scholen** in {_join([plain(n) for n in names])}")  # imported names
        return Scope(level, label, None, tuple(sorted(set(register["sector"]))))
    if level in ("swv", "board"):
        column = "swv_code" if level == "swv" else "board"
        options = sorted(set(register[column]))
        remember(f"schools_scope_{level}", options[0])
        chosen = choice_col.selectbox(SCOPE_LABELS[level], options, key=f"schools_scope_{level}")
        part = register[register[column] == chosen]
        return Scope(level, chosen, tuple(part["school_id"]), tuple(sorted(set(part["sector"]))))
    remember("schools_scope_schools", register["name"].head(3).tolist())
    chosen = choice_col.multiselect("Scholen", register["name"].tolist(), key="schools_scope_schools",
                                    placeholder="Kies een of meer scholen")
    if not chosen:
        st.info("Kies een of meer scholen om hun cijfers te zien.", icon=":material/school:")
        return None
    part = register[register["name"].isin(chosen)]
    return Scope(level, ", ".join(chosen), tuple(part["school_id"]), tuple(sorted(set(part["sector"]))))


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]
