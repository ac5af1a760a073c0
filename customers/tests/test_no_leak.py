"""The pool never leaks a private field (SPEC C2, C3, P7, S1; DESIGN "REST API contract").

Every private value is a unique token planted in the database: customer phone, address and
notes (before and after an edit, so field history holds both), every contact field, every
social relation. Website and source are optional public fields: off by default, so their
values must stay out of the pool too until an administrator turns them on.

For every persona of the company we then read the pool (lists, filters, ordering, paging,
search), each pool detail, the duplicate search, the full-record endpoints and their tabs,
the mine/shared lists and a set of error responses, and assert that no body carries a
token the caller may not read. The pool and the duplicate search carry none at all.
"""

import json
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from customers.models import Customer, SocialRelation
from customers.testing import ContactFactory, CustomerFactory, ShareFactory
from settings_app.models import BASE_PUBLIC_FIELDS, DictionaryItem, SystemSettings

pytestmark = pytest.mark.django_db

PUBLIC_KEYS = {"id", "name", "category", "industry", "region", "status", "owner", "created_at"}

PERSONAS = ("ceo", "manager", "rep", "junior", "deputy", "peer", "marketer", "admin")

# label → (name, owner persona or None). Listed in name order; the private values are
# planted in the opposite order, so sorting or filtering by them shows in the id order.
CUSTOMERS = {
    "claimed": ("Leak Alpha", "rep"),
    "shared": ("Leak Bravo", "rep"),  # shared with deputy and with the Support department
    "subordinate": ("Leak Charlie", "junior"),
    "peer": ("Leak Delta", "peer"),
    "unclaimed": ("Leak Echo", None),
    "deleted": ("Leak Foxtrot", None),  # in the recycle bin
}
LIVE = [label for label in CUSTOMERS if label != "deleted"]

# Who may read each full record, with force hierarchical sharing on (the default):
# the owner, the owner's supervisors at any depth, and sharees (user or department).
VISIBLE_TO = {
    "claimed": {"rep", "manager", "ceo"},
    "shared": {"rep", "manager", "ceo", "deputy", "peer"},
    "subordinate": {"junior", "rep", "manager", "ceo"},
    "peer": {"peer"},
    "unclaimed": set(),
    "deleted": set(),
}


@dataclass
class World:
    company: object
    customers: dict = field(default_factory=dict)  # label → Customer
    private: dict = field(default_factory=dict)  # label → {kind: token}
    optional: dict = field(default_factory=dict)  # label → tokens of optional public fields
    source_name: str = "Zqsource Trade Fair"

    def tokens_of(self, label):
        return set(self.private[label].values())

    @property
    def all_private(self):
        return {t for label in CUSTOMERS for t in self.tokens_of(label)}

    @property
    def all_not_public(self):
        """Everything the pool must not show while the public-field setting is default."""
        return self.all_private | {t for tokens in self.optional.values() for t in tokens}

    def hidden_from(self, persona):
        """Private tokens of every customer `persona` may not read in full."""
        return {
            t
            for label in CUSTOMERS
            if persona not in VISIBLE_TO[label]
            for t in self.tokens_of(label)
        }

    def ids(self, *labels):
        return [self.customers[label].pk for label in labels]


