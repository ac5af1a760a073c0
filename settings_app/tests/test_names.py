"""A dictionary item has a name per language (issue 15): English and Chinese. Pages, the
API, exports and searches show or match the current language's name, or the other where
it has none; the quick search finds a category by either."""

import importlib
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from activities.services import interactions
from customers.management.commands import demo_data
from customers.testing import CustomerFactory
from settings_app.models import DictionaryItem, DictionaryKind

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def item(kind="category", name="", zh="", **fields):
    return DictionaryItem.objects.create(kind=kind, name=name, name_zh_hans=zh, **fields)


def test_the_label_is_the_languages_name_or_else_the_others():
    both = item(name="Key account", zh="重点客户")
    english_only = item(name="Partner")
    chinese_only = item(zh="潜在客户")
    with translation.override("en"):
        assert [str(i) for i in (both, english_only, chinese_only)] == [
            "Key account",
            "Partner",
            "潜在客户",
        ]
    with translation.override("zh-hans"):
        assert [i.label for i in (both, english_only, chinese_only)] == [
            "重点客户",
            "Partner",
            "潜在客户",
        ]


def test_the_database_wants_one_name_at_least_and_no_repeat_within_a_list():
    item(name="VIP", zh="贵宾")
    for names in ({}, {"name": "VIP"}, {"zh": "贵宾"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            item(**names)
    item(kind="region", name="VIP", zh="贵宾")  # another list
    item(name="Partner")
    item(name="Prospect")  # two items without a Chinese name are no clash


def test_the_pool_page_and_the_detail_show_the_name_of_the_language(company, browser):
    key = item(name="Key account", zh="重点客户")
    only_chinese = item(kind="region", zh="华东")
    customer = CustomerFactory(name="Bilingual Co", category=key, region=only_chinese)
    client = browser(company.rep)
    english = client.get("/pool/", **EN).content.decode()
    assert ">Key account<" in english and "重点客户" not in english
    assert ">华东<" in english  # no English name: the Chinese one
    chinese = client.get("/pool/", **ZH).content.decode()
    assert ">重点客户<" in chinese and "Key account" not in chinese
    detail = client.get(f"/pool/{customer.pk}/", **ZH).content.decode()
    assert "重点客户" in detail and "Key account" not in detail


def test_the_api_names_items_in_the_language_asked_for(company, api):
    key = item(name="Key account", zh="重点客户")
    visit = item(kind="interaction", name="Visit", zh="拜访")
    customer = CustomerFactory(name="Api Co", category=key, owner=company.rep)
    interactions.create(
        company.rep,
        customer,
        {"happened_at": timezone.now(), "subject": "First visit", "kind": visit},
    )
    client = api(company.rep)
    english = client.get(f"/api/customers/{customer.pk}/", **EN).json()
    chinese = client.get(f"/api/customers/{customer.pk}/", **ZH).json()
    assert (english["category_name"], chinese["category_name"]) == ("Key account", "重点客户")
    rows = client.get(f"/api/customers/{customer.pk}/interactions/", **ZH).json()["results"]
    assert rows[0]["kind_name"] == "拜访"
    listed = client.get("/api/dictionary/category/", **ZH).json()
    assert listed == [
        {
            "id": key.pk,
            "kind": "category",
            "name": "Key account",
            "name_zh_hans": "重点客户",
            "label": "重点客户",
            "sort_order": 0,
            "is_active": True,
        }
    ]


def test_the_dictionary_page_shows_both_names_and_leads_with_the_languages(company, browser):
    key = item(name="Key account", zh="重点客户")
    client = browser(company.admin)
    for language, label in ((EN, "Key account"), (ZH, "重点客户")):
        page = client.get("/settings/dictionary/category/", **language).content.decode()
        assert f'data-testid="label-{key.pk}">{label}<' in page
        assert "Key account" in page and "重点客户" in page


def test_a_choice_list_offers_the_languages_names(company, browser):
    item(name="Key account", zh="重点客户")
    client = browser(company.rep)
    assert ">重点客户</option>" in client.get("/customers/new/?claim=1", **ZH).content.decode()
    assert ">Key account</option>" in client.get("/customers/new/?claim=1", **EN).content.decode()


@pytest.mark.parametrize("keyword", ["Key acc", "key ACCOUNT", "重点", "重点客户"])
def test_the_quick_search_finds_a_category_by_either_name(company, api, keyword):
    key = item(name="Key account", zh="重点客户")
    found = CustomerFactory(name="Zqfound Ltd", category=key)
    CustomerFactory(name="Zqother Ltd")
    rows = api(company.rep).get("/api/pool/", {"search": keyword}).json()["results"]
    assert [row["id"] for row in rows] == [found.pk]


def test_the_api_adds_and_renames_either_name_with_the_same_rules(company, api):
    admin = api(company.admin)
    made = admin.post("/api/dictionary/source/", {"name_zh_hans": "展会"}, format="json")
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    clash = admin.post("/api/dictionary/source/", {"name": "展会"}, format="json")
    assert clash.status_code == 400 and "展会" in clash.json()["detail"]
    named = admin.patch(f"/api/dictionary/source/{pk}/", {"name": "Trade show"}, format="json")
    assert named.status_code == 200, named.content
    assert (named.json()["name"], named.json()["name_zh_hans"]) == ("Trade show", "展会")
    emptied = admin.patch(
        f"/api/dictionary/source/{pk}/", {"name": "", "name_zh_hans": ""}, format="json"
    )
    assert emptied.status_code == 400
    assert DictionaryItem.objects.get(pk=pk).label == "Trade show"


def test_the_migration_moves_each_chinese_name_to_its_language():
    migration = importlib.import_module(
        "settings_app.migrations.0005_dictionary_names_per_language"
    )
    chinese = item(name="重点客户")
    mixed = item(kind="industry", name="CRM 软件")
    english = item(name="Key account")
    migration.names_by_language(apps, None)
    for row in (chinese, mixed, english):
        row.refresh_from_db()
    assert (chinese.name, chinese.name_zh_hans) == ("", "重点客户")
    assert (mixed.name, mixed.name_zh_hans) == ("", "CRM 软件")
    assert (english.name, english.name_zh_hans) == ("Key account", "")
    migration.one_name(apps, None)  # and back
    chinese.refresh_from_db()
    assert chinese.name == "重点客户"


def test_the_demo_names_every_item_in_both_languages_once(db):
    call_command("demo_data", customers=5, stdout=io.StringIO())
    items = list(DictionaryItem.objects.all())
    assert {i.kind for i in items} == set(DictionaryKind.values)
    assert all(i.name and i.name_zh_hans for i in items)
    for kind in DictionaryKind.values:
        names = [n for i in items if i.kind == kind for n in (i.name, i.name_zh_hans)]
        assert len(names) == len(set(names)), kind
    # Loaded again over itself (or over items the migration moved), nothing doubles.
    DictionaryItem.objects.filter(name_zh_hans="展会").update(name="")
    demo_data.Command().dictionary()
    assert DictionaryItem.objects.count() == len(items)
    assert DictionaryItem.objects.get(name_zh_hans="展会").name == "Trade show"
    # An older demo's two items, one under each name, are both kept (customers use them).
    DictionaryItem.objects.filter(name="Website").update(name_zh_hans="")
    item(kind="source", zh="官网")
    demo_data.Command().dictionary()
    assert DictionaryItem.objects.filter(kind="source", name="Website").exists()
    assert DictionaryItem.objects.filter(kind="source", name_zh_hans="官网").exists()
