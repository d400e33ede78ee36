"""Versions against lost updates: ``concern.version`` and ``status_report.version``.

A case is saved only when the version the officer's form was drawn with is still the current
one (data_access/cases.py); each save adds 1. Status reports are append-only, so their version
is the number of the report within its action and reporting period (1, 2, …): a new report
must name the version it corrects, and the unique index makes two reports that both claim the
same next version impossible — the second is refused instead of silently hiding the first.
Existing reports are numbered by creation time. Rows written in bulk without a version (the
demo) keep NULL, which a unique index allows more than once.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

NUMBER_REPORTS = (
    "UPDATE status_report SET version = (SELECT COUNT(*) FROM status_report AS s "
    "WHERE s.action_id = status_report.action_id "
    "AND s.reporting_period_id = status_report.reporting_period_id "
    "AND (s.created_at < status_report.created_at "
    "OR (s.created_at = status_report.created_at AND s.id <= status_report.id)))"
)


def upgrade() -> None:
    op.add_column("concern", sa.Column("version", sa.Integer, nullable=False, server_default="1"))
    op.add_column("status_report", sa.Column("version", sa.Integer, nullable=True))
    # status_report refuses UPDATE (0002): lift that for this one numbering, inside this migration's
    # transaction, and put it back
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER status_report_no_update")
        op.execute(NUMBER_REPORTS)
        op.execute("CREATE TRIGGER status_report_no_update BEFORE UPDATE ON status_report "
                   "BEGIN SELECT RAISE(ABORT, 'status_report is append-only'); END")
    else:
        op.execute("ALTER TABLE status_report DISABLE TRIGGER status_report_append_only")
        op.execute(NUMBER_REPORTS)
        op.execute("ALTER TABLE status_report ENABLE TRIGGER status_report_append_only")
    op.create_index("ux_status_report_version", "status_report",
                    ["action_id", "reporting_period_id", "version"], unique=True)


# SQLite rebuilds a table to drop a column, and the rebuild loses the table's triggers: the
# append-only ones of status_report (0002, 0007) are put back after it, as 0007 has them.
SQLITE_STATUS_REPORT_TRIGGERS = (
    "CREATE TRIGGER status_report_no_update BEFORE UPDATE ON status_report "
    "BEGIN SELECT RAISE(ABORT, 'status_report is append-only'); END",
    "CREATE TRIGGER status_report_no_delete BEFORE DELETE ON status_report "
    "BEGIN SELECT RAISE(ABORT, 'status_report is append-only'); END",
    "CREATE TRIGGER status_report_no_replace BEFORE INSERT ON status_report "
    "WHEN EXISTS (SELECT 1 FROM status_report WHERE id = NEW.id) "
    "BEGIN SELECT RAISE(ABORT, 'status_report is append-only'); END",
)


def downgrade() -> None:
    op.drop_index("ux_status_report_version", table_name="status_report")
    with op.batch_alter_table("status_report") as batch:
        batch.drop_column("version")
    with op.batch_alter_table("concern") as batch:
        batch.drop_column("version")
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("status_report_no_update", "status_report_no_delete", "status_report_no_replace"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        for statement in SQLITE_STATUS_REPORT_TRIGGERS:
            op.execute(statement)
