"""Typed ORM for the LEA database (SQLAlchemy 2.0).

Columns holding personal data carry ``info={"personal": True}`` (see :func:`personal`), so
privacy rules, exports and tests can find them with :func:`personal_columns`.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

LIGHTS = ("groen", "oranje", "rood")
ROLES = ("portefeuillehouder", "lea", "leerplicht", "beheer")
SECTORS = ("BAO", "SBAO", "SO", "VO")
# DUO's verzuimsoorten (lrv: langdurig relatief verzuim, > 4 weeks; rmc: 18+ without a startkwalificatie)
MELDING_KINDS = ("16_uur", "lrv", "luxe", "signaal", "zorgwekkend_ziek", "te_laat", "overig", "rmc")
# stored melding statuses; DUO's words for them: geregistreerd (open), in behandeling, afgesloten
# (afgerond), ingetrokken, ter kennisgeving aangenomen (ter_kennisgeving)
MELDING_STATUSES = ("open", "in_behandeling", "afgerond", "ingetrokken", "ter_kennisgeving")
# what an officer does in a case (issue 18); the referrals and the zorgadviesteam are help
INTERVENTION_KINDS = (
    "gesprek", "huisbezoek", "verwijzing_jeugdconsulent", "verwijzing_ggd", "verwijzing_wijkteam",
    "zorgadviesteam", "halt", "proces_verbaal", "vrijstelling_aangevraagd",
)
# how a case ends: the closing reasons a municipality reports back to DUO, and the explanation
CASE_OUTCOMES = (
    "terug_naar_school", "beeindigd_andere_opleiding", "beeindigd_werk", "beeindigd_overig", "overleden",
    "langdurig_ziek", "legitiem_afwezig",
)
OUTCOME_EXPLANATIONS = ("gezien_door_gemeente", "actie_richting_leerling", "geen_actie_meer")
CONTACT_TARGETS = ("school", "family", "youth", "partner")
CONTACT_CHANNELS = (
    "phone", "email", "letter", "home_visit", "school_visit", "meeting", "newsletter", "info_session",
)
PERIOD_KINDS = ("covid_sluiting", "covid_gedeeltelijk", "vakantie", "studiedag", "pilot", "overig")


def personal(**kwargs: Any) -> Any:
    """A mapped column that holds personal data of a child or family."""
    info = kwargs.pop("info", {})
    return mapped_column(info={**info, "personal": True}, **kwargs)


class Base(DeclarativeBase):
    pass


def personal_columns() -> dict[str, list[str]]:
    """Table name → names of its personal-data columns."""
    found: dict[str, list[str]] = {}
    for table in Base.metadata.sorted_tables:
        cols = [c.name for c in table.columns if c.info.get("personal")]
        if cols:
            found[table.name] = cols
    return found


class School(Base):
    __tablename__ = "school"

    id: Mapped[int] = mapped_column(primary_key=True)
    vestigingsnummer: Mapped[str] = mapped_column(String(6), unique=True)
    brin: Mapped[str] = mapped_column(String(4), index=True)
    name: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str] = mapped_column(String(8))
    board: Mapped[str | None] = mapped_column(String(200))
    swv_code: Mapped[str | None] = mapped_column(String(20))
    municipality: Mapped[str | None] = mapped_column(String(100), index=True)
    postcode: Mapped[str | None] = mapped_column(String(7))
    pilot_start: Mapped[dt.date | None] = mapped_column(Date)
    size_proxy: Mapped[int | None] = mapped_column(Integer)
    in_scope: Mapped[bool] = mapped_column(Boolean, default=True)


class SchoolEnrolment(Base):
    __tablename__ = "school_enrolment"
    __table_args__ = (UniqueConstraint("school_id", "school_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    school_year: Mapped[int] = mapped_column(Integer)  # 2020 means 2020/21
    pupils: Mapped[int] = mapped_column(Integer)


class Pupil(Base):
    __tablename__ = "pupil"

    id: Mapped[int] = mapped_column(primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(16), unique=True)
    first_name: Mapped[str] = personal(type_=String(100))
    last_name: Mapped[str] = personal(type_=String(100))
    birth_date: Mapped[dt.date] = personal(type_=Date)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    grade: Mapped[int | None] = mapped_column(Integer)


class PupilEnrolment(Base):
    __tablename__ = "pupil_enrolment"
    __table_args__ = (UniqueConstraint("pupil_id", "school_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id", ondelete="CASCADE"))
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    school_year: Mapped[int] = mapped_column(Integer)
    grade: Mapped[int] = mapped_column(Integer)


class AbsenceCode(Base):
    __tablename__ = "absence_code"
    __table_args__ = (UniqueConstraint("source", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40), default="*")
    code: Mapped[str] = mapped_column(String(10))
    category: Mapped[str] = mapped_column(String(20))
    description: Mapped[str | None] = mapped_column(String(200))


class Absence(Base):
    __tablename__ = "absence"
    __table_args__ = (
        UniqueConstraint("pupil_id", "date", "code"),
        Index("ix_absence_school_date", "school_id", "date"),
        # the exact recount of small cells reads one category's rows (migration 0011)
        Index("ix_absence_category_day", "category", "date", "school_id", "pupil_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id", ondelete="CASCADE"))
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    date: Mapped[dt.date] = personal(type_=Date)
    hours: Mapped[float] = personal(type_=Float)
    code: Mapped[str] = mapped_column(String(10))
    category: Mapped[str] = mapped_column(String(20))
    registered_on: Mapped[dt.date | None] = mapped_column(Date)


class Verzuimmelding(Base):
    __tablename__ = "verzuimmelding"
    __table_args__ = (Index("ix_melding_school_reported", "school_id", "reported_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    kind: Mapped[str] = mapped_column(String(20))
    absence_start: Mapped[dt.date | None] = mapped_column(Date)
    reported_on: Mapped[dt.date] = mapped_column(Date)
    hours: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20), default="open")
    outcome: Mapped[str | None] = mapped_column(String(40))
    officer: Mapped[str | None] = mapped_column(String(64))
    # DUO's fields (migration 0013); free text the school typed is personal data
    meldingsnummer: Mapped[str | None] = mapped_column(String(30))
    absence_end: Mapped[dt.date | None] = mapped_column(Date)
    suspected_reason: Mapped[str | None] = personal(type_=String(200))
    school_action: Mapped[str | None] = personal(type_=String(200))
    action_wanted: Mapped[str | None] = personal(type_=String(200))


class Concern(Base):
    __tablename__ = "concern"

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id", ondelete="CASCADE"), index=True)
    opened_on: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = personal(type_=String(200))
    status: Mapped[str] = mapped_column(String(20), default="open")
    mas_route: Mapped[str | None] = mapped_column(String(40))
    phase: Mapped[str | None] = mapped_column(String(40))
    officer: Mapped[str | None] = mapped_column(String(64), index=True)
    next_action: Mapped[str | None] = personal(type_=String(200))
    next_action_on: Mapped[dt.date | None] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # lost-update check (0008)
    outcome: Mapped[str | None] = mapped_column(String(40))  # CASE_OUTCOMES, set when closed (0013)
    outcome_explanation: Mapped[str | None] = mapped_column(String(40))  # OUTCOME_EXPLANATIONS

    notes: Mapped[list[ConcernNote]] = relationship(back_populates="concern", order_by="ConcernNote.at")
    interventions: Mapped[list[Intervention]] = relationship(back_populates="concern",
                                                             order_by="Intervention.date")


class Intervention(Base):
    """One thing an officer did in a case (INTERVENTION_KINDS), on a date (migration 0013)."""

    __tablename__ = "intervention"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concern.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    date: Mapped[dt.date] = mapped_column(Date)
    officer: Mapped[str | None] = mapped_column(String(64))

    concern: Mapped[Concern] = relationship(back_populates="interventions")


class ConcernNote(Base):
    """Case history: every status change or note on a case (append-only)."""

    __tablename__ = "concern_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concern.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    author: Mapped[str] = mapped_column(String(64))
    status: Mapped[str | None] = mapped_column(String(20))
    phase: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = personal(type_=Text)

    concern: Mapped[Concern] = relationship(back_populates="notes")


class Contact(Base):
    __tablename__ = "contact"
    __table_args__ = (Index("ix_contact_school_date", "school_id", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    officer: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20))
    purpose: Mapped[str | None] = mapped_column(String(60))
    topic: Mapped[str | None] = mapped_column(String(200))
    reached: Mapped[bool] = mapped_column(Boolean, default=True)
    led_to_concern: Mapped[bool] = mapped_column(Boolean, default=False)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"))
    pupil_id: Mapped[int | None] = mapped_column(ForeignKey("pupil.id", ondelete="CASCADE"), index=True)
    concern_id: Mapped[int | None] = mapped_column(ForeignKey("concern.id", ondelete="CASCADE"), index=True)
    notes: Mapped[str | None] = personal(type_=Text)


class Period(Base):
    __tablename__ = "period"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(30))
    sector: Mapped[str | None] = mapped_column(String(8))  # None: all sectors
    start: Mapped[dt.date] = mapped_column(Date)
    end: Mapped[dt.date] = mapped_column(Date)


class PolicyAction(Base):
    __tablename__ = "policy_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    programme: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    portfolio_holder: Mapped[str] = mapped_column(String(100))
    planned_end: Mapped[dt.date | None] = mapped_column(Date)


class ActionKpi(Base):
    """Evidence: a KPI computed from the database, linked to a policy action, with a target."""

    __tablename__ = "action_kpi"
    __table_args__ = (UniqueConstraint("action_id", "kpi"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("policy_action.id", ondelete="CASCADE"))
    kpi: Mapped[str] = mapped_column(String(60))
    target: Mapped[float] = mapped_column(Float)
    higher_is_better: Mapped[bool] = mapped_column(Boolean, default=True)


class ReportingPeriod(Base):
    __tablename__ = "reporting_period"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    start: Mapped[dt.date] = mapped_column(Date)
    end: Mapped[dt.date] = mapped_column(Date)


class StatusReport(Base):
    """Append-only: a correction is a new report (update/delete refused by a trigger)."""

    __tablename__ = "status_report"
    __table_args__ = (Index("ix_status_action_period", "action_id", "reporting_period_id"),
                      Index("ux_status_report_version", "action_id", "reporting_period_id", "version",
                            unique=True))

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("policy_action.id"))
    reporting_period_id: Mapped[int] = mapped_column(ForeignKey("reporting_period.id"))
    quality: Mapped[str] = mapped_column(String(10))
    time: Mapped[str] = mapped_column(String(10))
    money: Mapped[str] = mapped_column(String(10))
    cause: Mapped[str | None] = mapped_column(Text)
    consequence: Mapped[str | None] = mapped_column(Text)
    measure: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    version: Mapped[int | None] = mapped_column(Integer)  # number within action + period (0008)


class AuditEvent(Base):
    """Append-only log of access and changes: ids only, never names or notes."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    username: Mapped[str | None] = mapped_column(String(64), index=True)
    role: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40), index=True)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    result: Mapped[str] = mapped_column(String(20), default="ok")
    origin: Mapped[str | None] = mapped_column(String(100))
    details: Mapped[str | None] = mapped_column(Text)


