"""ix_absence_category_day on absence (category, date, school_id, pupil_id).

Small-cell suppression counts the pupils behind a figure exactly (DESIGN, Definitions). The few
cells whose summary bounds leave it open are recounted from the absence rows; they are almost
always of the rare categories (luxe, schorsing, te laat), and this index lets that recount read
only those categories' rows instead of every row of the period (bench/RESULTS.md).

Revision ID: 0011
Revises: 0010
"""
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_absence_category_day", "absence", ["category", "date", "school_id", "pupil_id"])


def downgrade() -> None:
    op.drop_index("ix_absence_category_day", table_name="absence")
