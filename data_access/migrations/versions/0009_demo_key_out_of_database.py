"""The demo's cookie key leaves the database.

Until now the demo kept its session-cookie key in ``setting`` ('cookie_key'): anyone who could
read the database file (a copy, a backup, 0644 permissions) could forge a beheer cookie. The key
now lives in a 0600 file beside the database (data_access/demo_mode.py); this removes the old
row, so demo cookies signed with it are refused and a new key is made on the next start.

Revision ID: 0009
Revises: 0008
"""
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM setting WHERE key = 'cookie_key'")


def downgrade() -> None:
    pass  # the old key is gone on purpose; a downgraded demo makes a new one on first use
