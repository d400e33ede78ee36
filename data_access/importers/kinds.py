"""One declarative spec per import kind: columns with Dutch/English aliases, type, range, reference.

The spec is the single source for reading (header aliases), validation (types, ranges,
references), the templates' column documentation and the CLI's list of kinds.
Header matching ignores case, accents, spaces, hyphens, dots and underscores, so
"Geboorte datum", "geboorte-datum" and "GEBOORTEDATUM" are all ``geboortedatum``.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field, replace

from data_access.definitions.absence import CATEGORIES
from data_access.models import (
    CASE_OUTCOMES, CONTACT_CHANNELS, CONTACT_TARGETS, INTERVENTION_KINDS, LIGHTS, MELDING_KINDS, MELDING_STATUSES,
    OUTCOME_EXPLANATIONS, PERIOD_KINDS,
)

# Column types
TEXT, INT, FLOAT, DATE, BOOL, CHOICE, SCHOOL_YEAR = "text", "int", "float", "date", "bool", "choice", "schoolyear"

TYPE_LABELS = {
    TEXT: "tekst", INT: "geheel getal", FLOAT: "getal (komma of punt)", DATE: "datum (dd-mm-jjjj of jjjj-mm-dd)",
    BOOL: "ja/nee", CHOICE: "keuze", SCHOOL_YEAR: "schooljaar (2023/24)",
}

MAX_HOURS_PER_DAY = 8.0
DEFAULT_LESSON_MINUTES = 60  # 1 lesuur = 1 uur unless the user says otherwise


def norm_key(text: str) -> str:
    """Normalise a header or a choice value: no accents, lower case, only a-z0-9."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", text.lower())


@dataclass(frozen=True)
class Column:
    name: str                      # canonical header (as in the template)
    type: str = TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()
    description: str = ""
    example: str = ""
    min: float | None = None
    max: float | None = None
    max_length: int | None = None
    choices: dict[str, str] | None = None   # accepted spelling → stored value
    shown: tuple[str, ...] = ()             # the spellings the template and messages name (default: stored values)
    pattern: str | None = None              # regex on the normalised text (fullmatch)
    pattern_hint: str = ""
    upper: bool = False                     # store upper case, spaces removed (codes, postcodes)
    reference: str | None = None            # "school", "pupil", "action", "reporting_period"
    not_future: bool = False
    min_date: str | None = None             # ISO
    personal: bool = False                  # masked in the preview

    def accepted_names(self) -> set[str]:
        return {norm_key(self.name), *(norm_key(a) for a in self.aliases)}

    def choice_map(self) -> dict[str, str]:
        return {norm_key(k): v for k, v in (self.choices or {}).items()}

    def allowed_text(self) -> str:
        """The values a choice column offers, as the template and an error message name them."""
        return ", ".join(self.shown or sorted(set((self.choices or {}).values())))

    @property
    def type_label(self) -> str:
        if self.type == CHOICE and self.choices:
            return "een van: " + self.allowed_text()
        return TYPE_LABELS[self.type]

    def range_label(self) -> str:
        parts = []
        if self.min is not None and self.max is not None:
            parts.append(f"{_num(self.min)} t/m {_num(self.max)}")
        elif self.min is not None:
            parts.append(f"minimaal {_num(self.min)}")
        elif self.max is not None:
            parts.append(f"maximaal {_num(self.max)}")
        if self.max_length:
            parts.append(f"max. {self.max_length} tekens")
        if self.not_future:
            parts.append("niet in de toekomst")
        if self.min_date:
            y, m, d = self.min_date.split("-")
            parts.append(f"niet vóór {d}-{m}-{y}")
        if self.pattern_hint:
            parts.append(self.pattern_hint)
        if self.reference:
            parts.append({"school": "vestiging moet bestaan", "pupil": "leerling moet bestaan",
                          "action": "LEA-actie moet bestaan",
                          "reporting_period": "rapportageperiode moet bestaan"}[self.reference])
        return "; ".join(parts)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    table: str
    columns: tuple[Column, ...]
    description: str
    one_of: tuple[tuple[str, ...], ...] = ()   # at least one of these columns must be in the header
    replace_period: bool = False               # supports "periode vervangen"
    period_column: str | None = None
    uses_codes: bool = False
    order: int = 0
    extra: dict = field(default_factory=dict)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    def header_map(self) -> dict[str, str]:
        """Normalised accepted header → canonical column name."""
        mapping: dict[str, str] = {}
        for col in self.columns:
            for key in col.accepted_names():
                mapping[key] = col.name
        return mapping


# --- shared columns ---------------------------------------------------------------------------

VESTIGING_PATTERN = r"[0-9A-Z]{4}[0-9]{2}"

