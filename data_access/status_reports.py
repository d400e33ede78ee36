"""Adding a status report: the explanation rule, append-only, audited.

A status report is never changed or deleted (the database refuses it, migration 0002); a
correction is a new report for the same action and period, and the latest one counts.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, insert, select

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


def add_report(conn: Connection, report: NewReport, *, username: str, roles) -> int:
    """Validate and append a report in the caller's transaction; returns its id.

    Raises StatusReportError (Dutch messages) when refused, PermissionError when the user may not edit.
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
    report_id = conn.execute(insert(StatusReport).values(
        action_id=report.action_id, reporting_period_id=report.period_id, **report.lights(),
        **report.explanation(), author=username, created_at=audit.utcnow(),
    ).returning(StatusReport.id)).scalar_one()
    audit.record(conn, AUDIT_ACTION, username=username, role=",".join(roles), object_type="status_report",
                 object_id=report_id, details={"action_id": report.action_id, "period_id": report.period_id,
                                                **report.lights()})
    return report_id


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} en {items[-1]}"
