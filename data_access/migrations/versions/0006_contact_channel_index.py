"""Index for the /status evidence KPIs: contacts by channel and date.

The KPI counts (schools visited, newsletters sent in a reporting window) filter contacts on
channel and a date range and read target and school; with this index they are index-only scans
(SQLite "USING COVERING INDEX", PostgreSQL "Index Only Scan"). The /covid index
ix_contact_target_date leads with target and cannot serve a channel + date range.

Revision ID: 0006
Revises: 0005
"""
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_contact_channel_date", "contact", ["channel", "date", "target", "school_id"])


def downgrade() -> None:
    op.drop_index("ix_contact_channel_date", table_name="contact")