class AppUser(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(200), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(100))
    roles: Mapped[str] = mapped_column(String(100), default="")  # comma-separated ROLES
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_logout_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)

    @property
    def role_list(self) -> list[str]:
        return [r for r in self.roles.split(",") if r]


class LoginAttempt(Base):
    """Failed and successful logins; the lockout counts failures here, shared by every process."""

    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_user_at", "username", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    success: Mapped[bool] = mapped_column(Boolean)


class Setting(Base):
    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


# --- summary tables (kept current by imports and the demo; `lea refresh` rebuilds) ---------


class AbsenceWeek(Base):
    """Absence per school × ISO week (Monday) × category."""

    __tablename__ = "absence_week"

    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), primary_key=True)
    week_start: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    category: Mapped[str] = mapped_column(String(20), primary_key=True)
    hours: Mapped[float] = mapped_column(Float)
    occurrences: Mapped[int] = mapped_column(Integer)
    pupils: Mapped[int] = mapped_column(Integer)


class AbsenceMonth(Base):
    """Absence per school × calendar month (its first day) × category, with the distinct pupils
    behind it: a month trend reads calendar months exactly without the absence rows."""

    __tablename__ = "absence_month"

    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), primary_key=True)
    month_start: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    category: Mapped[str] = mapped_column(String(20), primary_key=True)
    hours: Mapped[float] = mapped_column(Float)
    occurrences: Mapped[int] = mapped_column(Integer)
    pupils: Mapped[int] = mapped_column(Integer)


