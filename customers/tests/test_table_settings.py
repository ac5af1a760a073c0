"""The customer table's storage settings on PostgreSQL (migration 0023): vacuumed after 1 %
of its rows changed, so index-only scans over it stay index-only on a busy site."""

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's autovacuum"),
]


def test_the_customer_table_is_vacuumed_after_one_percent_changed():
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'customers_customer'")
        (options,) = cursor.fetchone()
    assert set(options or ()) >= {
        "autovacuum_vacuum_scale_factor=0.01",
        "autovacuum_vacuum_insert_scale_factor=0.01",
        "autovacuum_analyze_scale_factor=0.02",
    }
