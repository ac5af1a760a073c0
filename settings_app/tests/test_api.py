"""System parameters and the data dictionary through the REST API (SPEC O3, O4, C2)."""

import pytest

from customers.models import Customer, SocialRelation
from customers.testing import ContactFactory, CustomerFactory
from settings_app.models import (
    BASE_PUBLIC_FIELDS,
    DictionaryItem,
    DictionaryKind,
    SystemSettings,
)

pytestmark = pytest.mark.django_db

NON_ADMINS = ["rep", "manager", "marketer", "ceo"]


def item(kind, name, order=0, active=True):
    return DictionaryItem.objects.create(kind=kind, name=name, sort_order=order, is_active=active)


# --- /api/settings/ -----------------------------------------------------------------------


def test_everyone_reads_the_settings(company, api):
    answer = api(company.rep).get("/api/settings/")
    assert answer.status_code == 200
    body = answer.json()
    assert body["force_hierarchical_sharing"] is True  # on by default (O3)
    assert body["extra_public_fields"] == []
    assert list(body["public_fields"]) == list(BASE_PUBLIC_FIELDS)
    assert api().get("/api/settings/").status_code in (401, 403)


@pytest.mark.parametrize("who", NON_ADMINS)
def test_only_administrators_change_settings(company, api, who):
    client = api(getattr(company, who))
    answer = client.patch("/api/settings/", {"force_hierarchical_sharing": False})
    assert answer.status_code == 403
    assert SystemSettings.load().force_hierarchical_sharing is True
    answer = client.patch("/api/settings/", {"extra_public_fields": ["source"]})
    assert answer.status_code == 403
    assert SystemSettings.load().extra_public_fields == []


def test_administrator_switches_hierarchical_sharing(company, api):
    admin = api(company.admin)
    off = admin.patch("/api/settings/", {"force_hierarchical_sharing": False})
    assert off.status_code == 200, off.content
    assert off.json()["force_hierarchical_sharing"] is False
    assert api(company.rep).get("/api/settings/").json()["force_hierarchical_sharing"] is False
    on = admin.patch("/api/settings/", {"force_hierarchical_sharing": True})
    assert on.json()["force_hierarchical_sharing"] is True
    assert SystemSettings.load().force_hierarchical_sharing is True


def test_administrator_adds_public_fields_but_never_private_ones(company, api):
    source = item("source", "Trade fair")
    CustomerFactory(name="Public Co", source=source, website="example.com", notes="secret")
    admin = api(company.admin)

    added = admin.patch("/api/settings/", {"extra_public_fields": ["source", "website"]})
    assert added.status_code == 200, added.content
    assert set(added.json()["public_fields"]) == {*BASE_PUBLIC_FIELDS, "source", "website"}
    row = api(company.peer).get("/api/pool/").json()["results"][0]
    assert set(row) == {*BASE_PUBLIC_FIELDS, "source", "website"}
    assert row["source"] == "Trade fair" and row["website"] == "example.com"

    for private in (["phone"], ["notes"], ["source", "address"], "source"):
        refused = admin.patch("/api/settings/", {"extra_public_fields": private})
        assert refused.status_code == 400, private
        assert "detail" in refused.json()
    assert SystemSettings.load().extra_public_fields == ["source", "website"]
    row = api(company.peer).get("/api/pool/").json()["results"][0]
    assert "notes" not in row and "phone" not in row


def test_bad_setting_values_are_a_400(company, api):
    answer = api(company.admin).patch("/api/settings/", {"force_hierarchical_sharing": "maybe"})
    assert answer.status_code == 400
    assert SystemSettings.load().force_hierarchical_sharing is True


# --- /api/dictionary/{kind}/ --------------------------------------------------------------


@pytest.mark.parametrize("kind", DictionaryKind.values)
def test_every_kind_of_the_spec_is_listed(company, api, kind):
    item(kind, "Second", 2)
    item(kind, "First", 1)
    answer = api(company.rep).get(f"/api/dictionary/{kind}/")
    assert answer.status_code == 200
    assert [(row["name"], row["kind"]) for row in answer.json()] == [
        ("First", kind),
        ("Second", kind),
    ]


def test_the_dictionaries_the_spec_names_exist():
    """O4: at least category, industry, source, region, relation, interaction, contract status."""
    assert {
        "category",
        "industry",
        "source",
        "region",
        "relation",
        "interaction",
        "expense_type",
    } <= set(DictionaryKind.values)


