"""Indexes that match the pages' queries (checked with EXPLAIN QUERY PLAN / EXPLAIN).

pupil_year's (school_year, school_id) index becomes covering (+ absence_hours,
unauthorised_hours, late_count, last_absence_on): the comparison tab's pupil_year queries
(year-to-date end, last registration, pupils with absence, persistent absence) read every pupil
of a school year; through the old index each row cost a random table lookup (SQLite: "SEARCH
pupil_year USING INDEX ix_pupil_year_school"), with the covering index they are index-only scans
("USING COVERING INDEX"). Timings: bench/RESULTS.md.

Not added, on purpose: an index on absence(category, date, …). It served
``SELECT DISTINCT pupil_id FROM absence WHERE category IN (…) AND date BETWEEN …`` but made
SQLite pick it for the per-pupil EXISTS form of the same filter (a scan of all matching rows
per pupil); the (pupil_id, date, code) unique index serves that form.

Revision ID: 0003
Revises: 0002
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COVER = ["school_year", "school_id", "absence_hours", "unauthorised_hours", "late_count", "last_absence_on"]


def upgrade() -> None:
    op.drop_index("ix_pupil_year_school", table_name="pupil_year")
    op.create_index("ix_pupil_year_school", "pupil_year", COVER)


def downgrade() -> None:
    op.drop_index("ix_pupil_year_school", table_name="pupil_year")
    op.create_index("ix_pupil_year_school", "pupil_year", ["school_year", "school_id"])