SCHOOL_REF = Column(
    "vestigingsnummer", TEXT, aliases=("vestiging", "vestigingsnr", "brin_vestiging", "brinvestiging",
                                       "brinvest", "vestigingscode", "location_number", "school_location"),
    description="BRIN + 2 cijfers van de vestiging, bijv. 04ZO00", example="04ZO00",
    pattern=VESTIGING_PATTERN, pattern_hint="4 tekens BRIN + 2 cijfers", upper=True, reference="school",
)
PUPIL_REF = Column(
    "pseudoniem", TEXT, required=True,
    aliases=("pseudonym", "leerling_pseudoniem", "pseudo_id", "pupil_pseudonym", "leerlingpseudoniem"),
    description="vaste, willekeurige code van de leerling (geen BSN)", example="LL000001",
    max_length=16, pattern=r"[A-Za-z0-9_\-]{1,16}", pattern_hint="letters, cijfers, - of _",
    reference="pupil",
)
OFFICER = Column(
    "leerplichtambtenaar", TEXT, aliases=("lpa", "officer", "medewerker", "behandelaar", "consulent"),
    description="gebruikersnaam of naam van de leerplichtambtenaar", example="lpa.jansen", max_length=64,
)
SCHOOL_YEAR_COL = Column(
    "schooljaar", SCHOOL_YEAR, aliases=("school_year", "schoolyear", "jaar"),
    description="schooljaar, bijv. 2023/24 (2023-2024 en 2023 mag ook)", example="2023/24",
)

