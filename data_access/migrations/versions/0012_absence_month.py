"""absence_month (school × calendar month × category), absentee_year (school × school year ×
category: pupils), pupil_category_year.hours and ix_pupil_category_year_school.

Periods are exact dates (DESIGN, Definitions): a month trend counts a week that straddles two
months in both. absence_week cannot split such a week, so the month trend read those weeks' days
from the absence rows (most of its time at the region tier). absence_month holds each school's
hours and distinct pupils per calendar month, so whole months need no absence rows at all.

absentee_year holds how many pupils had absence of each category (and of any, category '*') per
school and school year, so a school year's comparison counts its people without counting rows.
pupil_category_year.hours (a pupil's hours of the category at the school in the school year) gives
the spread of the pupils' hours behind a comparison's rate without reading the absence rows.
ix_pupil_category_year_school lets a comparison over several school years count each school's distinct pupils per
category over whole school years in index order, without sorting (bench/RESULTS.md).

The SQL is this migration's own (a migration is history; the live builder is
data_access/aggregates.py, which rebuilds the same rows on every import).

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "absence_month",
        sa.Column("school_id", sa.Integer, sa.ForeignKey("school.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("month_start", sa.Date, primary_key=True),
        sa.Column("category", sa.String(20), primary_key=True),
        sa.Column("hours", sa.Float, nullable=False),
        sa.Column("occurrences", sa.Integer, nullable=False),
        sa.Column("pupils", sa.Integer, nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        month = "CAST(date_trunc('month', date) AS date)"
    else:
        month = "date(date, 'start of month')"
    op.execute(f"""
        INSERT INTO absence_month (school_id, month_start, category, hours, occurrences, pupils)
        SELECT school_id, {month}, category, SUM(hours), COUNT(*), COUNT(DISTINCT pupil_id)
        FROM absence GROUP BY school_id, {month}, category""")
    op.add_column("pupil_category_year", sa.Column("hours", sa.Float, nullable=False, server_default=sa.text("0")))
    school_year = ("(CAST(EXTRACT(YEAR FROM date) AS INTEGER) - CASE WHEN EXTRACT(MONTH FROM date) < 8 THEN 1 ELSE 0 END)"
                   if op.get_bind().dialect.name == "postgresql" else
                   "(CAST(strftime('%Y', date) AS INTEGER) - (CAST(strftime('%m', date) AS INTEGER) < 8))")
    op.execute("DELETE FROM pupil_category_year")
    op.execute(f"""
        INSERT INTO pupil_category_year (school_year, category, pupil_id, school_id, first_on, hours)
        SELECT {school_year}, category, pupil_id, school_id, MIN(date), SUM(hours)
        FROM absence GROUP BY {school_year}, category, pupil_id, school_id""")
    op.create_table(
        "absentee_year",
        sa.Column("school_id", sa.Integer, sa.ForeignKey("school.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("school_year", sa.Integer, primary_key=True),
        sa.Column("category", sa.String(20), primary_key=True),
        sa.Column("pupils", sa.Integer, nullable=False),
    )
    op.execute("""
        INSERT INTO absentee_year (school_id, school_year, category, pupils)
        SELECT school_id, school_year, category, COUNT(*) FROM pupil_category_year
        GROUP BY school_id, school_year, category
        UNION ALL
        SELECT school_id, school_year, '*', COUNT(DISTINCT pupil_id) FROM pupil_category_year
        GROUP BY school_id, school_year""")
    op.create_index("ix_pupil_category_year_school", "pupil_category_year",
                    ["school_id", "category", "pupil_id", "school_year", "first_on"])


def downgrade() -> None:
    op.drop_index("ix_pupil_category_year_school", table_name="pupil_category_year")
    op.drop_table("absentee_year")
    with op.batch_alter_table("pupil_category_year") as batch:
        batch.drop_column("hours")
    op.drop_table("absence_month")