@pytest.fixture
def world(company, api):
    w = World(company)
    dictionary = {
        kind: DictionaryItem.objects.create(kind=kind, name=f"{kind.title()} Public")
        for kind in ("category", "industry", "region")
    }
    source = DictionaryItem.objects.create(kind="source", name=w.source_name)
    relation = DictionaryItem.objects.create(kind="relation", name="Old classmate")
    count = len(CUSTOMERS)
    for index, (label, (name, owner)) in enumerate(CUSTOMERS.items()):
        rank = count - index  # reverse of the name order
        tokens = {
            "phone": f"{rank}-zqphone-{label}",
            "address": f"{rank} zqaddress road {label}",
            "notes": f"{rank} zqnotes {label}",
            "contact_name": f"{rank} Zqcontact {label}",
            "contact_title": f"zqtitle {label}",
            "contact_mobile": f"zqmobile-{label}",
            "contact_phone": f"zqcphone-{label}",
            "contact_email": f"zqemail.{label}@example.com",
            "contact_notes": f"zqcnotes {label}",
            "relation_person": f"Zqperson {label}",
            "relation_notes": f"zqrnotes {label}",
        }
        customer = CustomerFactory(
            name=name,
            phone=tokens["phone"],
            address=tokens["address"],
            notes=tokens["notes"],
            website=f"https://zqweb-{label}.example",
            source=source if label in ("claimed", "shared") else None,
            last_contacted_at=timezone.now() if label == "claimed" else None,
            owner=getattr(company, owner) if owner else None,
            **dictionary,
        )
        contact = ContactFactory(
            customer=customer,
            name=tokens["contact_name"],
            title=tokens["contact_title"],
            mobile=tokens["contact_mobile"],
            phone=tokens["contact_phone"],
            email=tokens["contact_email"],
            notes=tokens["contact_notes"],
            is_primary=True,
        )
        SocialRelation.objects.create(
            contact=contact,
            relation_type=relation,
            person_name=tokens["relation_person"],
            notes=tokens["relation_notes"],
        )
        w.customers[label] = customer
        w.private[label] = tokens
        w.optional[label] = {customer.website}
    # A second, non-primary contact on one customer.
    second = ContactFactory(
        customer=w.customers["claimed"], name="Zqsecond claimed", mobile="zqmobile2-claimed"
    )
    w.private["claimed"].update(second_name=second.name, second_mobile=second.mobile)
    w.optional["claimed"].add(w.source_name)
    w.optional["shared"].add(w.source_name)

    ShareFactory(customer=w.customers["shared"], user=company.deputy, shared_by=company.rep)
    ShareFactory(customer=w.customers["shared"], department=company.support, shared_by=company.rep)
    Customer.objects.filter(pk=w.customers["deleted"].pk).update(deleted_at=timezone.now())

    # An edit through the API, so the field history holds the old and the new notes.
    edited = "zqnotes-edited claimed"
    response = api(company.rep).patch(
        f"/api/customers/{w.customers['claimed'].pk}/", {"notes": edited}
    )
    assert response.status_code == 200, response.content
    w.private["claimed"]["notes_edited"] = edited
    return w


def leaks(text, tokens):
    low = text.lower()
    return sorted(t for t in tokens if t.lower() in low)


def assert_no_leak(response, tokens, what):
    found = leaks(response.content.decode(), tokens)
    assert not found, f"{what} answered {response.status_code} with private values {found}"


def results_text(response):
    """The data part of a list answer: `next`/`previous` echo the caller's own query."""
    body = response.json()
    return json.dumps({"count": body["count"], "results": body["results"]}, ensure_ascii=False)


def assert_public_items(items, keys=PUBLIC_KEYS):
    for item in items:
        assert set(item) == keys, item


def result_ids(response):
    return [item["id"] for item in response.json()["results"]]


# --- the pool -----------------------------------------------------------------------------

POOL_QUERIES = [
    "",
    "?page_size=200",
    "?page_size=1&cursor=WyJuIiwiTGVhayBBbHBoYSIsMV0",
    "?cursor=last&page_size=2",
    "?status=claimed&page_size=200",
    "?status=unclaimed",
    "?search=Leak&page_size=200",
    "?search=Category Public",
    "?name=Bravo",
    *(f"?ordering={o}" for o in ("-name", "-created_at", "status", "-owner", "category")),
]


@pytest.fixture
def clients(world, api):
    """persona → APIClient. A 500 comes back as a response, so a test can say which call."""
    made = {}
    for persona in PERSONAS:
        made[persona] = api(getattr(world.company, persona))
        made[persona].raise_request_exception = False
    return made


def test_pool_lists_show_public_fields_only(world, clients):
    forbidden = world.all_not_public
    for persona, client in clients.items():
        for query in POOL_QUERIES:
            response = client.get(f"/api/pool/{query}")
            assert response.status_code == 200, (persona, query, response.content)
            assert_no_leak(response, forbidden, f"{persona} GET /api/pool/{query}")
            assert_public_items(response.json()["results"])

        # The checks above looked at real data: every live customer, its public values.
        everything = client.get("/api/pool/?page_size=200")
        assert sorted(result_ids(everything)) == sorted(world.ids(*LIVE)), persona
        by_name = {item["name"]: item for item in everything.json()["results"]}
        alpha, echo = by_name["Leak Alpha"], by_name["Leak Echo"]
        assert alpha["status"] == "claimed" and alpha["owner"] == "Rep Li"
        assert alpha["category"] == "Category Public" and alpha["region"] == "Region Public"
        assert echo["status"] == "unclaimed" and echo["owner"] is None
        claimed_only = client.get("/api/pool/?status=claimed&page_size=200")
        assert sorted(result_ids(claimed_only)) == sorted(
            world.ids("claimed", "shared", "subordinate", "peer")
        )
        assert result_ids(client.get("/api/pool/?status=unclaimed")) == world.ids("unclaimed")
        assert result_ids(client.get("/api/pool/?search=alpha")) == world.ids("claimed")