SECTOR_CHOICES = {
    "BAO": "BAO", "BO": "BAO", "basisonderwijs": "BAO", "basisschool": "BAO", "primair onderwijs": "BAO",
    "SBAO": "SBAO", "SBO": "SBAO", "speciaal basisonderwijs": "SBAO",
    "SO": "SO", "VSO": "SO", "speciaal onderwijs": "SO", "(v)so": "SO",
    "VO": "VO", "voortgezet onderwijs": "VO",
}
CATEGORY_CHOICES = {
    **{c: c for c in CATEGORIES if c != "onbekend"},
    "te laat": "te_laat", "laat": "te_laat", "telaat": "te_laat", "late": "te_laat",
    "luxeverzuim": "luxe", "luxe verzuim": "luxe",
    "ongeoorloofd verzuim": "ongeoorloofd", "unauthorised": "ongeoorloofd", "unauthorized": "ongeoorloofd",
    "ziekte": "ziek", "sick": "ziek", "ziekmelding": "ziek",
    "geoorloofd verzuim": "geoorloofd", "authorised": "geoorloofd", "authorized": "geoorloofd",
    "verlof": "geoorloofd", "geschorst": "schorsing", "suspension": "schorsing",
}
# DUO's verzuimsoorten as its verzuimregister writes them (the first spelling per kind: the words
# the template names, also the labels on screen, ui/labels.py), their common abbreviations, and the
# codes stored (MELDING_KINDS). Matching ignores case, accents, spaces and punctuation (norm_key).
MELDING_DUO_WORDS = {
    "16_uur": "16 uur in 4 lesweken", "lrv": "langdurig relatief verzuim (> 4 weken)", "luxe": "luxe verzuim",
    "signaal": "signaalverzuim", "zorgwekkend_ziek": "zorgwekkend ziekteverzuim", "te_laat": "te laat",
    "overig": "overig verzuim", "rmc": "verzuim 18+ (RMC)",
}
MELDING_CHOICES = {
    **{k: k for k in MELDING_KINDS},
    **{word: kind for kind, word in MELDING_DUO_WORDS.items()},
    "16 uur": "16_uur", "16uur": "16_uur", "16-uursmelding": "16_uur", "16 uursmelding": "16_uur",
    "16 uur in 4 weken": "16_uur", "16 uur in 4 lesweken": "16_uur", "16u": "16_uur",
    "relatief verzuim": "16_uur", "relatief verzuim 16 uur": "16_uur",
    "ongeoorloofd verzuim 16 uur": "16_uur", "relatief verzuim 16 uur in 4 lesweken": "16_uur",
    "langdurig relatief verzuim": "lrv", "langdurig relatief verzuim > 4 weken": "lrv",
    "luxeverzuim": "luxe", "signaal": "signaal",
    "zorgwekkend ziek": "zorgwekkend_ziek", "te laat komen": "te_laat", "telaat": "te_laat",
    "overig": "overig", "anders": "overig", "other": "overig",
    "rmc": "rmc", "18+": "rmc", "verzuim 18+": "rmc", "rmc 18+": "rmc", "18+ rmc": "rmc", "rmc-melding": "rmc",
    "18+ zonder startkwalificatie": "rmc",
}
# A melding's status: DUO's words first (geregistreerd is stored as "open", afgesloten as "afgerond",
# ter kennisgeving aangenomen as "ter_kennisgeving"), then abbreviations and the words of earlier files.
MELDING_STATUS_DUO_WORDS = {
    "open": "geregistreerd", "in_behandeling": "in behandeling", "afgerond": "afgesloten",
    "ingetrokken": "ingetrokken", "ter_kennisgeving": "ter kennisgeving aangenomen",
}
MELDING_STATUS_CHOICES = {
    **{s: s for s in MELDING_STATUSES},
    **{word: status for status, word in MELDING_STATUS_DUO_WORDS.items()},
    "nieuw": "open", "gemeld": "open", "in behandeling genomen": "in_behandeling", "ib": "in_behandeling",
    "lopend": "in_behandeling", "afgehandeld": "afgerond", "gesloten": "afgerond",
    "ter kennisgeving": "ter_kennisgeving", "tkn": "ter_kennisgeving", "tka": "ter_kennisgeving",
    "teruggetrokken": "ingetrokken",
}
# A case's outcome and its explanation in DUO's words (the labels on screen, ui/labels.py), and what
# an officer did in a case, with common abbreviations (issue 18).
CASE_OUTCOME_DUO_WORDS = {
    "terug_naar_school": "terug naar school / opleiding hervat",
    "beeindigd_andere_opleiding": "inschrijving beëindigd, andere opleiding",
    "beeindigd_werk": "inschrijving beëindigd, werk",
    "beeindigd_overig": "inschrijving beëindigd, overige redenen",
    "overleden": "leerling overleden",
    "langdurig_ziek": "geen verzuim, langdurig ziek",
    "legitiem_afwezig": "geen verzuim, legitiem afwezig",
}
CASE_OUTCOME_CHOICES = {
    **{c: c for c in CASE_OUTCOMES},
    **{word: code for code, word in CASE_OUTCOME_DUO_WORDS.items()},
    "terug naar school": "terug_naar_school", "opleiding hervat": "terug_naar_school",
    "andere opleiding": "beeindigd_andere_opleiding", "werk": "beeindigd_werk",
    "overige redenen": "beeindigd_overig", "langdurig ziek": "langdurig_ziek",
    "legitiem afwezig": "legitiem_afwezig",
}
OUTCOME_EXPLANATION_DUO_WORDS = {
    "gezien_door_gemeente": "leerling gezien door gemeente", "actie_richting_leerling": "actie richting leerling",
    "geen_actie_meer": "geen actie meer",
}
OUTCOME_EXPLANATION_CHOICES = {
    **{c: c for c in OUTCOME_EXPLANATIONS},
    **{word: code for code, word in OUTCOME_EXPLANATION_DUO_WORDS.items()},
    "gezien door gemeente": "gezien_door_gemeente",
}
INTERVENTION_WORDS = {
    "gesprek": "gesprek", "huisbezoek": "huisbezoek",
    "verwijzing_jeugdconsulent": "verwijzing hulpverlening: jeugdconsulent",
    "verwijzing_ggd": "verwijzing hulpverlening: GGD", "verwijzing_wijkteam": "verwijzing hulpverlening: wijkteam",
    "zorgadviesteam": "zorgadviesteam/OZA", "halt": "HALT", "proces_verbaal": "proces-verbaal",
    "vrijstelling_aangevraagd": "vrijstelling aangevraagd",
}
INTERVENTION_CHOICES = {
    **{c: c for c in INTERVENTION_KINDS},
    **{word: code for code, word in INTERVENTION_WORDS.items()},
    "jeugdconsulent": "verwijzing_jeugdconsulent", "ggd": "verwijzing_ggd", "wijkteam": "verwijzing_wijkteam",
    "zat": "zorgadviesteam", "oza": "zorgadviesteam", "pv": "proces_verbaal", "proces verbaal": "proces_verbaal",
    "vrijstelling": "vrijstelling_aangevraagd", "thuisbezoek": "huisbezoek",
}
TARGET_CHOICES = {
    **{t: t for t in CONTACT_TARGETS},
    "gezin": "family", "ouders": "family", "ouder": "family", "ouder(s)": "family",
    "jongere": "youth", "leerling": "youth", "kind": "youth",
    "ketenpartner": "partner", "samenwerkingspartner": "partner",
}
CHANNEL_CHOICES = {
    **{c: c for c in CONTACT_CHANNELS},
    "telefoon": "phone", "telefonisch": "phone", "bellen": "phone", "e-mail": "email", "mail": "email",
    "brief": "letter", "post": "letter", "huisbezoek": "home_visit", "home visit": "home_visit",
    "schoolbezoek": "school_visit", "school visit": "school_visit", "overleg": "meeting",
    "gesprek": "meeting", "bespreking": "meeting", "nieuwsbrief": "newsletter",
    "informatiebijeenkomst": "info_session", "voorlichting": "info_session", "info session": "info_session",
}
LIGHT_CHOICES = {
    **{c: c for c in LIGHTS}, "green": "groen", "orange": "oranje", "amber": "oranje", "geel": "oranje",
    "red": "rood",
}
PERIOD_CHOICES = {
    **{k: k for k in PERIOD_KINDS},
    "covid sluiting": "covid_sluiting", "schoolsluiting": "covid_sluiting", "sluiting": "covid_sluiting",
    "covid gedeeltelijk": "covid_gedeeltelijk", "gedeeltelijk open": "covid_gedeeltelijk",
    "halve groepen": "covid_gedeeltelijk", "holiday": "vakantie", "studiedagen": "studiedag",
    "anders": "overig",
}
NO_SECTOR = {"", "alle", "all", "allesectoren", "iedereen"}


# --- the kinds ------------------------------------------------------------------------------

