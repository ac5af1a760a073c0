"""The settings pages for administrators (issue 15, SPEC O3, O4, C2, B9): the system
settings as a form, the data dictionary's lists — add, rename, reorder, disable, delete
only while unused — each change traced with who made it; nobody else gets in."""

import pytest

from audit.models import Action, AuditEntry
from customers.services import ownership
from customers.testing import CustomerFactory
from settings_app.models import DictionaryItem, SystemSettings

pytestmark = pytest.mark.django_db

# A salesperson, supervisors (the head of the company among them) and a pool manager.
NOT_ADMINISTRATORS = ["rep", "manager", "ceo", "marketer"]
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def item(kind="category", name="", zh="", order=0, active=True):
    return DictionaryItem.objects.create(
        kind=kind, name=name, name_zh_hans=zh, sort_order=order, is_active=active
    )


def newest(**where):
    return AuditEntry.objects.filter(**where).order_by("-id").first()


def order_of(kind="category"):
    return list(DictionaryItem.objects.filter(kind=kind).values_list("name", flat=True))


def said(response):
    return response.content.decode()


SETTINGS_FORM = {
    "force_hierarchical_sharing": "on",
    "currency": "CNY",
    "attachment_max_mb": "20",
    "blocked_extensions": "exe bat",
}


# --- who gets in ----------------------------------------------------------------------------


def test_administrators_find_settings_in_the_top_bar_and_reach_every_section(company, browser):
    category = item(name="VIP")
    client = browser(company.admin)
    home = client.get("/pool/")
    assert 'data-testid="nav-settings"' in said(home)
    page = client.get("/settings/")
    assert page.status_code == 200
    for link in ("/settings/system/", "/settings/dictionary/category/", "/settings/users/"):
        assert f'href="{link}"' in said(page)
    assert 'href="/settings/departments/"' in said(page)
    for url in (
        "/settings/system/",
        "/settings/dictionary/region/",
        f"/settings/dictionary/category/{category.pk}/",
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", NOT_ADMINISTRATORS)
def test_nobody_else_sees_the_menu_item_or_gets_in(company, browser, who):
    category = item(name="VIP")
    client = browser(getattr(company, who))
    assert 'data-testid="nav-settings"' not in said(client.get("/pool/"))
    base = f"/settings/dictionary/category/{category.pk}"
    for url in ("/settings/", "/settings/system/", "/settings/dictionary/category/", f"{base}/"):
        refused = client.get(url)
        assert refused.status_code == 403, url
        assert "Only administrators" in said(refused)
    writes = {
        "/settings/system/": {**SETTINGS_FORM, "currency": "USD"},
        "/settings/dictionary/category/": {"name": "Sneaky"},
        f"{base}/": {"name": "Hacked"},
        f"{base}/move/": {"direction": "down"},
        f"{base}/active/": {"active": "0"},
        f"{base}/delete/": {},
    }
    for url, data in writes.items():
        assert client.post(url, data).status_code == 403, url
    assert list(DictionaryItem.objects.values_list("name", "is_active")) == [("VIP", True)]
    assert SystemSettings.load().currency == "CNY"
    refusal = newest(action=Action.REFUSED)
    assert refusal.actor == getattr(company, who) and refusal.changes == {"status": 403}


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    answer = client.get("/settings/system/")
    assert answer.status_code == 302 and answer["Location"].startswith("/login/")


# --- system settings ------------------------------------------------------------------------


def test_the_settings_form_offers_public_fields_as_tick_boxes_in_the_language(company, browser):
    client = browser(company.admin)
    english = said(client.get("/settings/system/", **EN))
    assert 'type="checkbox" name="extra_public_fields" value="source"' in english
    assert "<textarea" not in english  # no JSON box
    assert "SPEC" not in english
    for label in ("Source", "Website", "Claimed at", "Last contacted at", "Updated at"):
        assert f">{label}</label>" in english, label
    chinese = said(client.get("/settings/system/", **ZH))
    for label in ("来源", "网址", "领用时间", "最近联系时间"):
        assert f">{label}</label>" in chinese, label
    assert "SPEC" not in chinese


def test_an_administrator_saves_every_setting_and_it_is_traced(company, browser, api):
    CustomerFactory(name="Public Co", website="example.com")
    client = browser(company.admin)
    saved = client.post(
        "/settings/system/",
        {
            "require_two_factor_for_administrators": "on",
            "extra_public_fields": ["website", "source"],
            "currency": "usd",
            "attachment_max_mb": "5",
            "blocked_extensions": "exe js",
        },
        follow=True,
    )
    assert saved.status_code == 200
    assert "The system settings are saved." in said(saved)
    settings = SystemSettings.load()
    assert settings.force_hierarchical_sharing is False  # an unticked box
    assert settings.require_two_factor_for_administrators is True
    assert sorted(settings.extra_public_fields) == ["source", "website"]
    assert (settings.currency, settings.attachment_max_mb) == ("USD", 5)
    assert settings.blocked_extensions == "exe js"
    row = newest(object_type="settings_app.systemsettings")
    assert row.action == Action.UPDATE and row.actor == company.admin
    assert row.changes["force_hierarchical_sharing"] == [True, False]
    assert row.changes["currency"] == ["CNY", "USD"]
    pool_row = api(company.peer).get("/api/pool/").json()["results"][0]
    assert pool_row["website"] == "example.com"


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("currency", "US1", "three-letter code"),
        ("currency", "DOLLAR", "at most 3 characters"),
        ("attachment_max_mb", "0", "greater than or equal to 1"),
        ("attachment_max_mb", "many", "whole number"),
        ("extra_public_fields", "phone", "not one of the available choices"),
        ("blocked_extensions", "x" * 501, "at most 500 characters"),
    ],
)
def test_bad_settings_are_refused_with_a_message_and_change_nothing(
    company, browser, field, value, message
):
    SystemSettings.load()
    client = browser(company.admin)
    before = AuditEntry.objects.count()
    refused = client.post("/settings/system/", {**SETTINGS_FORM, field: value})
    assert refused.status_code == 400
    assert message in said(refused)
    settings = SystemSettings.load()
    assert (settings.currency, settings.attachment_max_mb) == ("CNY", 20)
    assert settings.extra_public_fields == [] and settings.blocked_extensions != "x" * 501
    assert AuditEntry.objects.count() == before


