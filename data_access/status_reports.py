"""Adding a status report: the explanation rule, append-only, audited.

A status report is never changed or deleted (the database refuses it, migration 0002); a
correction is a new report for the same action and period, and the latest one counts.

Versions (migration 0008): the n-th report of an action and period has version n. A form sends
the version it was drawn with (``current_version``) as ``expected_version``; when another report
was added since, the new one is refused with StaleReport saying who reported what, so a
correction never silently hides a report its author has not seen. Two reports that claim the
same version at the same moment: the unique index refuses the second.
"""
from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass

from sqlalchemy import Connection, func, insert, select
from sqlalchemy.exc import IntegrityError

from data_access import audit
from data_access.models import LIGHTS, PolicyAction, ReportingPeriod, StatusReport

EDIT_ROLES = frozenset({"leerplicht", "beheer"})
AUDIT_ACTION = "status_report_toegevoegd"
LIGHT_LABELS = {"quality": "Kwaliteit", "time": "Tijd", "money": "Geld"}
EXPLANATION_LABELS = {"cause": "oorzaak", "consequence": "gevolg", "measure": "maatregel"}


class StatusReportError(ValueError):
    """The report was refused; ``messages`` says why, in Dutch, one line per problem."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


class StaleReport(StatusReportError):
    """A report was added for this action and period since the form was drawn."""

    def __init__(self, messages: list[str], current_version: int):
        super().__init__(messages)
        self.current_version = current_version


@dataclass(frozen=True)
class NewReport:
    action_id: int
    period_id: int
    quality: str
    time: str
    money: str
    cause: str | None = None
    consequence: str | None = None
    measure: str | None = None

    def lights(self) -> dict[str, str]:
        return {"quality": self.quality, "time": self.time, "money": self.money}

    def explanation(self) -> dict[str, str | None]:
        return {key: _clean(getattr(self, key)) for key in EXPLANATION_LABELS}


def may_edit(roles) -> bool:
    return bool(EDIT_ROLES & set(roles))


def validation_errors(report: NewReport) -> list[str]:
    """The explanation rule: any oranje or rood light requires cause, consequence and measure."""
    errors = [f"{LIGHT_LABELS[key]}: kies groen, oranje of rood." for key, colour in report.lights().items()
              if colour not in LIGHTS]
    not_green = [LIGHT_LABELS[key] for key, colour in report.lights().items() if colour in ("oranje", "rood")]
    if not_green:
        missing = [label for key, label in EXPLANATION_LABELS.items() if not report.explanation()[key]]
        if missing:
            errors.append(f"{' en '.join(not_green)} {'is' if len(not_green) == 1 else 'zijn'} niet groen: "
                          f"vul {_and_list(missing)} in.")
    return errors


def current_version(conn: Connection, action_id: int, period_id: int) -> int:
    """How many reports this action has for this period (0: none yet) — the version a form sends back."""
    return conn.execute(select(func.count()).select_from(StatusReport).where(
        StatusReport.action_id == action_id, StatusReport.reporting_period_id == period_id)).scalar_one()


def versions(conn: Connection) -> dict[tuple[int, int], int]:
    """(action, period) → its current version, for every pair with a report (a form keeps these
    from the moment it was drawn)."""
    rows = conn.execute(select(StatusReport.action_id, StatusReport.reporting_period_id, func.count())
                        .group_by(StatusReport.action_id, StatusReport.reporting_period_id)).all()
    return {(action, period): count for action, period, count in rows}


def add_report(conn: Connection, report: NewReport, *, username: str, roles,
               expected_version: int | None = None) -> int:
    """Validate and append a report in the caller's transaction; returns its id.

    Raises StatusReportError (Dutch messages) when refused, StaleReport when ``expected_version``
    is no longer the current one, PermissionError when the user may not edit.
    """
    if not may_edit(roles):
        raise PermissionError("Alleen leerplicht en beheer mogen statusrapportages toevoegen.")
    errors = validation_errors(report)
    if conn.execute(select(PolicyAction.id).where(PolicyAction.id == report.action_id)).first() is None:
        errors.append("Deze LEA-actie bestaat niet.")
    if conn.execute(select(ReportingPeriod.id).where(ReportingPeriod.id == report.period_id)).first() is None:
        errors.append("Deze rapportageperiode bestaat niet.")
    if errors:
        raise StatusReportError(errors)
    version = current_version(conn, report.action_id, report.period_id)
    if expected_version is not None and version != expected_version:
        raise _stale(conn, report, version)
    try:
        # PostgreSQL aborts the whole transaction on a failed statement: a savepoint keeps it usable
        # to say what changed. SQLite undoes only the statement (and pysqlite's savepoints would
        # commit the caller's transaction early), so none there.
        with conn.begin_nested() if conn.dialect.name != "sqlite" else nullcontext():
            report_id = conn.execute(insert(StatusReport).values(
                action_id=report.action_id, reporting_period_id=report.period_id, **report.lights(),
                **report.explanation(), author=username, created_at=audit.utcnow(), version=version + 1,
            ).returning(StatusReport.id)).scalar_one()
    except IntegrityError:  # another report took version + 1 between our count and our insert
        raise _stale(conn, report, current_version(conn, report.action_id, report.period_id)) from None
    audit.record(conn, AUDIT_ACTION, username=username, role=",".join(roles), object_type="status_report",
                 object_id=report_id, details={"action_id": report.action_id, "period_id": report.period_id,
                                                **report.lights()})
    return report_id


def _stale(conn: Connection, report: NewReport, version: int) -> StaleReport:
    last = conn.execute(select(StatusReport.author, StatusReport.created_at, StatusReport.quality,
                               StatusReport.time, StatusReport.money)
                        .where(StatusReport.action_id == report.action_id,
                               StatusReport.reporting_period_id == report.period_id)
                        .order_by(StatusReport.created_at.desc(), StatusReport.id.desc()).limit(1)).first()
    what = (f" door {last.author} ({last.created_at:%d-%m-%Y %H:%M} UTC): kwaliteit {last.quality}, "
            f"tijd {last.time}, geld {last.money}") if last else ""
    return StaleReport([f"Voor deze actie en periode is intussen een rapportage toegevoegd{what}. Uw rapportage "
                        "is niet opgeslagen maar staat nog in het formulier: bekijk de nieuwe en sla opnieuw op."],
                       version)


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} en {items[-1]}"
