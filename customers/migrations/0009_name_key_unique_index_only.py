"""name_key keeps only customer_unique_live_name: the plain index on it (and its LIKE twin
on PostgreSQL) served no query, and every owner change wrote them (an owner change can not
be a heap-only update on PostgreSQL, so it writes every index of the row).

The indexes are dropped by name: AlterField would make the table again on SQLite (losing
its statistics) and drops every index on the column on PostgreSQL, the unique one too."""

from django.db import migrations, models

PLAIN = "customers_customer_name_key_30a19185"


def drop_plain_indexes(apps, schema_editor):
    for name in (PLAIN, f"{PLAIN}_like"):
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def create_plain_indexes(apps, schema_editor):
    schema_editor.execute(f'CREATE INDEX "{PLAIN}" ON "customers_customer" ("name_key")')
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX "{PLAIN}_like" ON "customers_customer" '
            '("name_key" varchar_pattern_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0008_ordered_customer_name_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="customer",
                    name="name_key",
                    field=models.CharField(editable=False, max_length=200),
                ),
            ],
            database_operations=[
                migrations.RunPython(drop_plain_indexes, create_plain_indexes),
            ],
        ),
    ]
