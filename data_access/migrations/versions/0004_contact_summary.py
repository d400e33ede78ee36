"""/covid (contacts) summary tables: contact_segment and contact_segment_school.

contact_segment holds the officers' contacts with a school of their own per segment (a week, cut
in two where a month begins) × the school's sector and scope × target × channel (see
models.ContactSegment): /covid reads its counts per sector group from it instead of finding every
contact's school row by row. contact_segment_school keeps the sector and scope each school had when
contact_segment was built, so a school changed since shows as stale.

Both are filled here for an existing database, with this migration's own SQL (a migration must
keep doing what it did when it was written, whatever the live code becomes); afterwards every
writer of contacts keeps them current through ``aggregates.refresh_contacts`` (imports, the
officers' contact form, ``lea refresh``), which builds the same rows.

On SQLite contact_segment is a WITHOUT ROWID table: its primary key (first day first) is the
table, so a date range is read in one pass without a lookup per row.

ix_contact_target_date on contact (target, date, channel, reached, concern_id, pupil_id,
school_id): the contacts of one target in a window — school contacts per school, family and youth
contacts with their case or pupil — from the index alone, not a table lookup per contact.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contact_segment",
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("sector", sa.String(length=8), nullable=False),
        sa.Column("in_scope", sa.Boolean(), nullable=False),
        sa.Column("target", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("month_start", sa.Date(), nullable=False),
        sa.Column("contacts", sa.Integer(), nullable=False),
        sa.Column("reached", sa.Integer(), nullable=False),
        sa.Column("led_to_concern", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("first_day", "sector", "in_scope", "target", "channel"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "contact_segment_school",
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("sector", sa.String(length=8), nullable=False),
        sa.Column("in_scope", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("school_id"),
    )
    op.create_index("ix_contact_target_date", "contact",
                    ["target", "date", "channel", "reached", "concern_id", "pupil_id", "school_id"])
    _fill_summaries(op.get_bind())


def _fill_summaries(conn) -> None:
    """contact_segment from the contacts with a school, and the sector and scope it used.

    A segment is a week cut in two where a month begins: its first day is the later of the
    week's Monday and the month's first day."""
    if conn.dialect.name == "postgresql":
        week = "CAST(date_trunc('week', contact.date) AS date)"
        month = "CAST(date_trunc('month', contact.date) AS date)"
        first_day = f"GREATEST({week}, {month})"
    else:
        week = "date(contact.date, '-' || ((CAST(strftime('%w', contact.date) AS INTEGER) + 6) % 7) || ' days')"
        month = "date(contact.date, 'start of month')"
        first_day = f"max({week}, {month})"
    conn.execute(sa.text(f"""
        INSERT INTO contact_segment (first_day, sector, in_scope, target, channel, week_start, month_start,
                                     contacts, reached, led_to_concern)
        SELECT {first_day}, school.sector, school.in_scope, contact.target, contact.channel, {week}, {month},
               COUNT(*), SUM(CASE WHEN contact.reached THEN 1 ELSE 0 END),
               SUM(CASE WHEN contact.led_to_concern THEN 1 ELSE 0 END)
        FROM contact JOIN school ON school.id = contact.school_id
        GROUP BY {week}, {month}, school.sector, school.in_scope, contact.target, contact.channel"""))
    conn.execute(sa.text("INSERT INTO contact_segment_school (school_id, sector, in_scope) "
                         "SELECT id, sector, in_scope FROM school"))


def downgrade() -> None:
    op.drop_index("ix_contact_target_date", table_name="contact")
    op.drop_table("contact_segment_school")
    op.drop_table("contact_segment")
