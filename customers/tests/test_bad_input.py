"""Bad input through the REST API (DESIGN: "bad input is a 400, never a 500, and changes
nothing"; SPEC L7 per-record refusals, C1–C3 names, O4 dictionary, M5 shares, P6/M6 assign).

Each case checks three things: the status, a `detail` a person can act on, and that the
database is exactly as before."""

import json
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from rest_framework import serializers

from customers.models import Customer, OwnershipEvent, Share
from customers.testing import CustomerFactory, ShareFactory
from org.models import Department, User
from org.testing import UserFactory
from settings_app.models import DictionaryItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(company):
    """Customers and dictionary items in known states."""
    return SimpleNamespace(
        free=CustomerFactory(name="Free Pool Trading"),
        abc=CustomerFactory(name="ABC Co., Ltd.", owner=company.rep, phone="010-55501990"),
        reps=CustomerFactory(name="Rep Second Account", owner=company.rep),
        peers=CustomerFactory(name="Peer Owned Works", owner=company.peer),
        gone=CustomerFactory(name="Gone Away Imports", deleted_at=timezone.now()),
        region=DictionaryItem.objects.create(kind="region", name="North"),
        category=DictionaryItem.objects.create(kind="category", name="VIP"),
        retired=DictionaryItem.objects.create(kind="category", name="Retired", is_active=False),
    )


def snapshot():
    """Everything a bad request could have touched."""
    return {
        "customers": {
            row[0]: row
            for row in Customer.objects.values_list(
                "id",
                "name",
                "owner_id",
                "claimed_at",
                "deleted_at",
                "updated_at",
                "category_id",
                "region_id",
                "phone",
                "notes",
            )
        },
        "events": sorted(OwnershipEvent.objects.values_list("id", flat=True)),
        "shares": sorted(
            Share.objects.values_list("id", "customer_id", "user_id", "department_id")
        ),
        "edits": Customer.history.count(),
        "dictionary": sorted(
            DictionaryItem.objects.values_list("id", "kind", "name", "sort_order", "is_active")
        ),
    }


@contextmanager
def unchanged():
    before = snapshot()
    yield
    assert snapshot() == before, "a refused request changed the database"