SCHOOLS = Kind(
    key="scholen", label="Scholenregister (vestigingen)", table="school", order=1,
    description=(
        "Het register van schoolvestigingen, bijvoorbeeld het open-databestand van DUO "
        "(duo_po_vestigingen.csv). Een vestiging die al bestaat wordt bijgewerkt (naam, postcode, …); "
        "dezelfde levering nog eens importeren verandert niets."
    ),
    columns=(
        Column("vestigingsnummer", TEXT, required=True, aliases=SCHOOL_REF.aliases,
               description=SCHOOL_REF.description, example="04ZO00", pattern=VESTIGING_PATTERN,
               pattern_hint=SCHOOL_REF.pattern_hint, upper=True),
        Column("brin", TEXT, aliases=("brinnummer", "brin_nummer", "instellingscode", "brin_code"),
               description="4 tekens; moet gelijk zijn aan het begin van het vestigingsnummer",
               example="04ZO", pattern=r"[0-9A-Z]{4}", pattern_hint="4 tekens", upper=True),
        Column("vestigingsnaam", TEXT, required=True,
               aliases=("naam", "schoolnaam", "naam_vestiging", "name", "school_name", "vestiging_naam"),
               description="naam van de vestiging", example="OBS De Esdoorn", max_length=200),
        Column("gemeente", TEXT, aliases=("gemeentenaam", "municipality", "gemeente_naam"),
               description="gemeente van de vestiging", example="Coevorden", max_length=100),
        Column("postcode", TEXT, aliases=("postal_code", "zip", "postcode_vestiging"),
               description="postcode, bijv. 7741AB (spatie mag)", example="7741AB",
               pattern=r"[0-9]{4}[A-Z]{2}", pattern_hint="4 cijfers + 2 letters", upper=True),
        Column("soort", CHOICE, required=True,
               aliases=("sector", "onderwijssoort", "soort_onderwijs", "type", "schoolsoort"),
               description="BAO, SBAO, SO of VO", example="BAO", choices=SECTOR_CHOICES),
        Column("bestuur", TEXT, aliases=("bevoegd_gezag", "schoolbestuur", "board"),
               description="schoolbestuur", example="Stichting Openbaar Onderwijs", max_length=200),
        Column("swv", TEXT, aliases=("samenwerkingsverband", "swv_code", "swvcode"),
               description="code van het samenwerkingsverband", example="PO2201", max_length=20),
        Column("pilot_start", DATE, aliases=("pilotstart", "start_pilot", "startdatum_pilot"),
               description="startdatum van de registratiepilot (leeg: doet niet mee)", example=""),
        Column("adviezen_groep8_2019_2025", INT,
               aliases=("adviezen_groep8", "adviezen", "size_proxy", "omvang"),
               description="aantal schooladviezen groep 8, 2019/20–2024/25 (maat voor de omvang)",
               example="83", min=0, max=100_000),
        Column("eigen_gemeente", BOOL, aliases=("in_scope", "binnen_gemeente", "in_gemeente"),
               description="ja: vestiging hoort bij de eigen gemeente (leeg: ongewijzigd, nieuw = ja)",
               example="ja"),
    ),
)

ENROLMENTS = Kind(
    key="inschrijvingen", label="Leerlingaantallen per schooljaar", table="school_enrolment", order=2,
    description=(
        "Het aantal ingeschreven leerlingen per vestiging op de teldatum 1 oktober, per schooljaar "
        "(de noemer van verzuimpercentages). Een bestaand aantal wordt bijgewerkt."
    ),
    columns=(
        Column("vestigingsnummer", TEXT, required=True, aliases=SCHOOL_REF.aliases,
               description=SCHOOL_REF.description, example="04ZO00", pattern=VESTIGING_PATTERN,
               pattern_hint=SCHOOL_REF.pattern_hint, upper=True, reference="school"),
        Column("schooljaar", SCHOOL_YEAR, required=True, aliases=SCHOOL_YEAR_COL.aliases,
               description=SCHOOL_YEAR_COL.description, example="2023/24", not_future=True),
        Column("leerlingen", INT, required=True,
               aliases=("aantal", "aantal_leerlingen", "pupils", "leerlingaantal", "inschrijvingen"),
               description="aantal leerlingen op 1 oktober", example="212", min=0, max=10_000),
    ),
)

PUPILS = Kind(
    key="leerlingen", label="Leerlingen", table="pupil", order=3,
    description=(
        "Leerlingen met pseudoniem, naam, geboortedatum en huidige school. Met vestigingsnummer en "
        "groep wordt ook de inschrijving voor het schooljaar vastgelegd (kolom schooljaar, anders de "
        "optie schooljaar, anders het lopende schooljaar). Een bestaande leerling wordt bijgewerkt."
    ),
    columns=(
        replace(PUPIL_REF, **{"reference": None}),
        Column("voornaam", TEXT, required=True, aliases=("roepnaam", "first_name", "firstname", "given_name"),
               description="roepnaam", example="Sanne", max_length=100, personal=True),
        Column("tussenvoegsel", TEXT, aliases=("tussenvoegsels", "voorvoegsel", "prefix"),
               description="wordt vóór de achternaam gezet", example="van", max_length=20, personal=True),
        Column("achternaam", TEXT, required=True,
               aliases=("last_name", "lastname", "surname", "familienaam", "geslachtsnaam"),
               description="achternaam", example="Dijk", max_length=100, personal=True),
        Column("geboortedatum", DATE, required=True, aliases=("birth_date", "birthdate", "geb_datum", "dob"),
               description="geboortedatum", example="14-03-2015", not_future=True, min_date="1990-01-01",
               personal=True),
        Column("vestigingsnummer", TEXT, aliases=SCHOOL_REF.aliases, description="huidige vestiging",
               example="04ZO00", pattern=VESTIGING_PATTERN, pattern_hint=SCHOOL_REF.pattern_hint,
               upper=True, reference="school"),
        Column("groep", INT, aliases=("leerjaar", "grade", "groep_leerjaar", "jaargroep"),
               description="groep (PO 1–8) of leerjaar (VO 1–6)", example="4", min=1, max=8),
        Column("schooljaar", SCHOOL_YEAR, aliases=SCHOOL_YEAR_COL.aliases,
               description="schooljaar van de inschrijving", example="2023/24", not_future=True),
    ),
)