class PupilYear(Base):
    """Per pupil × school year: hours by kind, for persistent absence and the officers' list."""

    __tablename__ = "pupil_year"
    __table_args__ = (  # covering for the comparison tab's per-year queries (migration 0003)
        Index("ix_pupil_year_school", "school_year", "school_id", "absence_hours", "unauthorised_hours",
              "late_count", "last_absence_on"),
        # covering for the officers' list: a school year's pupils in pupil order (migration 0005)
        Index("ix_pupil_year_pupils", "school_year", "pupil_id", "absence_hours", "unauthorised_hours",
              "late_count", "last_absence_on"),
        # each school's last registered day: one seek per school (migration 0010)
        Index("ix_pupil_year_last_day", "school_id", "last_absence_on"),
    )

    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id", ondelete="CASCADE"), primary_key=True)
    school_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    absence_hours: Mapped[float] = mapped_column(Float, default=0)
    unauthorised_hours: Mapped[float] = mapped_column(Float, default=0)
    late_count: Mapped[int] = mapped_column(Integer, default=0)
    last_absence_on: Mapped[dt.date | None] = mapped_column(Date)


class Signal16(Base):
    """A 16-hour signal: > 16 unauthorised hours within 4 consecutive school weeks."""

    __tablename__ = "signal16"
    __table_args__ = (Index("ix_signal16_school_date", "school_id", "signal_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    signal_on: Mapped[dt.date] = mapped_column(Date)
    window_start: Mapped[dt.date] = mapped_column(Date)
    hours: Mapped[float] = mapped_column(Float)
    melding_id: Mapped[int | None] = mapped_column(ForeignKey("verzuimmelding.id", ondelete="SET NULL"))
    school_days_to_melding: Mapped[int | None] = mapped_column(Integer)


class PupilCategoryYear(Base):
    """The first absence date per pupil × school year × category × school (the /jongeren
    category filter): "absence of this category from 1 August up to day D" is ``first_on <= D``,
    exact for every D in the school year. Per school, so a school's refresh replaces its rows."""

    __tablename__ = "pupil_category_year"
    __table_args__ = (
        # the comparison counts each school's pupils per category over whole school years
        # (migration 0012): in school and category order, COUNT(DISTINCT) needs no sort
        Index("ix_pupil_category_year_school", "school_id", "category", "pupil_id", "school_year", "first_on"),
        {"sqlite_with_rowid": False},  # a school year's category: one contiguous range
    )

    school_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(String(20), primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id", ondelete="CASCADE"), primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), primary_key=True)
    first_on: Mapped[dt.date] = mapped_column(Date)
    # the pupil's hours of the category there that school year: the spread behind a comparison's
    # rate (queries.schools.pupil_spread); the default only lets migration 0012 add the column
    hours: Mapped[float] = mapped_column(Float, server_default=text("0"))


ALL_CATEGORIES = "*"  # absentee_year: the pupils with absence of any category


class AbsenteeYear(Base):
    """Per school × school year × category: how many pupils had absence of it there (from
    pupil_category_year), and under category ``ALL_CATEGORIES`` how many had any absence (a pupil
    with two categories counts once). A school year's comparison counts its people from here."""

    __tablename__ = "absentee_year"

    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), primary_key=True)
    school_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(String(20), primary_key=True)
    pupils: Mapped[int] = mapped_column(Integer)


# Indexes on other tables for the officers' list (migration 0005):
# - the unauthorised absence of the current 4-school-week window, by date (≈ 1 % of the rows; the
#   query must say ``category = 'ongeoorloofd'`` literally for SQLite to use it);
# - each youth's last contact, directly or through a case, from the index alone.
Index("ix_absence_unauthorised", Absence.date, Absence.pupil_id, Absence.hours,
      sqlite_where=Absence.category == "ongeoorloofd", postgresql_where=Absence.category == "ongeoorloofd")
Index("ix_contact_pupil_last", Contact.pupil_id, Contact.date, Contact.concern_id)


class ContactWeek(Base):
    """Officer contacts per school × week × target × channel."""

    __tablename__ = "contact_week"

    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), primary_key=True)
    week_start: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    target: Mapped[str] = mapped_column(String(20), primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    contacts: Mapped[int] = mapped_column(Integer)
    reached: Mapped[int] = mapped_column(Integer)


class ContactSegment(Base):
    """Officer contacts with a school of their own (``contact.school_id``) per segment × the school's
    sector and scope × target × channel: /covid's counts per sector group without a row per contact.

    A segment is a week (Monday–Sunday), cut in two where a month begins: any week or month is whole
    segments, so the page reads a date range as the segments within it plus the contacts of the
    few days around them. Contacts without a school are not in it: the page finds their school
    through the pupil's enrolment as it reads them. The sector and scope are those of the school
    when the rows were built; :class:`ContactSegmentSchool` keeps them, so a school changed since
    makes the table stale (``summary_state.contact_segment_is_stale``) and the page reads the contacts
    themselves until it is rebuilt (``aggregates.refresh_contacts``). Far fewer rows than contacts
    (one per segment × sector × scope × target × channel), read by first day without a lookup
    (no rowid on SQLite)."""

    __tablename__ = "contact_segment"
    __table_args__ = {"sqlite_with_rowid": False}

    first_day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    sector: Mapped[str] = mapped_column(String(8), primary_key=True)
    in_scope: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    target: Mapped[str] = mapped_column(String(20), primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    week_start: Mapped[dt.date] = mapped_column(Date)
    month_start: Mapped[dt.date] = mapped_column(Date)
    contacts: Mapped[int] = mapped_column(Integer)
    reached: Mapped[int] = mapped_column(Integer)
    led_to_concern: Mapped[int] = mapped_column(Integer)


class ContactSegmentSchool(Base):
    """Each school's sector and scope as :class:`ContactSegment` was built with."""

    __tablename__ = "contact_segment_school"

    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), primary_key=True)
    sector: Mapped[str] = mapped_column(String(8))
    in_scope: Mapped[bool] = mapped_column(Boolean)


# /covid reads the contacts of a target in a date range — school contacts per school, family and
# youth contacts with their case or pupil — from this index alone (migration 0004).
Index("ix_contact_target_date", Contact.target, Contact.date, Contact.channel, Contact.reached, Contact.concern_id,
      Contact.pupil_id, Contact.school_id)

# /status counts schools visited and newsletters sent in a reporting window from this index
# alone (migration 0006).
Index("ix_contact_channel_date", Contact.channel, Contact.date, Contact.target, Contact.school_id)