def test_pool_detail_and_duplicate_search_show_public_fields_only(world, clients):
    """SPEC P7 (a pool click shows public info only) and C3 (the duplicate search too)."""
    forbidden = world.all_not_public
    for persona, client in clients.items():
        for label in LIVE:
            customer = world.customers[label]
            response = client.get(f"/api/pool/{customer.pk}/")
            assert response.status_code == 200, (persona, response.content)
            assert set(response.json()) == PUBLIC_KEYS
            assert response.json()["name"] == customer.name
            assert_no_leak(response, forbidden, f"{persona} GET /api/pool/{customer.pk}/")
        deleted = client.get(f"/api/pool/{world.customers['deleted'].pk}/")
        assert deleted.status_code == 404, persona
        assert_no_leak(deleted, forbidden, f"{persona} GET /api/pool/<deleted>/")

        every = client.get("/api/customers/duplicates/", {"name": "leak"})
        assert sorted(item["id"] for item in every.json()) == sorted(world.ids(*LIVE))
        echo = client.get("/api/customers/duplicates/", {"name": "LEAK ECHO"})
        assert [item["id"] for item in echo.json()] == world.ids("unclaimed")
        for response in (every, echo):
            assert_public_items(response.json())
            assert_no_leak(response, forbidden, f"{persona} duplicates")


def private_search_terms(world):
    """Every planted value contains "zq"; kind prefixes and whole values cover substring
    and exact-match search alike."""
    return [
        "zq",
        "zqphone",
        "zqnotes",
        "zqcontact",
        "zqemail",
        "zqperson",
        world.private["claimed"]["phone"],
        world.private["unclaimed"]["contact_name"],
        world.private["subordinate"]["relation_person"],
    ]


def test_searching_the_pool_by_a_private_value_reveals_nothing(world, clients):
    """A hit on a customer the caller may not read would tell them what its private
    fields hold (SPEC C2: nothing leaks through search results)."""
    for persona, client in clients.items():
        hidden = {world.customers[lb].pk for lb in CUSTOMERS if persona not in VISIBLE_TO[lb]}
        for term in private_search_terms(world):
            response = client.get("/api/pool/", {"search": term, "page_size": 200})
            assert response.status_code == 200, (persona, response.content)
            assert_public_items(response.json()["results"])
            found = leaks(results_text(response), world.all_not_public)
            assert not found, f"{persona}: pool search={term!r} showed {found}"
            hits = set(result_ids(response)) & hidden
            assert not hits, f"{persona}: pool search={term!r} hit hidden customers {hits}"

            duplicates = client.get("/api/customers/duplicates/", {"name": term})
            assert duplicates.status_code == 200, duplicates.content
            assert duplicates.json() == [], f"{persona}: duplicates name={term!r} matched"


# Filters and orderings over fields that are not public: each must be ignored (same answer
# as without it) or refused with a 400, never applied. The planted values are ordered
# against the names and only some customers have a source or a contact date, so an applied
# filter or ordering changes the answer.
def bogus_pool_queries(world):
    claimed = world.private["claimed"]
    return [
        {"phone": claimed["phone"]},
        {"phone": "zqphone"},
        {"contact": claimed["contact_name"]},
        {"notes": "zqnotes"},
        {"address": "zqaddress"},
        {"email": claimed["contact_email"]},
        {"source": DictionaryItem.objects.get(kind="source").pk},
        {"contacted_after": "2000-01-01"},
        {"contacts__name__icontains": "zqcontact claimed"},
        *(
            {"ordering": field}
            for field in ("phone", "-phone", "notes", "source", "contacts__name", "updated_at")
        ),
    ]


def test_pool_ignores_or_refuses_filters_on_private_fields(world, clients):
    for persona, client in clients.items():
        expected_order = result_ids(client.get("/api/pool/", {"page_size": 200}))
        assert len(expected_order) == len(LIVE)
        for params in bogus_pool_queries(world):
            response = client.get("/api/pool/", {**params, "page_size": 200})
            assert response.status_code in (200, 400), (persona, params, response.content)
            assert_no_leak(response, world.all_not_public, f"{persona} pool {params}")
            if response.status_code == 400:
                assert response.json().get("detail")
            else:
                assert result_ids(response) == expected_order, f"pool applied {params}"


# --- full records, their tabs, mine and shared ----------------------------------------------