CODES = Kind(
    key="verzuimcodes", label="Verzuimcodes (codetabel)", table="absence_code", order=4,
    description=(
        "De codetabel: welke verzuimcode uit het leerlingadministratiesysteem (LAS) bij welke "
        "categorie hoort. Bron * geldt voor elk LAS; een bron-specifieke regel gaat voor. "
        "Registraties die eerder als 'onbekend' zijn geïmporteerd krijgen de nieuwe categorie."
    ),
    columns=(
        Column("bron", TEXT, aliases=("source", "las", "pakket", "systeem"),
               description="LAS (bijv. ParnasSys, Magister) of * voor elk systeem", example="*",
               max_length=40),
        Column("code", TEXT, required=True, aliases=("verzuimcode", "las_code", "absentiecode"),
               description="code zoals in het LAS (hoofdletters maken niet uit)", example="ZI",
               max_length=10, pattern=r"[A-Z0-9_\-+./]{1,10}", pattern_hint="max. 10 tekens, geen spaties",
               upper=True),
        Column("categorie", CHOICE, required=True, aliases=("category", "soort_verzuim", "verzuimsoort"),
               description="ongeoorloofd, te_laat, luxe, ziek, geoorloofd of schorsing", example="ziek",
               choices=CATEGORY_CHOICES),
        Column("omschrijving", TEXT, aliases=("description", "toelichting", "betekenis"),
               description="betekenis van de code", example="Ziek gemeld door ouders", max_length=200),
    ),
)

ABSENCE = Kind(
    key="verzuim", label="Verzuimregistraties", table="absence", order=5, uses_codes=True,
    replace_period=True, period_column="datum",
    description=(
        "Geregistreerd verzuim per leerling per dag met de verzuimcode uit het LAS. Uren of lesuren "
        f"(lesuren × lesduur / 60; standaard {DEFAULT_LESSON_MINUTES} minuten). Per leerling per dag "
        f"samen hoogstens {int(MAX_HOURS_PER_DAY)} uur. De code gaat via de codetabel naar een categorie; "
        "een onbekende code stopt de import, tenzij u kiest voor 'als onbekend importeren'. "
        "Een regel die al precies zo bestaat wordt overgeslagen; met 'periode vervangen' vervangt de "
        "levering per school alle registraties van de eerste t/m de laatste datum in het bestand."
    ),
    one_of=(("uren", "lesuren"),),
    columns=(
        Column("datum", DATE, required=True, aliases=("date", "verzuimdatum", "absentiedatum", "dag"),
               description="dag van het verzuim", example="02-10-2023", not_future=True,
               min_date="2000-01-01", personal=True),
        PUPIL_REF,
        replace(SCHOOL_REF, **{"description": "vestiging (leeg: de huidige school van de leerling)"}),
        Column("uren", FLOAT, aliases=("hours", "aantal_uren", "duur", "duur_uren", "verzuimuren"),
               description="uren verzuim (decimale komma mag)", example="5,5", min=0, max=MAX_HOURS_PER_DAY,
               personal=True),
        Column("lesuren", FLOAT, aliases=("lessen", "aantal_lesuren", "lesson_periods", "lesuur"),
               description="lesuren (als uren leeg is); omgerekend met de lesduur", example="",
               min=0, max=16, personal=True),
        Column("code", TEXT, required=True, aliases=("verzuimcode", "las_code", "absentiecode", "reden_code",
                                                     "reason_code", "absence_code"),
               description="verzuimcode uit het LAS", example="ZI", max_length=10, upper=True),
        Column("bron", TEXT, aliases=("source", "las", "pakket"),
               description="LAS van de code (leeg: optie bron, anders *)", example="", max_length=40),
        Column("schooljaar", SCHOOL_YEAR, aliases=SCHOOL_YEAR_COL.aliases,
               description="schooljaar van de levering; datums erbuiten worden afgewezen", example="2023/24"),
        Column("registratiedatum", DATE, aliases=("geregistreerd_op", "registered_on", "invoerdatum"),
               description="datum waarop de school het verzuim registreerde", example="02-10-2023",
               not_future=True, min_date="2000-01-01"),
    ),
)

