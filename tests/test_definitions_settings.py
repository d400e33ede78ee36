"""Settings (data_access.definitions.settings): defaults, the stored values, and bad values."""
import dataclasses

import pytest
from sqlalchemy import insert

from data_access.definitions import DEFAULTS, SettingError, Settings, load_settings
from data_access.models import Setting


def store(engine, **values):
    with engine.begin() as conn:
        conn.execute(insert(Setting), [{"key": k, "value": v} for k, v in values.items()])


def test_an_empty_setting_table_gives_the_defaults_of_the_design(engine):
    with engine.connect() as conn:
        settings = load_settings(conn)
    assert settings == Settings(signal_hours=16.0, signal_weeks=4, approaching_hours=10.0,
                                persistent_share=0.10, severe_share=0.50, suppression_threshold=5,
                                compliance_school_days=5, late_count=10, no_contact_days=30,
                                hours_per_day=5.5)
    assert settings == DEFAULTS


def test_stored_values_replace_their_defaults_under_the_keys_in_use(engine):
    store(engine, suppression_threshold="10", compliance_school_days="3", hours_per_day="5,0",
          te_laat_drempel="12", demo="1", municipality="Coevorden")
    with engine.connect() as conn:
        settings = load_settings(conn)
    assert settings.suppression_threshold == 10 and isinstance(settings.suppression_threshold, int)
    assert settings.compliance_school_days == 3
    assert settings.hours_per_day == 5.0  # a decimal comma is read as a decimal point
    assert settings.late_count == 12
    assert settings.signal_hours == 16.0  # not stored: its default


@pytest.mark.parametrize("key, value, message", [
    ("suppression_threshold", "vijf", "is geen getal"),
    ("compliance_school_days", "2.5", "moet een geheel getal zijn"),
    ("hours_per_day", "0", "moet groter dan 0 zijn"),
])
def test_a_stored_value_that_is_no_usable_number_is_a_dutch_error_naming_the_setting(engine, key, value, message):
    store(engine, **{key: value})
    with engine.connect() as conn, pytest.raises(SettingError) as error:
        load_settings(conn)
    assert message in str(error.value) and key in str(error.value)


def test_settings_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULTS.suppression_threshold = 10  # type: ignore[misc]


def test_functions_that_depend_on_a_threshold_require_it():
    """No silent default: leaving the threshold out is a TypeError."""
    import datetime as dt

    import pandas as pd

    from data_access import kpis
    from data_access.definitions import absence, sixteen_hours
    from data_access.definitions.calendar import SchoolCalendar
    from data_access.queries import pilot, schools, status, youths

    day = dt.date(2024, 3, 31)
    weeks = sixteen_hours.school_week_index(SchoolCalendar(), day, day)
    calls = [
        lambda: sixteen_hours.sixteen_hour_signals([], weeks),
        lambda: sixteen_hours.sixteen_hour_signals([], weeks, 16),
        lambda: sixteen_hours.rolling_unauthorised_hours([], weeks, day),
        lambda: absence.persistence_level(10, 100),
        lambda: absence.persistence_level(10, 100, 0.10),
        lambda: youths.current_window(None, day),
        lambda: youths.signal_labels(),
        lambda: schools.school_comparison(None, schools.Window.for_school_year(2023), 5, 5.5),
        lambda: kpis.window_parameters(day, day, 5),
        lambda: kpis.window_counts(None, ["compliance"], kpis.EvidenceWindow(day, day, 1, 2023)),
        lambda: kpis.evaluate_links(None, [], kpis.EvidenceWindow(day, day, 1, 2023)),
        lambda: status.evidence(None, status.Period(1, "T1", day, day)),
        lambda: schools.school_comparison(None, schools.Window.for_school_year(2023)),
        lambda: schools.school_comparison(None, schools.Window.for_school_year(2023), 5, 5.5, 0.10),
        lambda: schools.absence_trend(None, day, day, "week", exact_below=None),
        lambda: schools.suppress_trend(pd.DataFrame()),
        lambda: pilot.pilot_panel(None),
        lambda: youths.youth_list(None, day),
        lambda: youths.work_queue(pd.DataFrame(), day),
    ]
    for call in calls:
        with pytest.raises(TypeError, match="missing"):  # raised when the arguments are bound
            call()


def test_the_thresholds_are_no_module_constants_outside_the_settings():
    from data_access import metrics

    for name in ("SIGNAL_HOURS", "SIGNAL_WEEKS", "APPROACHING_HOURS", "PERSISTENT_SHARE", "SEVERE_SHARE",
                 "HOURS_PER_SCHOOL_DAY"):
        assert not hasattr(metrics, name), name
