"""Every threshold the definitions use, as one frozen value loaded once from the ``setting`` table.

The defaults below are the only place these numbers are written down: a setting that is not
stored means its default. Functions that depend on a threshold take a :class:`Settings` (or the
one value they need) as a required argument, so forgetting it is a TypeError rather than a
silent default. docs/definitions.md lists which page each setting changes.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from sqlalchemy import Connection, select

from data_access.models import Setting


@dataclass(frozen=True)
class Settings:
    signal_hours: float = 16.0           # 16-hour rule: more than this many unauthorised hours …
    signal_weeks: int = 4                # … within this many consecutive school weeks
    approaching_hours: float = 10.0      # "bijna 16 uur" from this many hours in the window
    persistent_share: float = 0.10       # persistent absence: ≥ this share of possible hours
    severe_share: float = 0.50           # severe absence: ≥ this share
    suppression_threshold: int = 5       # counts of people 1 … threshold − 1 are hidden
    compliance_school_days: int = 5      # meldtrouw: a melding within this many school days
    late_count: int = 10                 # "vaak te laat" from this many late arrivals
    no_contact_days: int = 30            # work queue: an open case without contact for this long
    hours_per_day: float = 5.5           # school hours per school day (absence-rate denominator)
    contact_within_days: int = 10        # chain: a melding needs officer contact within this many school days
    back_in_class_weeks: int = 8         # chain: "terug in de klas" after this many school weeks below the line
    recidive_months: int = 12            # chain: a new signal within this many months of closing is recidive


DEFAULTS = Settings()

# Field → key in the ``setting`` table. The keys already in use (demo, importer, /jongeren)
# keep their names; ``te_laat_drempel`` is the lateness count /jongeren has always read.
SETTING_KEYS: dict[str, str] = {
    "signal_hours": "signal_hours",
    "signal_weeks": "signal_weeks",
    "approaching_hours": "approaching_hours",
    "persistent_share": "persistent_share",
    "severe_share": "severe_share",
    "suppression_threshold": "suppression_threshold",
    "compliance_school_days": "compliance_school_days",
    "late_count": "te_laat_drempel",
    "no_contact_days": "no_contact_days",
    "hours_per_day": "hours_per_day",
    "contact_within_days": "contact_within_days",
    "back_in_class_weeks": "back_in_class_weeks",
    "recidive_months": "recidive_months",
}

# Dutch names for the error message and the settings screen on /beheer.
LABELS: dict[str, str] = {
    "signal_hours": "16-uursgrens (uren)",
    "signal_weeks": "venster 16-uursregel (schoolweken)",
    "approaching_hours": "bijna 16 uur vanaf (uren)",
    "persistent_share": "langdurig verzuim vanaf (aandeel)",
    "severe_share": "ernstig verzuim vanaf (aandeel)",
    "suppression_threshold": "drempel kleine aantallen",
    "compliance_school_days": "meldtrouw binnen (schooldagen)",
    "late_count": "vaak te laat vanaf (keer)",
    "no_contact_days": "geen contact sinds (dagen)",
    "hours_per_day": "uren per schooldag",
    "contact_within_days": "contact na melding binnen (schooldagen)",
    "back_in_class_weeks": "terug in de klas na (schoolweken)",
    "recidive_months": "recidive binnen (maanden)",
}


SHARES = ("persistent_share", "severe_share")


class SettingError(ValueError):
    """A stored setting cannot be used; the message is Dutch and names the setting."""


def parse_setting(field: str, raw: str) -> float | int:
    """A stored text as the number the field needs; Dutch SettingError when it is not one.

    A decimal comma is accepted (beheer types "5,5"). Whole-number settings refuse fractions,
    and every threshold must be above zero: a zero would silently switch a rule off. A share is
    at most 1 (0,10 is 10 %).
    """
    key, label = SETTING_KEYS[field], LABELS[field]
    kind = {f.name: f.type for f in dataclasses.fields(Settings)}[field]
    text = str(raw).strip().replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise SettingError(f"De instelling '{label}' ({key}) is geen getal: '{raw}'.") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise SettingError(f"De instelling '{label}' ({key}) is geen getal: '{raw}'.")
    if number <= 0:
        raise SettingError(f"De instelling '{label}' ({key}) moet groter dan 0 zijn, niet '{raw}'.")
    if field in SHARES and number > 1:
        raise SettingError(f"De instelling '{label}' ({key}) is een aandeel tussen 0 en 1 (0,10 is 10%), "
                           f"niet '{raw}'.")
    if kind in ("int", int):
        if number != int(number):
            raise SettingError(f"De instelling '{label}' ({key}) moet een geheel getal zijn, niet '{raw}'.")
        return int(number)
    return number


def load_settings(conn: Connection) -> Settings:
    """Every threshold in one read of the ``setting`` table; a missing key means its default."""
    return dataclasses.replace(DEFAULTS, **load_fields(conn, *SETTING_KEYS))


def load_fields(conn: Connection, *fields: str) -> dict[str, float | int]:
    """Only these settings, field → value (its default when not stored). For the summary
    builder, which needs the two of the 16-hour rule: an unusable value of another setting must
    not stop an import."""
    keys = {SETTING_KEYS[field]: field for field in fields}
    stored = dict(conn.execute(select(Setting.key, Setting.value).where(Setting.key.in_(list(keys)))).all())
    return {field: parse_setting(field, stored[key]) if stored.get(key) not in (None, "") else getattr(DEFAULTS, field)
            for key, field in keys.items()}


def inconsistencies(settings: Settings) -> list[str]:
    """Dutch reasons why these settings do not fit together (empty: they do). Checked before a
    change is saved: "bijna 16 uur" must start below the 16-hour line, and severe absence must
    lie above persistent absence, or a signal could never be shown."""
    problems = []
    if settings.approaching_hours >= settings.signal_hours:
        problems.append(f"'{LABELS['approaching_hours']}' ({format_value(settings.approaching_hours)}) moet kleiner "
                        f"zijn dan '{LABELS['signal_hours']}' ({format_value(settings.signal_hours)}).")
    if settings.persistent_share >= settings.severe_share:
        problems.append(f"'{LABELS['persistent_share']}' ({format_value(settings.persistent_share)}) moet kleiner "
                        f"zijn dan '{LABELS['severe_share']}' ({format_value(settings.severe_share)}).")
    return problems


def format_value(value: float | int) -> str:
    """A setting as beheer types it: 16.0 → "16", 5.5 → "5,5", 0.1 → "0,1"."""
    return f"{round(float(value), 6):g}".replace(".", ",")
