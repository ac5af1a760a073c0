"""The customer name index carries each name's sort key (customers.search_index.sort_key)
in its primary key, (gram, sort_key, customer): a pair's entries are then in list order,
and a keyword too common for candidates is looked for only between the names its first and
last entries give. The table is made again and filled from the names (about 1.5 minutes
at a million customers)."""

from django.db import migrations, models

from customers.search_index import CUSTOMER_NAMES

TABLE = "customers_customernamegram"


def _create(schema_editor, columns):
    key = ", ".join(f'"{c}"' for c in columns)
    definition = ", ".join(f'"{c}" bigint NOT NULL' for c in columns)
    if schema_editor.connection.vendor == "sqlite":
        # The table is its primary key (WITHOUT ROWID), as since 0004.
        return f'CREATE TABLE "{TABLE}" ({definition}, PRIMARY KEY ({key})) WITHOUT ROWID'
    return f'CREATE TABLE "{TABLE}" ({definition}, CONSTRAINT "{TABLE}_pkey" PRIMARY KEY ({key}))'


def with_sort_keys(apps, schema_editor):
    schema_editor.execute(f'DROP TABLE "{TABLE}"')
    schema_editor.execute(_create(schema_editor, ("gram", "sort_key", "customer_id")))
    CUSTOMER_NAMES.rebuild(using=schema_editor.connection.alias, registry=apps)


def without_sort_keys(apps, schema_editor):
    schema_editor.execute(f'ALTER TABLE "{TABLE}" RENAME TO "{TABLE}_keyed"')
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'ALTER INDEX "{TABLE}_pkey" RENAME TO "{TABLE}_keyed_pkey"')
    schema_editor.execute(_create(schema_editor, ("gram", "customer_id")))
    schema_editor.execute(
        f'INSERT INTO "{TABLE}" (gram, customer_id) '
        f'SELECT DISTINCT gram, customer_id FROM "{TABLE}_keyed"'
    )
    schema_editor.execute(f'DROP TABLE "{TABLE}_keyed"')


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0007_live_owner_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="customernamegram",
                    name="sort_key",
                    field=models.BigIntegerField(default=0),
                    preserve_default=False,
                ),
                migrations.AlterField(
                    model_name="customernamegram",
                    name="pk",
                    field=models.CompositePrimaryKey(
                        "gram",
                        "sort_key",
                        "customer",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(with_sort_keys, without_sort_keys)],
        ),
    ]