MELDINGEN = Kind(
    key="verzuimmeldingen", label="Verzuimmeldingen", table="verzuimmelding", order=6,
    replace_period=True, period_column="meldingsdatum",
    description=(
        "Meldingen van verzuim aan leerplicht (via het DUO-verzuimregister), met DUO's verzuimsoorten en "
        "statussen. Sleutel: leerling, soort en meldingsdatum; een bestaande melding wordt bijgewerkt "
        "(status, uitkomst, meldingsnummer en de andere velden in het bestand)."
    ),
    columns=(
        PUPIL_REF,
        replace(SCHOOL_REF, **{"description": "vestiging (leeg: de huidige school van de leerling)"}),
        Column("soort", CHOICE, required=True,
               aliases=("kind", "soort_melding", "meldingsoort", "type", "verzuimsoort", "soort_verzuim"),
               description="verzuimsoort zoals DUO die schrijft, of een afkorting (16 uur, LRV, luxe, signaal, …)",
               example="16 uur in 4 lesweken", choices=MELDING_CHOICES, shown=tuple(MELDING_DUO_WORDS.values())),
        Column("meldingsnummer", TEXT, aliases=("meldingnummer", "melding_nummer", "meldingsnr", "nummer_melding",
                                                "duo_meldingsnummer"),
               description="nummer van de melding in het DUO-verzuimregister", example="2023004711",
               max_length=30),
        Column("startdatum_verzuim", DATE, aliases=("absence_start", "begin_verzuim", "start_verzuim",
                                                    "eerste_verzuimdag", "begindatum_verzuim"),
               description="eerste dag van het gemelde verzuim", example="11-09-2023", not_future=True,
               min_date="2000-01-01"),
        Column("einddatum_verzuim", DATE, aliases=("absence_end", "eind_verzuim", "einde_verzuim",
                                                   "laatste_verzuimdag", "verzuim_tot"),
               description="laatste dag van het gemelde verzuim (niet vóór de startdatum)", example="04-10-2023",
               not_future=True, min_date="2000-01-01"),
        Column("meldingsdatum", DATE, required=True, aliases=("reported_on", "datum_melding", "gemeld_op",
                                                              "melddatum"),
               description="datum van de melding", example="06-10-2023", not_future=True,
               min_date="2000-01-01"),
        Column("uren", FLOAT, aliases=("hours", "aantal_uren", "verzuimuren"),
               description="gemelde uren verzuim", example="17", min=0, max=2000),
        Column("status", CHOICE, aliases=("state", "status_melding", "meldingstatus"),
               description="status zoals DUO die schrijft, of een afkorting (in behandeling, afgesloten, tkn, …); "
                           "leeg: geregistreerd",
               example="geregistreerd", choices=MELDING_STATUS_CHOICES,
               shown=tuple(MELDING_STATUS_DUO_WORDS.values())),
        Column("vermoedelijke_reden", TEXT, aliases=("reden", "vermoedelijke_oorzaak", "reden_verzuim",
                                                     "suspected_reason"),
               description="vermoedelijke reden van het verzuim volgens de school (persoonsgegevens)",
               example="problemen thuis", max_length=200, personal=True),
        Column("actie_door_school", TEXT, aliases=("actie_school", "ondernomen_actie", "acties_school",
                                                   "school_action"),
               description="wat de school al deed (persoonsgegevens)", example="gesprek met ouders",
               max_length=200, personal=True),
        Column("actie_gewenst", TEXT, aliases=("gewenste_actie", "actie_gewenst_leerplicht", "action_wanted"),
               description="welke actie de school van leerplicht vraagt (persoonsgegevens)",
               example="gesprek leerplicht met ouders", max_length=200, personal=True),
        Column("uitkomst", TEXT, aliases=("outcome", "resultaat", "afdoening"),
               description="bijv. gesprek, waarschuwing, proces-verbaal", example="", max_length=40),
        OFFICER,
    ),
)

CONTACTS = Kind(
    key="contacten", label="Contacten", table="contact", order=7,
    replace_period=True, period_column="datum",
    description=(
        "Contacten van leerplichtambtenaren met scholen, gezinnen, jongeren en partners. Doelgroep "
        "school vraagt een vestigingsnummer, gezin en jongere een pseudoniem. Een regel die al precies "
        "zo bestaat wordt overgeslagen."
    ),
    columns=(
        Column("datum", DATE, required=True, aliases=("date", "contactdatum", "datum_contact"),
               description="datum van het contact", example="12-10-2023", not_future=True,
               min_date="2000-01-01"),
        Column("leerplichtambtenaar", TEXT, required=True, aliases=OFFICER.aliases,
               description=OFFICER.description, example="lpa.jansen", max_length=64),
        Column("doelgroep", CHOICE, required=True, aliases=("target", "met", "contact_met", "contactpersoon"),
               description="school, gezin, jongere of partner", example="school", choices=TARGET_CHOICES),
        Column("kanaal", CHOICE, required=True, aliases=("channel", "contactvorm", "vorm", "medium"),
               description="telefoon, e-mail, brief, huisbezoek, schoolbezoek, overleg, nieuwsbrief, "
                           "informatiebijeenkomst", example="schoolbezoek", choices=CHANNEL_CHOICES),
        Column("doel", TEXT, aliases=("purpose", "aanleiding"), description="doel van het contact",
               example="verzuimspreekuur", max_length=60),
        Column("onderwerp", TEXT, aliases=("topic", "thema"), description="onderwerp",
               example="registratie verzuim", max_length=200),
        Column("bereikt", BOOL, aliases=("reached", "gelukt", "contact_gelegd"),
               description="ja/nee (leeg: ja)", example="ja"),
        Column("leidde_tot_zorg", BOOL, aliases=("led_to_concern", "zorgmelding", "nieuwe_casus"),
               description="ja/nee (leeg: nee)", example="nee"),
        replace(SCHOOL_REF, **{"description": "vestiging (leeg bij gezin/jongere: school van de leerling)"}),
        replace(PUPIL_REF, **{"required": False,
                               "description": "leerling (verplicht bij doelgroep gezin of jongere)",
                               "example": ""}),
        Column("notities", TEXT, aliases=("notes", "notitie", "verslag", "opmerking", "opmerkingen"),
               description="notities (persoonsgegevens: alleen voor leerplicht zichtbaar)", example="",
               max_length=4000, personal=True),
    ),
)

