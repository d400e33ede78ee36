"""pupil_year's (school_year, school_id) index becomes covering.

+ absence_hours, unauthorised_hours, late_count, last_absence_on: the comparison tab's pupil_year
queries (year-to-date end, last registration, pupils with absence, persistent absence) read
~34 k rows per school year at region scale; through the old index each row cost a random table
lookup (EXPLAIN QUERY PLAN: "SEARCH pupil_year USING INDEX ix_pupil_year_school"), now they are
index-only scans ("USING COVERING INDEX"). A separate revision because 0003 was already applied
to some databases.

Revision ID: 0004
Revises: 0003
"""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

COVER = ["school_year", "school_id", "absence_hours", "unauthorised_hours", "late_count", "last_absence_on"]


def upgrade() -> None:
    op.drop_index("ix_pupil_year_school", table_name="pupil_year")
    op.create_index("ix_pupil_year_school", "pupil_year", COVER)


def downgrade() -> None:
    op.drop_index("ix_pupil_year_school", table_name="pupil_year")
    op.create_index("ix_pupil_year_school", "pupil_year", ["school_year", "school_id"])
