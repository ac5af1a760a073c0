"""Rows written many at a time, for the import (benchmarks/RESULTS.md, row "import 100,000
rows into 1M": at most 60 s). Django's bulk_create compiles every value of every row
through the SQL compiler; for the seven kinds of row an imported customer writes that
was two thirds of the import's time (profiled), and the row missed its target by 2x.
Here a table's rows go in as plain rows (SQLite's executemany, PostgreSQL's COPY), and
history rows are copied by the database from the rows just written."""

from django.db import connections, router


def write_rows(connection, table, columns, rows):
    """Appends `rows` (tuples of values for `columns`) to `table`. SQLite's executemany
    reuses one prepared statement in C; PostgreSQL gets COPY, the way it loads rows
    fastest (psycopg's executemany sends one statement a row: 272,000 of them for 10,000
    imported customers, three quarters of the import's time)."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # psycopg's errors as Django's (a taken name is an IntegrityError), as
            # cursor.execute gives them.
            with connection.wrap_database_errors:
                with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)


def insert(objs):
    """Saves the new model instances `objs` (all of one model, none needing its primary key
    back). Values are prepared as Django prepares them for a save (Field.pre_save,
    Field.get_db_prep_save); signals are not sent, as bulk_create sends none."""
    objs = list(objs)
    if not objs:
        return
    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    fields = [field for field in model._meta.concrete_fields if not field.db_returning]
    rows = [
        [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
        for obj in objs
    ]
    write_rows(connection, model._meta.db_table, [field.column for field in fields], rows)
    for obj in objs:  # saved, as Model.from_db marks a row read from the database
        obj._state.adding, obj._state.db = False, connection.alias


def insert_keyed(objs, key, rows):
    """`insert(objs)`, then each one's primary key read back from `rows` (a queryset of
    the model) by the field `key`, which must tell the new rows apart (a unique live
    name, the customer a first contact belongs to)."""
    objs = list(objs)
    insert(objs)
    keys = [getattr(obj, key) for obj in objs]
    found = dict(rows.filter(**{f"{key}__in": keys}).values_list(key, "pk"))
    for obj in objs:
        obj.pk = found[getattr(obj, key)]


def copy_history(model, pks, *, user, when, history_type="+", reason=""):
    """The history rows (django-simple-history) of `model`'s rows `pks` as they are now
    in the database, as `model.history.bulk_history_create` would write them: one
    INSERT … SELECT, so no value passes through Python."""
    if not pks:
        return
    history = model.history.model
    connection = connections[router.db_for_write(history)]
    quote = connection.ops.quote_name
    tracked = list(history.tracked_fields)
    source = model._meta
    targets = [history._meta.get_field(field.name).column for field in tracked]
    own = ("history_relation", "history_date", "history_change_reason", "history_type")
    targets += [history._meta.get_field(name).column for name in (*own, "history_user")]
    date = history._meta.get_field("history_date").get_db_prep_save(when, connection)
    marks = ", ".join(["%s"] * len(pks))
    sql = "INSERT INTO {} ({}) SELECT {}, {}, %s, %s, %s, %s FROM {} WHERE {} IN ({})".format(
        quote(history._meta.db_table),
        ", ".join(quote(column) for column in targets),
        ", ".join(quote(source.get_field(field.name).column) for field in tracked),
        quote(source.pk.column),
        quote(source.db_table),
        quote(source.pk.column),
        marks,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [date, reason, history_type, user.pk if user else None, *pks])
