"""The one place of every definition (DESIGN.md, "Definitions").

So far: ``settings`` (every threshold, loaded once from the ``setting`` table),
``suppression`` (small-cell suppression of counts of people), ``calendar`` (school year, weeks,
months, school days and holidays, dates read from the database) and ``absence`` (categories,
possible hours, the absence rate). The 16-hour rule and persistence still live in
``data_access.metrics`` and follow in later steps of issue 14.
"""
from data_access.definitions.settings import DEFAULTS, SETTING_KEYS, SettingError, Settings, load_settings
from data_access.definitions.suppression import Suppressor

__all__ = ["DEFAULTS", "SETTING_KEYS", "SettingError", "Settings", "Suppressor", "load_settings"]