def test_unknown_kind_is_404(company, api):
    admin = api(company.admin)
    for url in ("/api/dictionary/colour/", "/api/dictionary/Category/"):
        assert admin.get(url).status_code == 404, url
        assert admin.post(url, {"name": "Red"}).status_code == 404, url
    assert not DictionaryItem.objects.exists()


def test_list_is_one_kind_only(company, api):
    item("category", "Key account")
    item("industry", "Mining")
    names = [row["name"] for row in api(company.rep).get("/api/dictionary/category/").json()]
    assert names == ["Key account"]


@pytest.mark.parametrize("who", NON_ADMINS)
def test_only_administrators_change_the_dictionary(company, api, who):
    existing = item("category", "Key account", 1)
    client = api(getattr(company, who))
    url = "/api/dictionary/category/"
    assert client.post(url, {"name": "Sneaky"}).status_code == 403
    assert client.patch(f"{url}{existing.pk}/", {"name": "Renamed"}).status_code == 403
    assert client.patch(f"{url}{existing.pk}/", {"is_active": False}).status_code == 403
    assert client.delete(f"{url}{existing.pk}/").status_code == 403
    existing.refresh_from_db()
    assert (existing.name, existing.is_active) == ("Key account", True)
    assert DictionaryItem.objects.count() == 1


def test_administrator_creates_items(company, api):
    admin = api(company.admin)
    created = admin.post("/api/dictionary/category/", {"name": " Key account ", "sort_order": 3})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["kind"] == "category" and body["name"] == "Key account"
    assert body["sort_order"] == 3 and body["is_active"] is True

    # Names are unique within a kind, not across kinds.
    duplicate = admin.post("/api/dictionary/category/", {"name": "Key account"})
    assert duplicate.status_code == 400
    assert "detail" in duplicate.json()
    other_kind = admin.post("/api/dictionary/industry/", {"name": "Key account"})
    assert other_kind.status_code == 201
    assert admin.post("/api/dictionary/category/", {"name": ""}).status_code == 400
    # The kind comes from the URL, not the body.
    sneaky = admin.post("/api/dictionary/region/", {"name": "North", "kind": "category"})
    assert sneaky.status_code == 201 and sneaky.json()["kind"] == "region"


def test_rename_shows_everywhere_the_item_is_used(company, api):
    vip = item("category", "VIP")
    customer = CustomerFactory(name="Renamed Co", category=vip, owner=company.rep)
    admin = api(company.admin)

    renamed = admin.patch(f"/api/dictionary/category/{vip.pk}/", {"name": "Key account"})
    assert renamed.status_code == 200, renamed.content
    assert renamed.json()["name"] == "Key account"
    assert api(company.peer).get(f"/api/pool/{customer.pk}/").json()["category"] == "Key account"
    detail = api(company.rep).get(f"/api/customers/{customer.pk}/").json()
    assert detail["category"] == vip.pk and detail["category_name"] == "Key account"

    item("category", "Taken")
    clash = admin.patch(f"/api/dictionary/category/{vip.pk}/", {"name": "Taken"})
    assert clash.status_code == 400
    # Renaming an item to its own name is no clash.
    same = admin.patch(f"/api/dictionary/category/{vip.pk}/", {"name": "Key account"})
    assert same.status_code == 200


def test_reorder(company, api):
    a = item("industry", "Alpha", 1)
    b = item("industry", "Bravo", 2)
    c = item("industry", "Charlie", 3)
    admin = api(company.admin)
    assert admin.patch(f"/api/dictionary/industry/{c.pk}/", {"sort_order": 0}).status_code == 200
    assert admin.patch(f"/api/dictionary/industry/{a.pk}/", {"sort_order": 5}).status_code == 200
    listed = [row["id"] for row in api(company.rep).get("/api/dictionary/industry/").json()]
    assert listed == [c.pk, b.pk, a.pk]
    bad = admin.patch(f"/api/dictionary/industry/{a.pk}/", {"sort_order": -1})
    assert bad.status_code == 400