CASES = Kind(
    key="casussen", label="Zorgcasussen (jongeren in beeld)", table="concern", order=8,
    description=(
        "Jongeren over wie zorg bestaat. Sleutel: leerling, geopend op en bron; een bestaande casus "
        "wordt bijgewerkt (status, fase, volgende actie, gesloten op)."
    ),
    columns=(
        PUPIL_REF,
        Column("geopend_op", DATE, required=True, aliases=("opened_on", "startdatum", "datum_geopend",
                                                          "aanmelddatum"),
               description="datum waarop de casus is geopend", example="02-10-2023", not_future=True,
               min_date="2000-01-01"),
        Column("bron", TEXT, required=True, aliases=("source", "aangemeld_door", "melder"),
               description="bijv. school, GGD, jeugdconsulent", example="school", max_length=40),
        Column("reden", TEXT, required=True, aliases=("reason", "aanleiding", "zorg"),
               description="reden van zorg", example="veel ongeoorloofd verzuim", max_length=200,
               personal=True),
        Column("status", TEXT, aliases=("state",), description="open, in_behandeling of gesloten",
               example="open", max_length=20),
        Column("mas_route", TEXT, aliases=("mas", "route"), description="MAS-route", example="",
               max_length=40),
        Column("fase", TEXT, aliases=("phase",), description="fase", example="", max_length=40),
        OFFICER,
        Column("volgende_actie", TEXT, aliases=("next_action", "actie"), description="volgende actie",
               example="huisbezoek", max_length=200, personal=True),
        Column("volgende_actie_op", DATE, aliases=("next_action_on", "datum_volgende_actie"),
               description="datum van de volgende actie (mag in de toekomst)", example="16-10-2023",
               min_date="2000-01-01"),
        Column("gesloten_op", DATE, aliases=("closed_on", "einddatum", "datum_gesloten"),
               description="datum van sluiten (niet vóór geopend op)", example="", not_future=True,
               min_date="2000-01-01"),
        Column("uitkomst", CHOICE, aliases=("outcome", "reden_beeindiging", "afsluitreden", "reden_sluiten"),
               description="reden van sluiten zoals de gemeente die aan DUO meldt (alleen bij een gesloten casus)",
               example="", choices=CASE_OUTCOME_CHOICES, shown=tuple(CASE_OUTCOME_DUO_WORDS.values())),
        Column("toelichting_uitkomst", CHOICE, aliases=("outcome_explanation", "toelichting_afsluiting"),
               description="toelichting bij het sluiten (alleen bij een gesloten casus)", example="",
               choices=OUTCOME_EXPLANATION_CHOICES, shown=tuple(OUTCOME_EXPLANATION_DUO_WORDS.values())),
    ),
)

INTERVENTIONS = Kind(
    key="interventies", label="Interventies in zorgcasussen", table="intervention", order=9,
    description=(
        "Wat de leerplichtambtenaar in een casus deed (gesprek, huisbezoek, verwijzing, HALT, …), met datum. "
        "De casus wordt gevonden aan leerling, openingsdatum en bron, zoals in het casussenbestand; "
        "dezelfde interventie op dezelfde datum nog eens importeren verandert niets."
    ),
    columns=(
        PUPIL_REF,
        Column("casus_geopend_op", DATE, required=True, aliases=("geopend_op", "opened_on", "casus_datum"),
               description="openingsdatum van de casus", example="09-10-2023", not_future=True,
               min_date="2000-01-01"),
        Column("bron", TEXT, required=True, aliases=("source", "casus_bron"),
               description="bron van de casus, zoals in het casussenbestand", example="school", max_length=40),
        Column("soort", CHOICE, required=True, aliases=("interventie", "kind", "soort_interventie", "actie"),
               description="soort interventie (gesprek, huisbezoek, jeugdconsulent, GGD, wijkteam, OZA, HALT, pv, …)",
               example="gesprek", choices=INTERVENTION_CHOICES, shown=tuple(INTERVENTION_WORDS.values())),
        Column("datum", DATE, required=True, aliases=("date", "datum_interventie"),
               description="datum van de interventie (niet vóór de opening van de casus)", example="12-10-2023",
               not_future=True, min_date="2000-01-01"),
        OFFICER,
    ),
)

