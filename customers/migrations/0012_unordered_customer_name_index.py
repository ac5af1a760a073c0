"""The customer name index loses its sort keys (added by 0008): lists are paged by keyset
now (core.keyset), and a common keyword is looked for along the list's own index, so the
index no longer needs to say where in name order a keyword's matches lie. The entries are
kept, each (gram, customer) once."""

from django.db import migrations, models

from customers.search_index import CUSTOMER_NAMES

TABLE = "customers_customernamegram"


def _create(schema_editor, columns):
    key = ", ".join(f'"{c}"' for c in columns)
    definition = ", ".join(f'"{c}" bigint NOT NULL' for c in columns)
    if schema_editor.connection.vendor == "sqlite":
        return f'CREATE TABLE "{TABLE}" ({definition}, PRIMARY KEY ({key})) WITHOUT ROWID'
    return f'CREATE TABLE "{TABLE}" ({definition}, CONSTRAINT "{TABLE}_pkey" PRIMARY KEY ({key}))'


def without_sort_keys(apps, schema_editor):
    schema_editor.execute(f'ALTER TABLE "{TABLE}" RENAME TO "{TABLE}_keyed"')
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'ALTER INDEX "{TABLE}_pkey" RENAME TO "{TABLE}_keyed_pkey"')
    schema_editor.execute(_create(schema_editor, ("gram", "customer_id")))
    schema_editor.execute(
        f'INSERT INTO "{TABLE}" (gram, customer_id) '
        f'SELECT DISTINCT gram, customer_id FROM "{TABLE}_keyed" ORDER BY gram, customer_id'
    )
    schema_editor.execute(f'DROP TABLE "{TABLE}_keyed"')
    schema_editor.execute(f'ANALYZE "{TABLE}"')


def _sort_key(name, chars=3, base=0x110001):
    """0008's sort key: the name's first three code points as one integer."""
    key = 0
    for position in range(chars):
        key = key * base + (ord(name[position]) + 1 if position < len(name) else 0)
    return key


def with_sort_keys(apps, schema_editor):
    """Back to 0008's table: every entry again with its customer's sort key."""
    schema_editor.execute(f'ALTER TABLE "{TABLE}" RENAME TO "{TABLE}_plain"')
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'ALTER INDEX "{TABLE}_pkey" RENAME TO "{TABLE}_plain_pkey"')
    schema_editor.execute(_create(schema_editor, ("gram", "sort_key", "customer_id")))
    schema_editor.execute('CREATE TEMPORARY TABLE "name_sort_keys" (customer_id bigint, sort_key bigint)')
    customers = apps.get_model("customers", "Customer")._base_manager.values_list("pk", "name")
    with schema_editor.connection.cursor() as cursor:
        cursor.executemany(
            'INSERT INTO "name_sort_keys" VALUES (%s, %s)',
            [(pk, _sort_key(name)) for pk, name in customers.iterator(chunk_size=10_000)],
        )
    schema_editor.execute(
        f'INSERT INTO "{TABLE}" (gram, sort_key, customer_id) '
        f'SELECT p.gram, k.sort_key, p.customer_id FROM "{TABLE}_plain" p '
        f'JOIN "name_sort_keys" k ON k.customer_id = p.customer_id'
    )
    schema_editor.execute('DROP TABLE "name_sort_keys"')
    schema_editor.execute(f'DROP TABLE "{TABLE}_plain"')


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0011_sort_keys"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="customernamegram",
                    name="pk",
                    field=models.CompositePrimaryKey(
                        "gram", "customer", blank=True, editable=False, primary_key=True, serialize=False
                    ),
                ),
                migrations.RemoveField(model_name="customernamegram", name="sort_key"),
            ],
            database_operations=[migrations.RunPython(without_sort_keys, with_sort_keys)],
        ),
    ]
