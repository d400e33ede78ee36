"""ix_pupil_year_last_day on pupil_year (school_id, last_absence_on).

Every /scholen figure ends at each school's last registered day (DESIGN, Definitions); that day
is the largest ``last_absence_on`` of the school's pupil-years. With this index each school's
maximum is one index seek instead of a pass over every pupil-year (bench/RESULTS.md).

Revision ID: 0010
Revises: 0009
"""
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_pupil_year_last_day", "pupil_year", ["school_id", "last_absence_on"])


def downgrade() -> None:
    op.drop_index("ix_pupil_year_last_day", table_name="pupil_year")
