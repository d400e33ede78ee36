"""/jongeren (officers' list): pupil_category_year and the indexes the list reads.

- pupil_category_year: the first absence date per pupil × school year × category × school
  (models.PupilCategoryYear). The category filter ("absence of these categories this school year
  up to the reference date") becomes ``first_on <= today`` on one contiguous range, instead of an
  index probe into absence for every pupil of the list. Exact for every reference date in the
  school year, so there is nothing to fall back from. Filled here for an existing database with
  this migration's own SQL; ``aggregates.refresh_absence`` keeps it current with the same rows.
  On SQLite a WITHOUT ROWID table: its primary key is the table, read without a lookup per row.
- ix_pupil_year_pupils on pupil_year (school_year, pupil_id, totals): a school year's pupils with
  their totals from the index alone, in pupil order (ix_pupil_year_school holds no pupil_id, so
  every row cost a table lookup).
- ix_absence_unauthorised on absence (date, pupil_id, hours) WHERE category = 'ongeoorloofd': the
  current 4-school-week window's unauthorised hours by date range (a small share of all absence
  rows) instead of a probe per pupil with unauthorised absence.
- ix_contact_pupil_last on contact (pupil_id, date, concern_id): each youth's last contact,
  directly or through a case, from the index alone.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

PUPIL_YEAR_COVER = ["school_year", "pupil_id", "absence_hours", "unauthorised_hours", "late_count",
                    "last_absence_on"]
UNAUTHORISED = sa.text("category = 'ongeoorloofd'")


def upgrade() -> None:
    op.create_table(
        "pupil_category_year",
        sa.Column("school_year", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("first_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["pupil_id"], ["pupil.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("school_year", "category", "pupil_id", "school_id"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_pupil_year_pupils", "pupil_year", PUPIL_YEAR_COVER)
    op.create_index("ix_absence_unauthorised", "absence", ["date", "pupil_id", "hours"],
                    sqlite_where=UNAUTHORISED, postgresql_where=UNAUTHORISED)
    op.create_index("ix_contact_pupil_last", "contact", ["pupil_id", "date", "concern_id"])
    _fill_pupil_category_year(op.get_bind())


def _fill_pupil_category_year(conn) -> None:
    """The first absence date per pupil × school year (1 August – 31 July; 2020 is 2020/21) ×
    category × school."""
    if conn.dialect.name == "postgresql":
        school_year = ("(CAST(EXTRACT(YEAR FROM date) AS INTEGER) - "
                       "CASE WHEN EXTRACT(MONTH FROM date) < 8 THEN 1 ELSE 0 END)")
    else:
        school_year = "(CAST(strftime('%Y', date) AS INTEGER) - (CAST(strftime('%m', date) AS INTEGER) < 8))"
    conn.execute(sa.text(f"""
        INSERT INTO pupil_category_year (school_year, category, pupil_id, school_id, first_on)
        SELECT {school_year}, category, pupil_id, school_id, MIN(date)
        FROM absence
        GROUP BY {school_year}, category, pupil_id, school_id"""))


def downgrade() -> None:
    op.drop_index("ix_contact_pupil_last", table_name="contact")
    op.drop_index("ix_absence_unauthorised", table_name="absence")
    op.drop_index("ix_pupil_year_pupils", table_name="pupil_year")
    op.drop_table("pupil_category_year")
