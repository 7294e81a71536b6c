"""Database-level guard: audit rows cannot be updated (both databases) or
deleted (PostgreSQL; see docs/decisions/0005-audit-chain.md for SQLite)."""

from django.db import migrations

SQLITE_UP = [
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_auditrecord "
    "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS audit_no_update"]

PG_UP = [
    """
    CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'audit records are append-only';
    END;
    $$ LANGUAGE plpgsql
    """,
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_auditrecord "
    "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()",
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_auditrecord "
    "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()",
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS audit_no_delete ON audit_auditrecord",
    "DROP TRIGGER IF EXISTS audit_no_update ON audit_auditrecord",
    "DROP FUNCTION IF EXISTS audit_refuse_change()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}),
        )
    ]
