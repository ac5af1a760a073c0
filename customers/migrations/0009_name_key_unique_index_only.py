"""name_key keeps only customer_unique_live_name: the plain index on it (and its LIKE twin
on PostgreSQL) served no query, and every owner change wrote them (an owner change can not
be a heap-only update on PostgreSQL, so it writes every index of the row)."""

from django.db import migrations, models


def statistics_again_on_sqlite(apps, schema_editor):
    """SQLite alters a column by making the table again, which forgets its statistics; its
    planner then takes the name index for a count meant to read a few keys (1 s at a
    million customers instead of 2 ms)."""
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute('ANALYZE "customers_customer"')


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0008_ordered_customer_name_index'),
    ]

    operations = [
        migrations.AlterField(
            model_name='customer',
            name='name_key',
            field=models.CharField(editable=False, max_length=200),
        ),
        migrations.RunPython(statistics_again_on_sqlite, migrations.RunPython.noop),
    ]