def test_full_records_only_for_those_who_may_read_them(world, clients):
    for persona, client in clients.items():
        hidden = world.hidden_from(persona)
        for label, customer in world.customers.items():
            contact = customer.contacts.get(is_primary=True)
            base = f"/api/customers/{customer.pk}/"
            may_read = persona in VISIBLE_TO[label]
            for url in (
                base,
                f"{base}contacts/",
                f"{base}contacts/{contact.pk}/relations/",
                f"{base}history/",
            ):
                response = client.get(url)
                status = 200 if may_read else 404
                assert response.status_code == status, (persona, url, response.content)
                assert_no_leak(response, hidden, f"{persona} GET {url}")
                # The private data really is there for those who may read it (the history
                # holds field edits: only "claimed" was edited).
                if may_read and (not url.endswith("history/") or label == "claimed"):
                    assert leaks(response.content.decode(), world.tokens_of(label)), url


def test_nobody_reads_an_unclaimed_customer_in_full(world, clients):
    """Nobody owns it, so nobody sees past its public fields (SPEC C2, P7)."""
    customer = world.customers["unclaimed"]
    contact = customer.contacts.get()
    for persona, client in clients.items():
        for url in (
            f"/api/customers/{customer.pk}/",
            f"/api/customers/{customer.pk}/contacts/",
            f"/api/customers/{customer.pk}/contacts/{contact.pk}/",
            f"/api/customers/{customer.pk}/contacts/{contact.pk}/relations/",
            f"/api/customers/{customer.pk}/history/",
        ):
            response = client.get(url)
            assert response.status_code == 404, (persona, url, response.content)
            assert_no_leak(response, world.tokens_of("unclaimed"), f"{persona} GET {url}")


def test_mine_and_shared_lists_carry_only_readable_records(world, clients):
    queries = [
        "/api/mine/?page_size=200",
        "/api/shared/?page_size=200",
        "/api/shared/?scope=subordinates&page_size=200",
        "/api/shared/?search=zq&page_size=200",
        "/api/shared/?phone=zq&contact=zq&page_size=200",
    ]
    for persona, client in clients.items():
        hidden = world.hidden_from(persona)
        for url in queries:
            response = client.get(url)
            assert response.status_code == 200, (persona, url, response.content)
            assert_no_leak(response, hidden, f"{persona} GET {url}")
        owned = {lb for lb in LIVE if CUSTOMERS[lb][1] == persona}
        mine = client.get("/api/mine/?page_size=200")
        assert sorted(result_ids(mine)) == sorted(world.ids(*owned)), persona
        readable = {lb for lb in LIVE if persona in VISIBLE_TO[lb]}
        shared = client.get("/api/shared/?page_size=200")
        assert sorted(result_ids(shared)) == sorted(world.ids(*readable)), persona