STATUS_REPORTS = Kind(
    key="statusrapportages", label="Statusrapportages LEA-acties", table="status_report", order=10,
    description=(
        "Stand van LEA-acties per rapportageperiode: kwaliteit, tijd en geld als groen, oranje of rood. "
        "Oorzaak, gevolg en maatregel zijn verplicht tenzij alles groen is. Rapportages worden alleen "
        "toegevoegd (nooit gewijzigd); een rapportage die al precies zo bestaat wordt overgeslagen."
    ),
    columns=(
        Column("actiecode", TEXT, required=True, aliases=("actie", "code", "action_code", "action"),
               description="code van de LEA-actie", example="A1", max_length=20, reference="action"),
        Column("rapportageperiode", TEXT, required=True, aliases=("periode", "reporting_period",
                                                                  "rapportage_periode"),
               description="naam van de rapportageperiode", example="2024-T1", max_length=60,
               reference="reporting_period"),
        Column("kwaliteit", CHOICE, required=True, aliases=("quality",), description="groen, oranje of rood",
               example="oranje", choices=LIGHT_CHOICES),
        Column("tijd", CHOICE, required=True, aliases=("time",), description="groen, oranje of rood",
               example="oranje", choices=LIGHT_CHOICES),
        Column("geld", CHOICE, required=True, aliases=("money", "financien", "budget"),
               description="groen, oranje of rood", example="groen", choices=LIGHT_CHOICES),
        Column("oorzaak", TEXT, aliases=("cause",), description="oorzaak (verplicht tenzij alles groen)",
               example="minder scholen dan gepland", max_length=2000),
        Column("gevolg", TEXT, aliases=("consequence",), description="gevolg (verplicht tenzij alles groen)",
               example="evaluatie schuift op", max_length=2000),
        Column("maatregel", TEXT, aliases=("measure", "maatregelen"),
               description="maatregel (verplicht tenzij alles groen)", example="extra scholen benaderd",
               max_length=2000),
        Column("auteur", TEXT, aliases=("author", "opgesteld_door"),
               description="opsteller (leeg: wie importeert)", example="beleidsmedewerker", max_length=64),
        Column("datum", DATE, aliases=("created_at", "aangemaakt_op", "rapportagedatum"),
               description="datum van de rapportage (leeg: nu)", example="30-04-2024", not_future=True,
               min_date="2000-01-01"),
    ),
)

PERIODS = Kind(
    key="perioden", label="Perioden (vakanties, sluitingen, pilot)", table="period", order=11,
    description=(
        "Benoemde perioden: vakanties en studiedagen (de schoolkalender), COVID-sluitingen, de pilot. "
        "Sleutel: soort, sector en begin; een bestaande periode wordt bijgewerkt (naam, einde). "
        "Perioden mogen in de toekomst liggen."
    ),
    columns=(
        Column("naam", TEXT, required=True, aliases=("name", "omschrijving", "periode"),
               description="naam van de periode", example="Herfstvakantie 2023", max_length=100),
        Column("soort", CHOICE, required=True, aliases=("kind", "type", "soort_periode"),
               description="covid_sluiting, covid_gedeeltelijk, vakantie, studiedag, pilot of overig",
               example="vakantie", choices=PERIOD_CHOICES),
        Column("sector", TEXT, aliases=("onderwijssoort",),
               description="BAO, SBAO, SO of VO (leeg of 'alle': alle sectoren)", example=""),
        Column("begin", DATE, required=True, aliases=("start", "van", "begindatum", "startdatum", "vanaf"),
               description="eerste dag", example="16-10-2023", min_date="2000-01-01"),
        Column("einde", DATE, required=True, aliases=("eind", "end", "tot_en_met", "t_m", "einddatum"),
               description="laatste dag (niet vóór begin)", example="20-10-2023", min_date="2000-01-01"),
    ),
)

KINDS: dict[str, Kind] = {k.key: k for k in sorted(
    (SCHOOLS, ENROLMENTS, PUPILS, CODES, ABSENCE, MELDINGEN, CONTACTS, CASES, INTERVENTIONS, STATUS_REPORTS,
     PERIODS),
    key=lambda k: k.order)}

# English names accepted on the command line
KIND_ALIASES = {
    "schools": "scholen", "school": "scholen", "enrolments": "inschrijvingen", "enrolment": "inschrijvingen",
    "pupils": "leerlingen", "codes": "verzuimcodes", "absence": "verzuim",
    "meldingen": "verzuimmeldingen", "contacts": "contacten", "cases": "casussen",
    "concerns": "casussen", "interventions": "interventies", "status_reports": "statusrapportages", "status": "statusrapportages",
    "periods": "perioden",
}


def get_kind(key: str) -> Kind:
    key = key.strip().lower()
    key = KIND_ALIASES.get(key, key)
    if key not in KINDS:
        raise KeyError(f"Onbekende soort import '{key}'. Kies uit: {', '.join(KINDS)}")
    return KINDS[key]


def guess_kind(headers: list[str]) -> str | None:
    """The kind whose columns best match a header row (for preselecting on the upload page)."""
    keys = {norm_key(h) for h in headers if h.strip()}
    if not keys:
        return None
    best, best_score = None, 0.0
    for kind in KINDS.values():
        mapping = kind.header_map()
        known = sum(1 for k in keys if k in mapping)
        required = [c for c in kind.columns if c.required]
        have_required = all(any(k in c.accepted_names() for k in keys) for c in required)
        score = known / len(keys) + (1 if have_required else 0) + known / (10 * len(kind.columns))
        if score > best_score and known == len(keys) and have_required:
            best, best_score = kind.key, score
    return best


# The dates and schools an import touched, for the summary refresh after it (write, codes, run).
@dataclass
class Refresh:
    what: str                    # "absence" or "contacts"
    school_ids: set[int]
    start: dt.date | None
    end: dt.date | None
