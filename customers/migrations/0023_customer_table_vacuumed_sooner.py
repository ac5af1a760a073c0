"""PostgreSQL vacuums the customer table after 1 % of its rows changed, not after the
default 20 %: every claim, return and edit clears its page's bit in the table's visibility
map until a vacuum sets it again, and until then an index-only scan over the owner index
reads each row from the table as well (benchmark rows "reports, supervisor, all", after
the set-up's working records touched 60,000 customers: benchmarks/RESULTS.md, Reports).
SQLite has no vacuum of this kind: nothing to do there."""

from django.db import migrations

TABLE = "customers_customer"
SETTINGS = {
    "autovacuum_vacuum_scale_factor": "0.01",
    "autovacuum_vacuum_insert_scale_factor": "0.01",
    "autovacuum_analyze_scale_factor": "0.02",
}


def vacuum_sooner(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        options = ", ".join(f"{name} = {value}" for name, value in SETTINGS.items())
        schema_editor.execute(f'ALTER TABLE "{TABLE}" SET ({options})')


def vacuum_by_default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'ALTER TABLE "{TABLE}" RESET ({", ".join(SETTINGS)})')


class Migration(migrations.Migration):
    dependencies = [("customers", "0022_pool_in_list_indexes")]

    operations = [migrations.RunPython(vacuum_sooner, vacuum_by_default)]