def refused(response, status, *fragments):
    """The answer is `status`, JSON with a non-empty `detail` holding every fragment."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    body = response.json()
    assert isinstance(body, dict), body
    detail = body.get("detail")
    assert isinstance(detail, str) and detail.strip(), body
    for fragment in fragments:
        # A tuple holds alternative wordings, any one of which will do.
        choices = fragment if isinstance(fragment, tuple) else (fragment,)
        assert any(str(c).lower() in detail.lower() for c in choices), (fragment, detail)
    return body


def unknown_pk(model):
    """An id no row of `model` has (sequences never go back, so above the highest)."""
    return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


def post(client, url, payload):
    return client.post(url, payload, format="json")


# --- Unknown and deleted ids: refused one by one, the rest of the batch goes on (L7) ------

PER_ID = {
    # action: (actor, the customer the actor may act on, extra payload users, its new state)
    "claim": ("rep", "free", {}, lambda c, co: c.owner_id == co.rep.pk),
    "return": ("rep", "reps", {}, lambda c, co: c.owner_id is None),
    "reclaim": ("marketer", "reps", {}, lambda c, co: c.owner_id is None),
    "assign": ("marketer", "reps", {"to": "deputy"}, lambda c, co: c.owner_id == co.deputy.pk),
    "delete": ("marketer", "free", {}, lambda c, co: c.deleted_at is not None),
    "share": (
        "rep",
        "reps",
        {"users": "deputy"},
        lambda c, co: list(c.shares.values_list("user_id", flat=True)) == [co.deputy.pk],
    ),
}


@pytest.mark.parametrize("action", PER_ID)
def test_unknown_and_deleted_ids_are_refused_one_by_one_and_the_rest_succeeds(
    company, api, book, action
):
    actor, target, extra, changed_as_asked = PER_ID[action]
    customer = getattr(book, target)
    missing = unknown_pk(Customer)
    before = snapshot()

    response = post(
        api(getattr(company, actor)),
        f"/api/customers/{action}/",
        {
            "ids": [missing, customer.pk, book.gone.pk],
            **{key: [getattr(company, who).pk] for key, who in extra.items()},
        },
    )

    assert response.status_code == 200, response.content[:500]
    body = response.json()
    assert body["done"] == [customer.pk]
    reasons = {r["id"]: r["reason"].lower() for r in body["refused"]}
    assert set(reasons) == {missing, book.gone.pk}
    assert "no such customer" in reasons[missing]
    assert any(w in reasons[book.gone.pk] for w in ("no such customer", "deleted", "recycle bin"))
    assert changed_as_asked(Customer.objects.get(pk=customer.pk), company)
    after = snapshot()
    assert {k: v for k, v in after["customers"].items() if k != customer.pk} == {
        k: v for k, v in before["customers"].items() if k != customer.pk
    }, "only the valid customer may change"
    new_events = OwnershipEvent.objects.exclude(pk__in=before["events"])
    assert list(new_events.values_list("customer_id", "action")) == [(customer.pk, action)]


# --- Ids of the wrong type: the whole request is a 400 -----------------------------------

NOT_A_NUMBER = ("integer", "whole number")
BAD_IDS = [
    pytest.param(["abc"], NOT_A_NUMBER, id="string-item"),
    pytest.param("1", "list", id="string"),
    pytest.param(None, "null", id="null"),
    pytest.param([1.5], NOT_A_NUMBER, id="fraction"),
    pytest.param({}, "list", id="object"),
    pytest.param([], "empty", id="empty-list"),
    pytest.param([True], NOT_A_NUMBER, id="boolean"),
    pytest.param([None], "null", id="null-item"),
    pytest.param([[1]], NOT_A_NUMBER, id="nested-list"),
    pytest.param([{"id": 1}], NOT_A_NUMBER, id="object-item"),
    pytest.param([0], "greater than or equal to 1", id="zero"),
    pytest.param([-3], "greater than or equal to 1", id="negative"),
]
BATCH_EXTRAS = {
    "claim": {},
    "return": {},
    "assign": {"to": "deputy"},
    "share": {"users": "deputy"},
}


@pytest.mark.parametrize("action", BATCH_EXTRAS)
@pytest.mark.parametrize(("ids", "fragment"), BAD_IDS)
def test_ids_of_the_wrong_type_are_a_400(company, api, book, action, ids, fragment):
    extra = {key: [getattr(company, who).pk] for key, who in BATCH_EXTRAS[action].items()}
    with unchanged():
        response = post(api(company.marketer), f"/api/customers/{action}/", {"ids": ids, **extra})
    refused(response, 400, "ids", fragment)


@pytest.mark.parametrize(
    "action", ["claim", "return", "reclaim", "assign", "share", "unshare", "delete", "restore"]
)
def test_a_batch_without_ids_is_a_400_on_every_action(company, api, book, action):
    with unchanged():
        response = post(api(company.marketer), f"/api/customers/{action}/", {"reason": "tidy"})
    refused(response, 400, "ids", "required")


@pytest.mark.parametrize("huge", [2**63, 10**30], ids=["2**63", "10**30"])
@pytest.mark.parametrize("action", ["claim", "reclaim"])
def test_an_id_too_large_for_the_database_is_refused_not_a_crash(company, api, book, action, huge):
    """No customer can have such an id: a per-id refusal or a 400 both tell the caller."""
    with unchanged():
        response = post(api(company.marketer), f"/api/customers/{action}/", {"ids": [huge]})
    assert response.status_code in (200, 400), (response.status_code, response.content[:300])
    body = response.json()
    if response.status_code == 200:
        assert body["done"] == []
        assert [r["id"] for r in body["refused"]] == [huge]
        assert "no such customer" in body["refused"][0]["reason"].lower()
    else:
        refused(response, 400, "ids")


# --- Assign and share targets -----------------------------------------------------------


@pytest.mark.parametrize("target", ["unknown", "inactive"])
@pytest.mark.parametrize("actor", ["marketer", "rep"])
def test_assigning_to_an_unknown_or_inactive_user_is_a_400(company, api, book, target, actor):
    if target == "inactive":
        user_id = UserFactory(username="gone", display_name="Left Company", is_active=False).pk
    else:
        user_id = unknown_pk(User)
    with unchanged():
        response = post(
            api(getattr(company, actor)),
            "/api/customers/assign/",
            {"ids": [book.reps.pk], "to": [user_id]},
        )
    refused(response, 400, "to", f"no active user with id {user_id}")


@pytest.mark.parametrize(
    ("to", "fragment"),
    [
        ([], "empty"),
        (None, "null"),
        (["abc"], NOT_A_NUMBER),
        ([1.5], NOT_A_NUMBER),
        ([True], NOT_A_NUMBER),
        ([2**63], ("no active user", "too large", "ensure")),
        ("deputy", "list"),
    ],
    ids=["empty", "null", "string-item", "fraction", "boolean", "too-large", "string"],
)
def test_assigning_without_a_proper_target_is_a_400(company, api, book, to, fragment):
    with unchanged():
        response = post(
            api(company.marketer), "/api/customers/assign/", {"ids": [book.reps.pk], "to": to}
        )
    refused(response, 400, "to", fragment)


@pytest.mark.parametrize(
    ("payload", "fragments"),
    [
        ({"ids": ["abc_pk", "reps_pk"], "to": ["deputy"]}, ["only pool managers", "several"]),
        ({"ids": ["reps_pk"], "to": ["deputy", "junior"]}, ["only pool managers", "several"]),
    ],
    ids=["two-customers", "two-users"],
)
@pytest.mark.parametrize("actor", ["rep", "manager"])
def test_only_pool_managers_may_assign_in_batches(company, api, book, actor, payload, fragments):
    names = {"abc_pk": book.abc.pk, "reps_pk": book.reps.pk}
    body = {
        "ids": [names[x] for x in payload["ids"]],
        "to": [getattr(company, who).pk for who in payload["to"]],
    }
    with unchanged():
        response = post(api(getattr(company, actor)), "/api/customers/assign/", body)
    refused(response, 400, *fragments)


def test_sharing_with_an_unknown_department_is_a_400(company, api, book):
    missing = unknown_pk(Department)
    with unchanged():
        batch = post(
            api(company.rep),
            "/api/customers/share/",
            {"ids": [book.reps.pk], "departments": [missing]},
        )
        tab = post(
            api(company.rep), f"/api/customers/{book.reps.pk}/shares/", {"departments": [missing]}
        )
    refused(batch, 400, "departments", f"no department with id {missing}")
    refused(tab, 400, "departments", f"no department with id {missing}")


def test_sharing_with_an_unknown_user_or_with_nobody_is_a_400(company, api, book):
    missing = unknown_pk(User)
    with unchanged():
        unknown = post(
            api(company.rep), "/api/customers/share/", {"ids": [book.reps.pk], "users": [missing]}
        )
        nobody = post(api(company.rep), "/api/customers/share/", {"ids": [book.reps.pk]})
    refused(unknown, 400, "users", f"no active user with id {missing}")
    refused(nobody, 400, "choose at least one user or department")


# --- Customer names (C1, C3) -------------------------------------------------------------

NEW_CUSTOMER = {
    "pool": ("post", "/api/pool/", {}),
    "pool+claim": ("post", "/api/pool/", {"claim": True}),
    "mine": ("post", "/api/mine/", {}),
    "edit": ("patch", "/api/customers/{reps}/", {}),
}


def save_name(company, api, book, where, name, **more):
    method, url, extra = NEW_CUSTOMER[where]
    client = api(company.rep)
    return getattr(client, method)(
        url.format(reps=book.reps.pk), {"name": name, **extra, **more}, format="json"
    )


@pytest.mark.parametrize("where", NEW_CUSTOMER)
@pytest.mark.parametrize("name", ["x" * 201, "名" * 201], ids=["latin", "cjk"])
def test_a_name_of_201_characters_is_a_400(company, api, book, where, name):
    with unchanged():
        response = save_name(company, api, book, where, name)
    refused(response, 400, "name", "200 characters")


@pytest.mark.parametrize("where", NEW_CUSTOMER)
def test_a_name_of_200_characters_is_accepted(company, api, book, where):
    name = "y" * 199 + "名"
    response = save_name(company, api, book, where, name)
    assert response.status_code in (200, 201), response.content[:300]
    assert Customer.live.filter(name=name).count() == 1


@pytest.mark.parametrize("where", NEW_CUSTOMER)
@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("", "blank"),
        ("   ", "blank"),
        ("\t\n ", "blank"),
        ("\u3000\u3000", "blank"),
        (None, "null"),
    ],
    ids=["empty", "spaces", "tabs", "full-width-spaces", "null"],
)
def test_an_empty_or_blank_name_is_a_400(company, api, book, where, name, fragment):
    with unchanged():
        response = save_name(company, api, book, where, name)
    refused(response, 400, "name", fragment)


@pytest.mark.parametrize("where", ["pool", "mine"])
def test_a_new_customer_without_a_name_is_a_400(company, api, book, where):
    with unchanged():
        response = api(company.rep).post(NEW_CUSTOMER[where][1], {"phone": "123"}, format="json")
    refused(response, 400, "name", "required")


DUPLICATES = [
    "abc",
    "ABC",
    "ＡＢＣ有限公司",
    "Ａｂｃ，Ｃｏ．，Ｌｔｄ．",
    "A B C",
    "a.b.c",
    "ABC Inc.",
    "ABC Company Limited",
    "abc 股份有限公司",
    "  ABC Co., Ltd.  ",
]


# Every variant when creating in the pool; a few through the other doors.
DUPLICATE_CASES = [("pool", name) for name in DUPLICATES] + [
    (where, name) for where in ("pool+claim", "mine", "edit") for name in DUPLICATES[2:5]
]


@pytest.mark.parametrize(("where", "name"), DUPLICATE_CASES)
def test_a_name_that_normalises_to_an_existing_one_is_a_400_naming_it(
    company, api, book, where, name
):
    with unchanged():
        response = save_name(company, api, book, where, name)
    body = refused(response, 400, '"ABC Co., Ltd."', f"id {book.abc.pk}", "Rep Li")
    assert "010-55501990" not in json.dumps(body), "the refusal leaks a private field (C2)"


# --- Dictionary references (O4) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "item"),
    [("category", "region"), ("region", "category"), ("category", "retired"), ("industry", 0)],
    ids=["region-as-category", "category-as-region", "disabled-category", "no-such-item"],
)
@pytest.mark.parametrize("where", ["pool", "edit"])
def test_a_dictionary_item_of_the_wrong_kind_is_a_400(company, api, book, where, field, item):
    item_id = getattr(book, item).pk if item else unknown_pk(DictionaryItem)
    method, url, _extra = NEW_CUSTOMER[where]
    with unchanged():
        response = getattr(api(company.rep), method)(
            url.format(reps=book.reps.pk), {"name": "Fresh Name Ltd", field: item_id}, format="json"
        )
    refused(response, 400, field, item_id)


def test_an_unknown_dictionary_kind_is_a_404_listing_the_known_ones(company, api, book):
    with unchanged():
        read = api(company.rep).get("/api/dictionary/bogus/")
        write = post(api(company.admin), "/api/dictionary/bogus/", {"name": "Anything"})
    refused(read, 404, "bogus", "category", "region")
    refused(write, 404, "bogus")


# --- Editing a customer one may only read -------------------------------------------------


@pytest.mark.parametrize("reader", ["sharee", "department-sharee", "supervisor"])
def test_only_the_owner_may_patch_a_customer(company, api, book, reader):
    if reader == "sharee":
        ShareFactory(customer=book.abc, user=company.peer, shared_by=company.rep)
        user = company.peer
    elif reader == "department-sharee":
        ShareFactory(customer=book.abc, department=company.support, shared_by=company.rep)
        user = company.peer
    else:
        user = company.manager
    client = api(user)
    assert client.get(f"/api/customers/{book.abc.pk}/").status_code == 200, "may read it"
    with unchanged():
        response = client.patch(
            f"/api/customers/{book.abc.pk}/", {"notes": "mine now", "name": "Taken"}, format="json"
        )
    refused(response, 403, "only its owner may change it")


def test_patching_a_customer_one_cannot_see_is_a_404(company, api, book):
    with unchanged():
        response = api(company.deputy).patch(
            f"/api/customers/{book.abc.pk}/", {"notes": "x"}, format="json"
        )
    refused(response, 404, f"no customer with id {book.abc.pk}")


def test_renaming_to_a_name_taken_by_another_customer_is_a_400(company, api, book):
    with unchanged():
        response = api(company.rep).patch(
            f"/api/customers/{book.reps.pk}/",
            {"name": "ＡＢＣ 有限公司", "notes": "x"},
            format="json",
        )
    refused(response, 400, '"ABC Co., Ltd."', f"id {book.abc.pk}")


# --- List parameters (L2, L3, L4, S2) -----------------------------------------------------


@pytest.mark.parametrize("value", ["2024-13-01", "2024-02-30", "soon"])
@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/api/pool/", "created_after"),
        ("/api/pool/", "created_before"),
        ("/api/mine/", "created_after"),
        ("/api/mine/", "contacted_before"),
        ("/api/shared/", "contacted_after"),
        ("/api/shared/", "contacted_before"),
    ],
)
def test_a_malformed_date_filter_is_a_400(company, api, book, url, param, value):
    response = api(company.manager).get(url, {param: value})
    refused(response, 400, param, "valid date")


@pytest.mark.parametrize(
    ("url", "value"),
    [
        ("/api/pool/", "bogus"),
        ("/api/pool/", "-bogus"),
        ("/api/pool/", "phone"),  # a private field: the pool may not sort by it (C2)
        ("/api/pool/", "notes"),
        ("/api/mine/", "bogus"),
        ("/api/mine/", "name,bogus"),
        ("/api/shared/", "-nope"),
    ],
)
def test_an_unknown_ordering_is_a_400(company, api, book, url, value):
    response = api(company.manager).get(url, {"ordering": value})
    refused(response, 400, "ordering", value.split(",")[-1].lstrip("-"))


@pytest.mark.parametrize("size", ["201", "0", "-1", "abc", "1.5", ""])
@pytest.mark.parametrize("url", ["/api/pool/", "/api/mine/", "/api/shared/"])
def test_a_page_size_outside_1_to_200_is_a_400(company, api, book, url, size):
    response = api(company.manager).get(url, {"page_size": size})
    refused(response, 400, "page_size", "from 1 to 200")


@pytest.mark.parametrize("cursor", ["abc", "-1", "WyJuIiwxXQ", "bm90IGpzb24"])
@pytest.mark.parametrize("url", ["/api/pool/", "/api/mine/", "/api/shared/"])
def test_a_damaged_page_link_is_a_400(company, api, book, url, cursor):
    response = api(company.manager).get(url, {"cursor": cursor})
    refused(response, 400, "cursor", "first page")


def test_the_shared_view_refuses_an_unknown_scope_or_a_non_numeric_person(company, api, book):
    client = api(company.manager)
    refused(client.get("/api/shared/", {"scope": "bogus"}), 400, "scope", "subordinates")
    refused(client.get("/api/shared/", {"shared_by": "abc"}), 400, "shared_by", "user id")


# --- Bodies that are not JSON objects ---------------------------------------------------


def json_endpoints(book):
    return [
        ("post", "/api/customers/claim/"),
        ("post", "/api/customers/assign/"),
        ("post", "/api/pool/"),
        ("post", "/api/mine/"),
        ("patch", f"/api/customers/{book.reps.pk}/"),
        ("post", f"/api/customers/{book.reps.pk}/shares/"),
        ("post", f"/api/customers/{book.reps.pk}/contacts/"),
    ]


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ('{"ids": [1,', "JSON parse error"),
        ("{ids: [1]}", "JSON parse error"),
        ("\xff\xfe", "JSON parse error"),
        ("[1, 2]", "expected a dictionary"),
        ('"ids"', "expected a dictionary"),
    ],
    ids=["truncated", "unquoted-key", "not-utf8", "list", "string"],
)
def test_a_body_that_is_not_a_json_object_is_a_400_not_a_500(company, api, book, raw, fragment):
    client = api(company.rep)
    with unchanged():
        for method, url in json_endpoints(book):
            response = getattr(client, method)(
                url, data=raw.encode("latin-1"), content_type="application/json"
            )
            refused(response, 400, fragment)


# --- Random payloads to claim -------------------------------------------------------------

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([0, -1, 2**31, 2**63 - 1, 2**63, 10**20])
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_random_claim_payloads_get_200_or_400_and_change_nothing_unless_accepted(
    company, api, book, data
):
    real_ids = [book.free.pk, book.abc.pk, book.peers.pk, book.gone.pk]
    item = st.sampled_from(real_ids) | st.sampled_from([str(i) for i in real_ids]) | json_values
    whole_number = st.sampled_from(real_ids) | st.integers(min_value=1) | json_scalars
    payload = data.draw(
        st.one_of(
            st.fixed_dictionaries({"ids": st.lists(whole_number, min_size=1, max_size=5)}),
            st.fixed_dictionaries(
                {"ids": st.lists(item, max_size=6)}, optional={"reason": json_values}
            ),
            st.fixed_dictionaries({"ids": json_values}),
            json_values,
        ),
        label="payload",
    )
    before = snapshot()
    response = api(company.rep).post(
        "/api/customers/claim/", data=json.dumps(payload), content_type="application/json"
    )
    event(f"status {response.status_code}")
    assert response.status_code in (200, 400), (response.status_code, response.content[:300])
    if response.status_code == 400:
        refused(response, 400)
        assert snapshot() == before, "a refused request changed the database"
        return
    body = response.json()
    as_id = serializers.IntegerField().to_internal_value
    asked = [as_id(i) for i in payload["ids"]]
    answered = body["done"] + [r["id"] for r in body["refused"]]
    assert sorted(answered) == sorted(set(asked))
    assert set(Customer.objects.filter(pk__in=body["done"]).values_list("owner_id", flat=True)) <= {
        company.rep.pk
    }


def test_http_delete_on_customer_urls_deletes_nothing(company, api):
    """DELETE is not a method of these URLs: it once deleted customers from claim/ and
    share/ (a batch action named like the HTTP method) and answered 500 on a customer."""
    from customers.models import Customer
    from customers.services import ownership

    free = ownership.create(company.marketer, {"name": "Stays Put"}, claim=False)
    manager = api(company.marketer)
    for url in ("/api/customers/claim/", "/api/customers/share/", f"/api/customers/{free.pk}/"):
        answer = manager.delete(url, {"ids": [free.pk]}, format="json")
        assert answer.status_code == 405, (url, answer.status_code, answer.content[:200])
    assert Customer.live.filter(pk=free.pk).exists()
    done = manager.post("/api/customers/delete/", {"ids": [free.pk]}, format="json")
    assert done.json()["done"] == [free.pk]


@pytest.mark.parametrize("levels", [40, 5000, 100_000])
def test_deeply_nested_json_is_a_clear_400_everywhere(company, api, levels):
    """A RecursionError was a 500 on every JSON endpoint, the token endpoint included."""
    body = "[" * levels + "]" * levels
    nested = '{"ids": ' + body + "}"
    for client, url in (
        (api(company.rep), "/api/customers/claim/"),
        (api(company.rep), "/api/mine/"),
        (api(None), "/api/auth/token/"),
    ):
        answer = client.generic("POST", url, nested, content_type="application/json")
        assert answer.status_code == 400, (url, answer.status_code)
        assert "nested" in answer.json()["detail"]


def test_odd_numbers_and_invisible_names_are_clear_refusals(company, api, browser):
    """Each once answered 500, or was stored (issue: small leaks and crashes)."""
    rep = api(company.rep)
    for raw in ("99999999999999999999999", "²", "١"):
        assert rep.get("/api/shared/", {"shared_by": raw}).status_code == 400, raw
        assert browser(company.rep).get("/shared/", {"shared_by": raw}).status_code == 200
        answer = browser(company.rep).post("/customers/batch/", {"action": "claim", "ids": raw})
        assert answer.status_code in (302, 303), raw
    for name in ("\u200b", " \u2060 ", "   "):
        made = rep.post("/api/mine/", {"name": name}, format="json")
        assert made.status_code == 400 and "name" in made.json(), repr(name)
    customer = rep.post("/api/mine/", {"name": "Visible"}, format="json").json()
    edit = rep.patch(f"/api/customers/{customer['id']}/", {"name": "\u200b"}, format="json")
    assert edit.status_code == 400


def test_dates_far_off_and_endless_quotes_are_refused(company, api):
    from customers.testing import CustomerFactory
    from records.testing import counts, refused, tab_url

    customer = CustomerFactory(name="Dated", owner=company.rep)
    client = api(company.rep)
    before = counts()
    for when in ("0001-01-01T09:00:00Z", "9999-12-31T09:00:00Z"):
        body = {"happened_at": when, "subject": "Ancient call"}
        refused(client.post(tab_url(customer, "interactions"), body, format="json"), before)
    line = {"product": "Bolt", "quantity": "1", "unit_price": "1.00"}
    body = {"date": "2025-05-01", "lines": [line] * 201}
    refused(client.post(tab_url(customer, "quotes"), body, format="json"), before, "lines")


def test_who_is_an_administrator_is_for_administrators(company, api):
    people = api(company.rep).get("/api/users/", {"page_size": 200}).json()["results"]
    others = [p for p in people if p["id"] != company.rep.pk]
    assert others and not any("is_staff" in p or "is_administrator" in p for p in others)
    seen_by_admin = api(company.admin).get("/api/users/", {"page_size": 200}).json()["results"]
    assert all("is_administrator" in p for p in seen_by_admin)
    assert "is_administrator" in api(company.rep).get("/api/me/").json()


def test_a_call_without_credentials_is_told_to_authenticate(api):
    answer = api(None).get("/api/pool/")
    assert answer.status_code == 401 and answer["WWW-Authenticate"].startswith("Token")
