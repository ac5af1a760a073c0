"""Chinese names sort by pinyin, as Chinese users expect (issue 15 point 8): 北京 ‹ 广州 ‹
南京 ‹ 上海, Latin names among them by their letters, through a stored key
(Customer.sort_name) that every name order's index holds, so it stays one index range at
any size."""

import importlib

import pytest
from django.apps import apps
from django.db import connection, transaction

from customers.models import Customer
from customers.normalize import SORT_NAME_MAX_LENGTH, sort_name
from customers.services import details
from customers.sorting import PUBLIC_SORTS, RECORD_SORTS, sort_for
from customers.testing import CustomerFactory

pytestmark = pytest.mark.django_db

# In the order a Chinese reader expects (code points put every Latin name first and
# 上海 before 北京).
EXPECTED = [
    "阿里巴巴",
    "Acme Trading",
    "北京建材",
    "重庆火锅",
    "广州贸易",
    "南京机械",
    "上海电气",
    "Zeta Ltd",
]


def test_the_key_reads_chinese_as_pinyin_and_folds_the_rest():
    assert sort_name("上海") == "shang hai"
    assert sort_name("重庆华为") == "chong qing hua wei"  # 重 read by its word
    assert sort_name("重量") == "zhong liang"
    assert sort_name("ＡＣＭＥ Ltd") == "acme ltd"  # full width and case do not count
    assert sort_name("上海Norvex科技") == "shang hai norvex ke ji"
    assert sort_name("  3M  中国 ") == "3m zhong guo"
    assert sort_name("") == ""
    assert len(sort_name("龘" * 200)) == SORT_NAME_MAX_LENGTH


def test_the_keys_put_names_in_the_expected_order():
    assert sorted(reversed(EXPECTED), key=sort_name) == EXPECTED


def listed(api, user, ordering):
    response = api(user).get("/api/pool/", {"ordering": ordering, "page_size": 3})
    names = []
    while True:
        assert response.status_code == 200
        names += [row["name"] for row in response.json()["results"]]
        if not response.json()["next"]:
            return names
        response = api(user).get(response.json()["next"])


def test_the_pool_pages_by_pinyin_both_ways(company, api):
    for name in reversed(EXPECTED):
        CustomerFactory(name=name)
    assert listed(api, company.rep, "name") == EXPECTED
    assert listed(api, company.rep, "-name") == EXPECTED[::-1]


def test_the_list_page_shows_the_same_order(company, browser):
    for name in reversed(EXPECTED):
        CustomerFactory(name=name)
    page = browser(company.rep).get("/pool/", {"ordering": "name"}).content.decode()
    positions = [page.index(name) for name in EXPECTED]
    assert positions == sorted(positions)


def test_a_renamed_customer_moves_to_its_new_place(company):
    customer = CustomerFactory(name="北京建材", owner=company.rep)
    details.update(company.rep, customer, {"name": "上海建材"})
    customer.refresh_from_db()
    assert customer.sort_name == "shang hai jian cai"


def test_the_migration_fills_every_key():
    for name in EXPECTED:
        CustomerFactory(name=name)
    Customer.objects.update(sort_name="")
    migration = importlib.import_module("customers.migrations.0017_names_sort_by_pinyin")
    migration.fill_sort_names(apps, None)
    assert {c.name: c.sort_name for c in Customer.objects.all()} == {
        name: sort_name(name) for name in EXPECTED
    }


def plan(sql, params):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Few rows: without this the planner would rightly read the table and sort.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row) for row in cursor.fetchall())


@pytest.mark.parametrize("param", sorted({p for p, _label, _keys in PUBLIC_SORTS + RECORD_SORTS}))
@pytest.mark.parametrize("descending", [False, True])
def test_every_name_order_is_read_from_an_index(param, descending):
    """No sort step: each order that ties by name is a range of one index."""
    CustomerFactory(name="北京建材")
    sorts = RECORD_SORTS if param == "last_contacted_at" else PUBLIC_SORTS
    order = sort_for(("-" if descending else "") + param, sorts)
    rows = Customer.live.order_by(*order.order_by())[:50]
    sql, params = rows.query.sql_with_params()
    with transaction.atomic():
        explained = plan(sql, params)
    assert "TEMP B-TREE" not in explained and "Sort" not in explained, explained
    assert "customer_live_" in explained, explained