# --- the data dictionary --------------------------------------------------------------------


def test_a_list_shows_its_items_in_order_with_both_names(company, browser):
    item(name="Second", zh="第二", order=2)
    item(name="First", zh="第一", order=1)
    item(kind="region", name="Elsewhere")
    page = said(browser(company.admin).get("/settings/dictionary/category/", **EN))
    assert page.index("First") < page.index("Second") and "Elsewhere" not in page
    assert "第一" in page and "第二" in page


def test_an_administrator_adds_an_item_at_the_end_of_its_list(company, browser):
    item(name="Existing", order=7)
    added = browser(company.admin).post(
        "/settings/dictionary/category/",
        {"name": " Strategic ", "name_zh_hans": "战略客户"},
        follow=True,
        **EN,
    )
    assert added.status_code == 200
    assert "“Strategic” is added to the list “customer category”." in said(added)
    new = DictionaryItem.objects.get(name="Strategic")
    assert (new.kind, new.name_zh_hans, new.sort_order, new.is_active) == (
        "category",
        "战略客户",
        8,
        True,
    )
    row = newest(object_type="settings_app.dictionaryitem", object_id=str(new.pk))
    assert row.action == Action.CREATE and row.actor == company.admin
    assert row.changes["name_zh_hans"] == [None, "战略客户"]


@pytest.mark.parametrize(
    "data, message",
    [
        ({"name": "", "name_zh_hans": "  "}, "Give the item a name"),
        ({"name": "vip"}, "already has an item named “vip”"),
        ({"name_zh_hans": "重点客户"}, "already has an item named “重点客户”"),
        ({"name": "重点客户"}, "already has an item named"),  # the other language's name
        ({"name": "x" * 101}, "at most 100 characters"),
        ({"name_zh_hans": "长" * 101}, "at most 100 characters"),
    ],
)
def test_a_bad_new_item_is_refused_with_a_message_and_nothing_added(
    company, browser, data, message
):
    item(name="VIP", zh="重点客户")
    refused = browser(company.admin).post("/settings/dictionary/category/", data, **EN)
    assert refused.status_code == 400
    assert message in said(refused)
    assert DictionaryItem.objects.count() == 1


