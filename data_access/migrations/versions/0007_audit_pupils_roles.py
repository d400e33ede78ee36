"""Audit: which pupils an event showed (audit_pupil), append-only against REPLACE and TRUNCATE,
and on PostgreSQL an owner role and an app role that does not own the tables.

* ``audit_pupil(event_id, pupil_id)``: one row per pupil an audit event showed or wrote, so
  "who saw youth X" is one indexed look-up (ix_audit_pupil_pupil) instead of a scan of JSON.
* SQLite: the UPDATE/DELETE triggers of 0002 do not fire for ``INSERT OR REPLACE`` (REPLACE
  deletes the old row without firing DELETE triggers unless recursive_triggers is on), so a
  BEFORE INSERT trigger refuses a new row whose key already exists, on every append-only table.
* PostgreSQL: a trigger refuses TRUNCATE; and the app is meant to connect as a role that does
  not own the tables (an owner can drop triggers and TRUNCATE). When the connecting user may
  create roles, this migration creates the owner role (NOLOGIN) and the app role (LOGIN, no
  password: the administrator sets one), hands every table, sequence and the trigger function to
  the owner, and grants the app role SELECT/INSERT/UPDATE/DELETE — on the append-only tables
  SELECT/INSERT only. Names: env LEA_PG_OWNER_ROLE / LEA_PG_APP_ROLE (default lea_owner/lea_app).

This file holds its own SQL and imports no app code: it must mean the same forever.

Revision ID: 0007
Revises: 0006
"""
import os
import re

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

APPEND_ONLY = ("status_report", "audit_event", "audit_pupil")
EXISTING = {  # the row a REPLACE of NEW would overwrite
    "status_report": "id = NEW.id",
    "audit_event": "id = NEW.id",
    "audit_pupil": "event_id = NEW.event_id AND pupil_id = NEW.pupil_id",
}


def role_names() -> tuple[str, str]:
    owner = os.environ.get("LEA_PG_OWNER_ROLE", "lea_owner")
    app = os.environ.get("LEA_PG_APP_ROLE", "lea_app")
    for name in (owner, app):
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
            raise ValueError(f"ongeldige rolnaam {name!r} (kleine letters, cijfers en _)")
    return owner, app


def upgrade() -> None:
    op.create_table(
        "audit_pupil",
        sa.Column("event_id", sa.Integer, sa.ForeignKey("audit_event.id"), nullable=False),
        sa.Column("pupil_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("event_id", "pupil_id", name="pk_audit_pupil"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_audit_pupil_pupil", "audit_pupil", ["pupil_id", "event_id"])
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for table in APPEND_ONLY:
            if table == "audit_pupil":
                for verb in ("UPDATE", "DELETE"):
                    op.execute(f"CREATE TRIGGER audit_pupil_no_{verb.lower()} BEFORE {verb} ON audit_pupil "
                               "BEGIN SELECT RAISE(ABORT, 'audit_pupil is append-only'); END")
            op.execute(
                f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
                f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {EXISTING[table]}) "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )
        return
    op.execute("CREATE TRIGGER audit_pupil_append_only BEFORE UPDATE OR DELETE ON audit_pupil "
               "FOR EACH ROW EXECUTE FUNCTION lea_append_only()")
    for table in APPEND_ONLY:
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION lea_append_only()")
    may_create = bind.execute(sa.text(
        "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")).scalar()
    if may_create:
        _roles(*role_names())


def _roles(owner: str, app: str) -> None:
    # roles belong to the cluster, not the database: another database may have made them already
    for name, login in ((owner, "NOLOGIN"), (app, "LOGIN")):
        op.execute(f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{name}') THEN "
                   f"CREATE ROLE {name} {login}; END IF; END $$")
    # a non-superuser with CREATEROLE must be a member to hand objects to the owner
    op.execute(f"DO $$ BEGIN IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN "
               f"EXECUTE 'GRANT {owner} TO ' || quote_ident(current_user); END IF; END $$")
    tables = [r[0] for r in op.get_bind().execute(sa.text(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"))]
    for table in tables:  # ALTER TABLE … OWNER also moves the sequences the table's columns own
        op.execute(f'ALTER TABLE "{table}" OWNER TO {owner}')
    op.execute(f"ALTER FUNCTION lea_append_only() OWNER TO {owner}")
    op.execute(f"GRANT USAGE ON SCHEMA public TO {app}")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app}")
    op.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {', '.join(APPEND_ONLY)} FROM {app}")
    op.execute(f"REVOKE ALL ON alembic_version FROM {app}")
    op.execute(f"GRANT SELECT ON alembic_version TO {app}")  # the app checks the revision at start
    op.execute(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {app}")
    # tables a later migration creates (as the same migrating user) are usable by the app too
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}")
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {app}")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_replace")
    else:
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    op.drop_table("audit_pupil")