def test_disabled_item_can_no_longer_be_chosen(company, api):
    vip = item("category", "VIP")
    other = CustomerFactory(name="Already VIP", category=vip, owner=company.rep)
    admin = api(company.admin)
    disabled = admin.patch(f"/api/dictionary/category/{vip.pk}/", {"is_active": False})
    assert disabled.status_code == 200, disabled.content
    assert disabled.json()["is_active"] is False

    rep = api(company.rep)
    refused = rep.post("/api/mine/", {"name": "New With Disabled", "category": vip.pk})
    assert refused.status_code == 400, refused.content
    assert "category" in refused.json()
    pool = rep.post("/api/pool/", {"name": "Pool With Disabled", "category": vip.pk})
    assert pool.status_code == 400
    assert not Customer.objects.filter(name__endswith="With Disabled").exists()

    mine = CustomerFactory(name="Plain", owner=company.rep)
    patch = rep.patch(f"/api/customers/{mine.pk}/", {"category": vip.pk})
    assert patch.status_code == 400
    mine.refresh_from_db()
    assert mine.category_id is None

    # Customers that already have it keep it, and it still reads by name.
    kept = rep.get(f"/api/customers/{other.pk}/").json()
    assert kept["category"] == vip.pk and kept["category_name"] == "VIP"
    unrelated_edit = rep.patch(f"/api/customers/{other.pk}/", {"notes": "still VIP"})
    assert unrelated_edit.status_code == 200
    assert unrelated_edit.json()["category"] == vip.pk

    # Enabled again, it can be chosen again.
    admin.patch(f"/api/dictionary/category/{vip.pk}/", {"is_active": True})
    again = rep.post("/api/mine/", {"name": "New With Enabled", "category": vip.pk})
    assert again.status_code == 201, again.content


def test_disabled_relation_type_can_no_longer_be_chosen(company, api):
    classmate = item("relation", "同学", active=False)
    contact = ContactFactory(customer=CustomerFactory(name="Rel Co", owner=company.rep))
    url = f"/api/customers/{contact.customer_id}/contacts/{contact.pk}/relations/"
    answer = api(company.rep).post(url, {"relation_type": classmate.pk, "person_name": "Li"})
    assert answer.status_code == 400
    assert not SocialRelation.objects.exists()


def test_delete_refused_while_in_use(company, api):
    vip = item("category", "VIP")
    CustomerFactory(name="Uses VIP", category=vip)
    answer = api(company.admin).delete(f"/api/dictionary/category/{vip.pk}/")
    assert answer.status_code == 409, answer.content
    assert "VIP" in answer.json()["detail"]
    assert DictionaryItem.objects.filter(pk=vip.pk).exists()


def test_delete_refused_while_a_deleted_customer_uses_it(company, api):
    """Deleted customers can be restored (P3), so they still hold on to their items."""
    region = item("region", "North")
    CustomerFactory(name="In the bin", region=region, deleted_at="2024-01-01T00:00:00Z")
    answer = api(company.admin).delete(f"/api/dictionary/region/{region.pk}/")
    assert answer.status_code == 409, answer.content
    assert DictionaryItem.objects.filter(pk=region.pk).exists()


def test_delete_refused_while_a_social_relation_uses_it(company, api):
    classmate = item("relation", "同学")
    contact = ContactFactory(customer=CustomerFactory(name="Rel Co"))
    SocialRelation.objects.create(contact=contact, relation_type=classmate, person_name="Li")
    answer = api(company.admin).delete(f"/api/dictionary/relation/{classmate.pk}/")
    assert answer.status_code == 409, answer.content
    assert DictionaryItem.objects.filter(pk=classmate.pk).exists()


def test_delete_allowed_when_unused(company, api):
    unused = item("source", "Cold call")
    item("source", "Other")
    admin = api(company.admin)
    answer = admin.delete(f"/api/dictionary/source/{unused.pk}/")
    assert answer.status_code == 204
    assert not DictionaryItem.objects.filter(pk=unused.pk).exists()
    assert [row["name"] for row in admin.get("/api/dictionary/source/").json()] == ["Other"]
    # An item of another kind is not reachable under this kind.
    industry = item("industry", "Mining")
    assert admin.delete(f"/api/dictionary/source/{industry.pk}/").status_code == 404
    assert DictionaryItem.objects.filter(pk=industry.pk).exists()


def test_administrator_sets_currency_and_attachment_limits(company, api):
    admin = api(company.admin)
    changed = admin.patch(
        "/api/settings/",
        {"currency": "usd", "attachment_max_mb": 5, "blocked_extensions": "exe msi"},
    )
    assert changed.status_code == 200, changed.content
    settings = SystemSettings.load()
    assert (settings.currency, settings.attachment_max_mb) == ("USD", 5)
    assert settings.blocked_extension_set == {"exe", "msi"}
    for bad in ({"currency": "dollars"}, {"attachment_max_mb": 0}, {"attachment_max_mb": "x"}):
        assert admin.patch("/api/settings/", bad).status_code == 400, bad
    assert SystemSettings.load().currency == "USD"