def test_the_same_name_in_another_list_is_no_clash(company, browser):
    item(name="North")
    added = browser(company.admin).post("/settings/dictionary/region/", {"name": "North"})
    assert added.status_code == 302
    assert DictionaryItem.objects.filter(name="North").count() == 2


def test_an_administrator_renames_an_item_in_both_languages(company, browser, api):
    vip = item(name="VIP")
    customer = CustomerFactory(name="Renamed Co", category=vip)
    client = browser(company.admin)
    form = said(client.get(f"/settings/dictionary/category/{vip.pk}/"))
    assert 'name="name" value="VIP"' in form and 'name="name_zh_hans"' in form
    renamed = client.post(
        f"/settings/dictionary/category/{vip.pk}/",
        {"name": "Key account", "name_zh_hans": "重点客户"},
        follow=True,
    )
    assert "“VIP” is renamed: Key account / 重点客户." in said(renamed)
    vip.refresh_from_db()
    assert (vip.name, vip.name_zh_hans) == ("Key account", "重点客户")
    row = newest(object_type="settings_app.dictionaryitem", object_id=str(vip.pk))
    assert row.actor == company.admin
    assert row.changes == {"name": ["VIP", "Key account"], "name_zh_hans": [None, "重点客户"]}
    pool = api(company.peer).get(f"/api/pool/{customer.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert pool.json()["category"] == "重点客户"


def test_a_rename_that_clashes_or_is_empty_changes_nothing(company, browser):
    vip = item(name="VIP", zh="贵宾")
    item(name="Taken")
    client = browser(company.admin)
    url = f"/settings/dictionary/category/{vip.pk}/"
    for data, message in (
        ({"name": "taken", "name_zh_hans": "贵宾"}, "already has an item named “taken”"),
        ({"name": "", "name_zh_hans": ""}, "Give the item a name"),
        ({"name": "y" * 101, "name_zh_hans": "贵宾"}, "at most 100 characters"),
    ):
        refused = client.post(url, data)
        assert refused.status_code == 400 and message in said(refused), data
    vip.refresh_from_db()
    assert (vip.name, vip.name_zh_hans) == ("VIP", "贵宾")
    # Its own names are no clash.
    assert client.post(url, {"name": "VIP", "name_zh_hans": "贵宾"}).status_code == 302


def test_unknown_lists_and_items_are_a_404_that_says_so(company, browser):
    region = item(kind="region", name="North")
    client = browser(company.admin)
    unknown_kind = client.get("/settings/dictionary/colour/")
    assert unknown_kind.status_code == 404 and "No dictionary named colour" in said(unknown_kind)
    for url in (
        "/settings/dictionary/category/999999/",  # no such item
        f"/settings/dictionary/category/{region.pk}/",  # an item of another list
        "/settings/dictionary/category/999999/delete/",
        f"/settings/dictionary/category/{region.pk}/active/",
    ):
        answer = client.post(url, {"name": "X", "active": "0"})
        assert answer.status_code == 404, url
        assert "no such item" in said(answer)
    region.refresh_from_db()
    assert (region.name, region.is_active) == ("North", True)


def test_items_move_up_and_down_their_list(company, browser):
    # Made without an order, they sort by name; a move numbers the list afresh.
    alpha, bravo, charlie = (item(name=n) for n in ("Alpha", "Bravo", "Charlie"))
    client = browser(company.admin)
    moved = client.post(
        f"/settings/dictionary/category/{charlie.pk}/move/", {"direction": "up"}, follow=True
    )
    assert "“Charlie” moved up." in said(moved)
    assert order_of() == ["Alpha", "Charlie", "Bravo"]
    client.post(f"/settings/dictionary/category/{alpha.pk}/move/", {"direction": "down"})
    assert order_of() == ["Charlie", "Alpha", "Bravo"]
    row = newest(object_type="settings_app.dictionaryitem", object_id=str(alpha.pk))
    assert row.actor == company.admin and row.changes == {"sort_order": [0, 1]}

    before = AuditEntry.objects.count()
    for pk, direction, message in (
        (charlie.pk, "up", "“Charlie” is already first."),
        (bravo.pk, "down", "“Bravo” is already last."),
        (bravo.pk, "sideways", "An item moves up or down."),
    ):
        answer = client.post(
            f"/settings/dictionary/category/{pk}/move/", {"direction": direction}, follow=True
        )
        assert message in said(answer)
    assert order_of() == ["Charlie", "Alpha", "Bravo"]
    assert AuditEntry.objects.count() == before


def test_the_list_page_offers_arrows_except_past_its_ends(company, browser):
    first, last = item(name="First", order=0), item(name="Last", order=1)
    page = said(browser(company.admin).get("/settings/dictionary/category/"))
    assert f'data-testid="up-{first.pk}" disabled' in page
    assert f'data-testid="down-{last.pk}" disabled' in page
    assert f'data-testid="down-{first.pk}">' in page and f'data-testid="up-{last.pk}">' in page


def test_an_item_is_disabled_and_enabled_again(company, browser, api):
    vip = item(name="VIP")
    client = browser(company.admin)
    url = f"/settings/dictionary/category/{vip.pk}/active/"
    disabled = client.post(url, {"active": "0"}, follow=True)
    assert "“VIP” is disabled" in said(disabled)
    vip.refresh_from_db()
    assert vip.is_active is False
    row = newest(object_type="settings_app.dictionaryitem", object_id=str(vip.pk))
    assert row.actor == company.admin and row.changes == {"is_active": [True, False]}
    refused = api(company.rep).post("/api/mine/", {"name": "Too late", "category": vip.pk})
    assert refused.status_code == 400
    enabled = client.post(url, {"active": "1"}, follow=True)
    assert "“VIP” is enabled" in said(enabled)
    vip.refresh_from_db()
    assert vip.is_active is True


def test_an_unused_item_is_deleted_after_a_confirmation(company, browser):
    unused = item(name="Unused")
    client = browser(company.admin)
    page = said(client.get("/settings/dictionary/category/"))
    assert 'data-confirm="Delete “Unused”? This cannot be undone."' in page
    deleted = client.post(f"/settings/dictionary/category/{unused.pk}/delete/", follow=True)
    assert "“Unused” is deleted." in said(deleted)
    assert not DictionaryItem.objects.filter(pk=unused.pk).exists()
    row = newest(object_type="settings_app.dictionaryitem", object_id=str(unused.pk))
    assert row.action == Action.DELETE and row.actor == company.admin


def test_an_item_in_use_is_not_deleted_and_the_page_offers_to_disable_it(company, browser):
    vip = item(name="VIP")
    CustomerFactory(name="Uses VIP", category=vip)
    binned = ownership.create(company.marketer, {"name": "Binned VIP", "category": vip})
    ownership.delete(company.marketer, [binned.pk])  # a deleted customer may come back
    client = browser(company.admin)
    refused = client.post(f"/settings/dictionary/category/{vip.pk}/delete/", **EN)
    assert refused.status_code == 409
    page = said(refused)
    assert "“VIP” is in use by 2 customers or records — disable it instead." in page
    disable = f'action="/settings/dictionary/category/{vip.pk}/active/"'
    assert disable in page.split('data-testid="in-use"')[1].split("</div>")[0]
    assert DictionaryItem.objects.filter(pk=vip.pk, is_active=True).exists()
    row = newest(action=Action.REFUSED)
    assert row.actor == company.admin and "in use" in row.reason
    assert row.changes == {"status": 409}


def test_an_item_only_the_history_names_is_kept_too(company, browser, api):
    old, new = item(name="Old"), item(name="New")
    customer = ownership.create(company.rep, {"name": "Moved On", "category": old}, claim=True)
    changed = api(company.rep).patch(f"/api/customers/{customer.pk}/", {"category": new.pk})
    assert changed.status_code == 200, changed.content
    refused = browser(company.admin).post(f"/settings/dictionary/category/{old.pk}/delete/")
    assert refused.status_code == 409
    assert "still named in the change history" in said(refused)
    assert DictionaryItem.objects.filter(pk=old.pk).exists()
