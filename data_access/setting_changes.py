"""Changing the thresholds (the settings screen on /beheer): validated, audited, and the one
summary that depends on a threshold rebuilt in the same transaction.

Kept apart from data_access.definitions.settings, which only reads: the summary builder
(aggregates) reads the settings too, and a definitions module that wrote would import it back.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, select

from data_access import aggregates, audit
from data_access.definitions.settings import (
    DEFAULTS,
    LABELS,
    SETTING_KEYS,
    SettingError,
    Settings,
    format_value,
    inconsistencies,
    parse_setting,
)
from data_access.models import Setting

ACTION = "instelling_gewijzigd"
OBJECT_SETTING = "instelling"
# signal16 (the 16-hour signals) is stored: built under these two settings, rebuilt when they change
SIGNAL_FIELDS = ("signal_hours", "signal_weeks")


@dataclass(frozen=True)
class Stored:
    """One setting as it is stored: its text (None: not stored, the default holds) and the value
    in force (None: the stored text is not a usable number, so pages stop until it is fixed)."""

    field: str
    text: str | None
    value: float | int | None

    @property
    def default(self) -> float | int:
        return getattr(DEFAULTS, self.field)

    @property
    def shown(self) -> str:
        """The value in force as beheer types it, or the unusable text as it is."""
        return self.text if self.value is None else format_value(self.value)


@dataclass(frozen=True)
class Change:
    field: str
    old: str  # as stored before ("16", or "'vijf'" when unusable); the default when not stored
    new: str


def stored_settings(conn: Connection) -> dict[str, Stored]:
    """Every setting as stored, field → :class:`Stored` (also the unusable ones, so beheer can
    see and correct them; load_settings would refuse them)."""
    texts = dict(conn.execute(select(Setting.key, Setting.value)
                              .where(Setting.key.in_(list(SETTING_KEYS.values())))).all())
    out = {}
    for field, key in SETTING_KEYS.items():
        text = texts.get(key)
        if text in (None, ""):
            out[field] = Stored(field, None, getattr(DEFAULTS, field))
            continue
        try:
            value = parse_setting(field, text)
        except SettingError:
            value = None
        out[field] = Stored(field, text, value)
    return out


def save_settings(conn: Connection, typed: Mapping[str, str], *, username: str, role: str | None,
                  origin: str | None = None) -> list[Change]:
    """Store the settings beheer typed (field → text), in the caller's transaction.

    Every text goes through parse_setting; when one is not usable, or the new values do not fit
    together (:func:`inconsistencies`), a SettingError names every problem in Dutch and nothing
    is written. Only values that differ from the ones in force are written, each with one audit
    row (who, which setting, old → new). A change to the 16-hour rule rebuilds signal16 with the
    new values before the transaction ends, so no page ever sees old signals with new settings.
    Returns the changes made.
    """
    problems, typed_values = [], {}
    for field, text in typed.items():
        try:
            typed_values[field] = parse_setting(field, text)
        except SettingError as error:
            problems.append(str(error))
    if problems:
        raise SettingError(" ".join(problems))
    stored = stored_settings(conn)
    in_force = {field: s.value if s.value is not None else s.default for field, s in stored.items()}
    new = dataclasses.replace(DEFAULTS, **{**in_force, **typed_values})
    if problems := inconsistencies(new):
        raise SettingError(" ".join(problems))
    changes = []
    for field, value in typed_values.items():
        before = stored[field]
        if before.value is not None and before.value == value:
            continue
        key = SETTING_KEYS[field]
        text = format_value(value).replace(",", ".")
        conn.execute(delete(Setting).where(Setting.key == key))
        conn.execute(insert(Setting).values(key=key, value=text))
        old = f"'{before.text}'" if before.value is None else format_value(before.value)
        changes.append(Change(field, old, format_value(value)))
        audit.record(conn, ACTION, username=username, role=role, object_type=OBJECT_SETTING, object_id=key,
                     origin=origin, details={"instelling": LABELS[field], "oud": old, "nieuw": format_value(value)})
    if any(change.field in SIGNAL_FIELDS for change in changes):
        aggregates.refresh_signals(conn)
    return changes


def current(conn: Connection) -> Settings:
    """The settings in force, an unusable stored value read as its default (for the screen only)."""
    return dataclasses.replace(DEFAULTS, **{f: s.value for f, s in stored_settings(conn).items()
                                            if s.value is not None})
