"""Database helpers that know nothing of customers."""

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models.sql import UpdateQuery


def update_returning_ids(queryset, **values) -> list:
    """Run `queryset.update(**values)` as one statement and return the primary keys of the
    rows it changed (UPDATE … RETURNING, on SQLite ≥ 3.35 and PostgreSQL).

    This is how a conditional transition learns which rows it won: the WHERE clause holds
    the precondition, so a row someone else changed first is simply not returned."""
    query = queryset.query.chain(UpdateQuery)
    query.add_update_values(values)
    query.annotations = {}
    compiler = query.get_compiler(queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # e.g. pk__in=[]: nothing can match
        return []
    if not sql:
        return []
    connection = connections[queryset.db]
    pk_column = connection.ops.quote_name(queryset.model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} RETURNING {pk_column}", params)
        return [row[0] for row in cursor.fetchall()]
