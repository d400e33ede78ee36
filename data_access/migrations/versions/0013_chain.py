"""The chain from signal to back in class (issue 18): interventions and outcomes as data, and
meldingen in DUO's shape.

- intervention: what an officer did in a case, with its kind and date;
- concern.outcome / outcome_explanation: DUO's closing reason and explanation;
- verzuimmelding: meldingsnummer, einddatum verzuim, vermoedelijke reden, actie door school and
  actie gewenst (the last three typed by the school: personal data).

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intervention",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("concern_id", sa.Integer, sa.ForeignKey("concern.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("officer", sa.String(64)),
    )
    op.create_index("ix_intervention_concern_id", "intervention", ["concern_id"])
    with op.batch_alter_table("concern") as batch:
        batch.add_column(sa.Column("outcome", sa.String(40)))
        batch.add_column(sa.Column("outcome_explanation", sa.String(40)))
    with op.batch_alter_table("verzuimmelding") as batch:
        batch.add_column(sa.Column("meldingsnummer", sa.String(30)))
        batch.add_column(sa.Column("absence_end", sa.Date))
        batch.add_column(sa.Column("suspected_reason", sa.String(200)))
        batch.add_column(sa.Column("school_action", sa.String(200)))
        batch.add_column(sa.Column("action_wanted", sa.String(200)))


def downgrade() -> None:
    with op.batch_alter_table("verzuimmelding") as batch:
        for column in ("action_wanted", "school_action", "suspected_reason", "absence_end", "meldingsnummer"):
            batch.drop_column(column)
    with op.batch_alter_table("concern") as batch:
        batch.drop_column("outcome_explanation")
        batch.drop_column("outcome")
    op.drop_index("ix_intervention_concern_id", table_name="intervention")
    op.drop_table("intervention")