@pytest.mark.parametrize("supervisor", ["manager", "ceo"])
def test_with_hierarchical_sharing_off_supervisors_lose_sight(world, clients, supervisor):
    """SPEC O3 off: a supervisor sees only what a subordinate shared with them."""
    settings = SystemSettings.load()
    settings.force_hierarchical_sharing = False
    settings.save()
    client = clients[supervisor]
    hidden = world.tokens_of("claimed") | world.tokens_of("shared") | world.tokens_of("subordinate")
    for label in ("claimed", "shared", "subordinate"):
        response = client.get(f"/api/customers/{world.customers[label].pk}/")
        assert response.status_code == 404, (label, response.content)
        assert_no_leak(response, hidden, f"{supervisor} GET {label}")
    for url in ("/api/shared/?page_size=200", "/api/shared/?scope=subordinates&page_size=200"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.json()["count"] == 0, url
        assert_no_leak(response, hidden, url)


# --- error answers -------------------------------------------------------------------------

# Batch actions every persona is refused in this state: claiming claimed (or deleted)
# customers, returning or reclaiming an unclaimed one, deleting claimed ones, restoring
# live ones. Each refusal names the customer and says why, and says nothing private.
REFUSED_BATCHES = {
    "claim": ("claimed", "shared", "subordinate", "peer", "deleted"),
    "return": ("unclaimed",),
    "reclaim": ("unclaimed",),
    "delete": ("claimed", "shared", "subordinate", "peer"),
    "restore": ("claimed", "unclaimed"),
}


@pytest.mark.parametrize("action", REFUSED_BATCHES)
def test_refused_batch_actions_reveal_nothing(world, clients, action):
    ids = world.ids(*REFUSED_BATCHES[action])
    for persona, client in clients.items():
        response = client.post(f"/api/customers/{action}/", {"ids": ids})
        assert response.status_code == 200, (persona, response.status_code)
        body = response.json()
        assert body["done"] == [], (persona, body)
        assert [r["id"] for r in body["refused"]] == ids, (persona, body)
        assert all(r["reason"] for r in body["refused"]), (persona, body)
        assert_no_leak(response, world.all_not_public, f"{persona} {action}")


def test_refused_edits_and_bad_input_reveal_nothing(world, clients):
    forbidden = world.all_not_public
    for persona, client in clients.items():
        user = getattr(world.company, persona)
        # Refused changes: 403 if the persona may read the record, 404 if not; no change.
        for label in ("claimed", "unclaimed"):
            customer = world.customers[label]
            if customer.owner_id == user.pk:
                continue
            expected = 403 if persona in VISIBLE_TO[label] else 404
            response = client.patch(f"/api/customers/{customer.pk}/", {"notes": "overwritten"})
            assert response.status_code == expected, (persona, label, response.content)
            assert response.json().get("detail")
            assert_no_leak(response, forbidden, f"{persona} PATCH {label}")
            response = client.post(
                f"/api/customers/{customer.pk}/contacts/", {"name": "Intruder", "mobile": "1"}
            )
            assert response.status_code == expected, (persona, label, response.content)
            assert_no_leak(response, forbidden, f"{persona} POST contact {label}")
        assert not Customer.objects.filter(notes="overwritten").exists()
        assert not world.customers["claimed"].contacts.filter(name="Intruder").exists()

        # A name already taken: the message names the record and its owner, nothing private.
        before = Customer.objects.count()
        for name in ("Leak Alpha", "leak  echo co., ltd."):
            response = client.post("/api/pool/", {"name": name})
            assert response.status_code == 400, (persona, name, response.content)
            assert response.json().get("detail")
            assert_no_leak(response, forbidden, f"{persona} duplicate name {name!r}")
        assert Customer.objects.count() == before

        # Bad list input: a 400 with a message, never a 500, never data.
        for query in ("?page_size=0", "?page_size=201", "?page=2", "?cursor=abc", "?status=zq"):
            response = client.get(f"/api/pool/{query}")
            assert response.status_code == 400, (persona, query, response.content)
            assert_no_leak(response, forbidden, f"{persona} GET /api/pool/{query}")
        response = client.get("/api/customers/duplicates/", {"name": ""})
        assert response.status_code == 400, persona
        assert_no_leak(response, forbidden, f"{persona} duplicates without a name")


# --- the administrator's public-field setting ----------------------------------------------


def test_extra_public_fields_add_exactly_what_the_administrator_chose(world, api):
    admin = api(world.company.admin)
    reader = api(world.company.peer)
    assert set(BASE_PUBLIC_FIELDS) == PUBLIC_KEYS

    response = admin.patch("/api/settings/", {"extra_public_fields": ["source"]})
    assert response.status_code == 200, response.content
    assert response.json()["extra_public_fields"] == ["source"]

    with_source = PUBLIC_KEYS | {"source"}
    still_hidden = world.all_private | {t for ts in world.optional.values() for t in ts} - {
        world.source_name
    }
    pool = reader.get("/api/pool/?page_size=200")
    assert_public_items(pool.json()["results"], with_source)
    assert_no_leak(pool, still_hidden, "pool with source public")
    sources = {item["name"]: item["source"] for item in pool.json()["results"]}
    assert sources["Leak Alpha"] == world.source_name
    assert sources["Leak Echo"] is None
    detail = reader.get(f"/api/pool/{world.customers['claimed'].pk}/")
    assert set(detail.json()) == with_source
    assert_no_leak(detail, still_hidden, "pool detail with source public")
    duplicates = reader.get("/api/customers/duplicates/", {"name": "Leak"})
    assert_public_items(duplicates.json(), with_source)
    assert_no_leak(duplicates, still_hidden, "duplicates with source public")

    # Private fields can never be made public, alone or slipped in beside an allowed one.
    for fields in (["phone"], ["notes"], ["address"], ["contacts"], ["source", "phone"]):
        response = admin.patch("/api/settings/", {"extra_public_fields": fields})
        assert response.status_code == 400, (fields, response.content)
        assert response.json().get("detail")
    assert SystemSettings.load().extra_public_fields == ["source"]
    pool = reader.get("/api/pool/?page_size=200")
    assert_public_items(pool.json()["results"], with_source)
    assert_no_leak(pool, still_hidden, "pool after refused settings")

    # Only administrators change the setting.
    for persona in ("marketer", "ceo", "rep"):
        response = api(getattr(world.company, persona)).patch(
            "/api/settings/", {"extra_public_fields": ["website"]}
        )
        assert response.status_code == 403, (persona, response.content)
    assert SystemSettings.load().extra_public_fields == ["source"]
