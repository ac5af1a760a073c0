"""The dictionary is read once per request (settings_app.dictionary), never kept longer."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.filtersets import PoolFilterSet
from customers.testing import CustomerFactory
from settings_app import dictionary, per_request
from settings_app.models import DictionaryItem, SystemSettings

pytestmark = pytest.mark.django_db

ITEMS_TABLE = DictionaryItem._meta.db_table


def item(kind, name, order=0):
    return DictionaryItem.objects.create(kind=kind, name=name, sort_order=order)


def dictionary_reads(queries):
    return [q for q in queries if f'FROM "{ITEMS_TABLE}"' in q["sql"]]


def test_a_list_names_every_row_from_its_own_query(company, api):
    """The items come joined to the rows (customers.querysets.with_list_relations)."""
    categories = [item("category", f"Category {n}") for n in range(3)]
    regions = [item("region", f"Region {n}") for n in range(3)]
    for n in range(6):
        CustomerFactory(owner=company.rep, category=categories[n % 3], region=regions[n % 3])
    with CaptureQueriesContext(connection) as captured:
        rows = api(company.rep).get("/api/mine/").json()["results"]
    assert dictionary_reads(captured.captured_queries) == []
    assert {(r["category_name"], r["region_name"]) for r in rows} == {
        (f"Category {n}", f"Region {n}") for n in range(3)
    }


def test_a_list_page_with_its_filters_reads_the_dictionary_once(company, browser):
    category = item("category", "VIP")
    CustomerFactory(owner=company.rep, category=category)
    with CaptureQueriesContext(connection) as captured:
        page = browser(company.rep).get("/mine/")
    assert page.status_code == 200
    assert len(dictionary_reads(captured.captured_queries)) == 1
    assert page.content.decode().count(">VIP<") == 2  # the filter's option and the row


def test_a_renamed_item_shows_on_the_next_request(company, api):
    category = item("category", "Old name")
    CustomerFactory(owner=company.rep, category=category)
    assert api(company.rep).get("/api/mine/").json()["results"][0]["category_name"] == "Old name"
    DictionaryItem.objects.filter(pk=category.pk).update(name="New name")
    assert api(company.rep).get("/api/mine/").json()["results"][0]["category_name"] == "New name"


def test_within_a_request_a_saved_item_is_read_afresh():
    vip = item("category", "VIP")
    middleware = per_request.ReadOncePerRequest(lambda request: None)

    def during_request(request):
        assert dictionary.items()[vip.pk].name == "VIP"
        vip.name = "Key account"
        vip.save()
        assert dictionary.items()[vip.pk].name == "Key account"
        vip.delete()
        assert vip.pk not in dictionary.items()
        return "done"

    middleware.get_response = during_request
    assert middleware(None) == "done"


def test_the_settings_are_read_once_per_request_and_afresh_when_saved(
    django_assert_num_queries,
):
    SystemSettings.load()  # the row exists
    middleware = per_request.ReadOncePerRequest(lambda request: None)

    def during_request(request):
        with django_assert_num_queries(1):
            settings = SystemSettings.load()
            assert SystemSettings.load() is settings
        settings.force_hierarchical_sharing = not settings.force_hierarchical_sharing
        settings.save()
        with django_assert_num_queries(1):
            assert SystemSettings.load().force_hierarchical_sharing is (
                settings.force_hierarchical_sharing
            )
        return "done"

    middleware.get_response = during_request
    assert middleware(None) == "done"
    with django_assert_num_queries(2):  # outside a request: every call reads
        SystemSettings.load()
        SystemSettings.load()


def test_outside_a_request_every_call_reads_afresh(django_assert_num_queries):
    item("region", "East")
    with django_assert_num_queries(2):
        dictionary.items()
        dictionary.items()


def test_the_filter_offers_the_items_of_its_kind_in_order_and_checks_a_chosen_id():
    second = item("category", "B second", order=2)
    first = item("category", "A first", order=1)
    region = item("region", "East")
    form = PoolFilterSet({"category": str(region.pk)}).form
    field = form.fields["category"]
    assert [label for _value, label in field.choices][1:] == [first.name, second.name]
    assert not form.is_valid() and "category" in form.errors  # an id of another kind
    assert PoolFilterSet({"category": str(first.pk)}).form.is_valid()
