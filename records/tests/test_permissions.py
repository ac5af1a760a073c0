"""Who may read and write a customer's working record, module by module, through the API
(SPEC M5, M8, S1, §9, case 4; records.access).

The world: rep owns "alpha" (shared with deputy) and "delta" (shared with the Support
department, so peer reads it); peer owns "own" (peer's own customer); "returned" went back
to the pool with its records. Every customer carries one row of every module.

Readers of a full record: the owner, sharees (user or department) and the owner's
supervisors (force hierarchical sharing on). Writers: the owner; sharees may also add
interaction records and change the ones they wrote. Everyone else gets 404, pool managers
and administrators included, and the pool shows none of the records' data."""

from dataclasses import dataclass, field

import pytest

from customers.services import ownership
from customers.testing import CustomerFactory, ShareFactory
from settings_app.models import SystemSettings

from . import CHANGE, MODULES, counts, create, download_bytes, fill, ids, models_by_module, tab_url

pytestmark = pytest.mark.django_db

PERSONAS = ("ceo", "manager", "rep", "junior", "deputy", "peer", "marketer", "admin")

# Which customers' records each persona may read (force hierarchical sharing on).
READS = {
    "ceo": {"alpha", "delta"},
    "manager": {"alpha", "delta"},
    "rep": {"alpha", "delta"},
    "junior": set(),
    "deputy": {"alpha"},
    "peer": {"delta", "own"},
    "marketer": set(),
    "admin": set(),
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@dataclass
class World:
    company: object
    customers: dict = field(default_factory=dict)  # label → Customer
    rows: dict = field(default_factory=dict)  # label → {module: row}

    def user(self, persona):
        return getattr(self.company, persona)


@pytest.fixture
def world(company):
    w = World(company)
    w.customers["alpha"] = CustomerFactory(name="Record Alpha", owner=company.rep)
    w.customers["delta"] = CustomerFactory(name="Record Delta", owner=company.rep)
    w.customers["own"] = CustomerFactory(name="Record Own", owner=company.peer)
    w.customers["returned"] = CustomerFactory(name="Record Returned", owner=company.rep)
    ShareFactory(customer=w.customers["alpha"], user=company.deputy, shared_by=company.rep)
    ShareFactory(customer=w.customers["delta"], department=company.support, shared_by=company.rep)
    for label, customer in w.customers.items():
        owner = company.peer if label == "own" else company.rep
        w.rows[label] = fill(owner, customer, f"zq{label}")
    assert ownership.return_to_pool(company.rep, [w.customers["returned"].pk]).done
    return w


def sharee_case(world, kind):
    """(sharee, the customer shared with them) for a user share or a department share."""
    if kind == "user":
        return world.company.deputy, world.customers["alpha"]
    return world.company.peer, world.customers["delta"]


def label_of(world, customer):
    return next(label for label, c in world.customers.items() if c.pk == customer.pk)


# ---------------------------------------------------------------- the owner


@pytest.mark.parametrize("key", MODULES)
def test_owner_lists_creates_reads_changes_and_deletes(world, api, key):
    rep, alpha = world.company.rep, world.customers["alpha"]
    client = api(rep)
    existing = world.rows["alpha"][key]
    contract = world.rows["alpha"]["contracts"]

    assert ids(client.get(tab_url(alpha, key))) == {existing.pk}

    created = create(client, alpha, key, contract)
    assert created.status_code == 201, created.content
    new_id = created.json()["id"]
    row = models_by_module()[key].objects.get(pk=new_id)
    assert row.customer_id == alpha.pk and row.created_by_id == rep.pk
    assert ids(client.get(tab_url(alpha, key))) == {existing.pk, new_id}

    shown = client.get(tab_url(alpha, key, new_id))
    assert shown.status_code == 200 and shown.json()["id"] == new_id

    changed = client.patch(tab_url(alpha, key, new_id), CHANGE[key], format="json")
    if key == "attachments":
        # An attachment is replaced, never changed: a clear refusal, nothing touched.
        assert changed.status_code == 400 and changed.json()["detail"]
    else:
        assert changed.status_code == 200, changed.content
        field_name, value = next(iter(CHANGE[key].items()))
        row.refresh_from_db()
        assert getattr(row, field_name) == value

    assert client.delete(tab_url(alpha, key, new_id)).status_code == 204
    assert not models_by_module()[key].objects.filter(pk=new_id).exists()
    assert models_by_module()[key].objects.filter(pk=existing.pk).exists()


# ---------------------------------------------------------------- sharees


@pytest.mark.parametrize("kind", ["user", "department"])
def test_sharee_reads_every_tab_and_row(world, api, kind):
    sharee, customer = sharee_case(world, kind)
    client = api(sharee)
    for key, row in world.rows[label_of(world, customer)].items():
        assert ids(client.get(tab_url(customer, key))) == {row.pk}, key
        shown = client.get(tab_url(customer, key, row.pk))
        assert shown.status_code == 200 and shown.json()["id"] == row.pk, key


@pytest.mark.parametrize("kind", ["user", "department"])
@pytest.mark.parametrize("key", [m for m in MODULES if m != "interactions"])
def test_sharee_may_not_add_change_or_delete_other_modules(world, api, key, kind):
    sharee, customer = sharee_case(world, kind)
    client = api(sharee)
    rows = world.rows[label_of(world, customer)]
    row = rows[key]
    before = counts()

    created = create(client, customer, key, rows["contracts"])
    assert created.status_code == 403, (created.status_code, created.content[:300])
    deleted = client.delete(tab_url(customer, key, row.pk))
    assert deleted.status_code == 403, (deleted.status_code, deleted.content[:300])
    changed = client.patch(tab_url(customer, key, row.pk), CHANGE[key], format="json")
    # Who may not write is told so (403) before anything is said about the change itself.
    assert changed.status_code == 403, (changed.status_code, changed.content[:300])

    assert counts() == before
    fresh = type(row).objects.get(pk=row.pk)
    assert fresh.updated_at == row.updated_at  # nothing was saved


@pytest.mark.parametrize("kind", ["user", "department"])
def test_sharee_adds_interactions_and_changes_only_their_own(world, api, kind):
    """SPEC case 4: everyone the customer is shared with may record interactions."""
    from activities.models import Interaction

    sharee, customer = sharee_case(world, kind)
    client = api(sharee)
    owners = world.rows[label_of(world, customer)]["interactions"]

    created = create(client, customer, "interactions", None, tag="sharee")
    assert created.status_code == 201, created.content
    mine = Interaction.objects.get(pk=created.json()["id"])
    assert mine.customer_id == customer.pk and mine.created_by_id == sharee.pk

    own_change = client.patch(
        tab_url(customer, "interactions", mine.pk), {"subject": "my follow-up"}, format="json"
    )
    assert own_change.status_code == 200, own_change.content
    assert Interaction.objects.get(pk=mine.pk).subject == "my follow-up"

    others = client.patch(
        tab_url(customer, "interactions", owners.pk), {"subject": "not mine"}, format="json"
    )
    assert others.status_code == 403
    assert client.delete(tab_url(customer, "interactions", owners.pk)).status_code == 403
    assert Interaction.objects.get(pk=owners.pk).subject == owners.subject

    assert client.delete(tab_url(customer, "interactions", mine.pk)).status_code == 204
    assert not Interaction.objects.filter(pk=mine.pk).exists()


def test_owner_changes_interactions_written_by_a_sharee(world, api):
    from activities.models import Interaction

    alpha = world.customers["alpha"]
    written = create(api(world.company.deputy), alpha, "interactions", None, tag="deputy")
    assert written.status_code == 201
    pk = written.json()["id"]
    owner = api(world.company.rep)
    response = owner.patch(tab_url(alpha, "interactions", pk), {"subject": "by rep"})
    assert response.status_code == 200
    assert Interaction.objects.get(pk=pk).subject == "by rep"
    assert owner.delete(tab_url(alpha, "interactions", pk)).status_code == 204


def test_a_removed_share_ends_reading_and_adding_at_once(world, api):
    alpha = world.customers["alpha"]
    client = api(world.company.deputy)
    assert client.get(tab_url(alpha, "contracts")).status_code == 200
    result = ownership.unshare(world.company.rep, [alpha.pk], users=[world.company.deputy])
    assert result.done == [alpha.pk]
    assert client.get(tab_url(alpha, "contracts")).status_code == 404
    assert create(client, alpha, "interactions", None).status_code == 404


# ---------------------------------------------------------------- supervisors


@pytest.mark.parametrize("key", MODULES)
def test_supervisor_reads_every_tab_but_writes_nothing(world, api, key):
    manager, alpha = world.company.manager, world.customers["alpha"]
    rows = world.rows["alpha"]
    row = rows[key]
    before = counts()
    for supervisor in (manager, world.company.ceo):  # direct and two levels up
        client = api(supervisor)
        assert ids(client.get(tab_url(alpha, key))) == {row.pk}
        assert client.get(tab_url(alpha, key, row.pk)).status_code == 200

    client = api(manager)
    created = create(client, alpha, key, rows["contracts"])
    assert created.status_code == 403, (created.status_code, created.content[:300])
    assert client.delete(tab_url(alpha, key, row.pk)).status_code == 403
    assert counts() == before
    changed = client.patch(tab_url(alpha, key, row.pk), CHANGE[key], format="json")
    assert changed.status_code == 403, (changed.status_code, changed.content[:300])
    assert type(row).objects.get(pk=row.pk).updated_at == row.updated_at


def test_supervisor_without_forced_sharing_sees_no_records(world, api):
    settings = SystemSettings.load()
    settings.force_hierarchical_sharing = False
    settings.save()
    client = api(world.company.manager)
    alpha = world.customers["alpha"]
    for key in MODULES:
        assert client.get(tab_url(alpha, key)).status_code == 404, key
        assert ids(client.get(f"/api/{key}/")) == set(), key


# ---------------------------------------------------------------- outsiders


@pytest.mark.parametrize("persona", ["peer", "marketer", "admin", "junior"])
def test_outsiders_get_404_on_every_tab_and_row(world, api, persona):
    """Pool managers and administrators see the pool, not the working record."""
    client = api(world.user(persona))
    before = counts()
    alpha, rows = world.customers["alpha"], world.rows["alpha"]
    for key in MODULES:
        row = rows[key]
        where = (persona, key)
        assert client.get(tab_url(alpha, key)).status_code == 404, where
        assert create(client, alpha, key, rows["contracts"]).status_code == 404, where
        assert client.get(tab_url(alpha, key, row.pk)).status_code == 404, where
        response = client.patch(tab_url(alpha, key, row.pk), CHANGE[key], format="json")
        assert response.status_code == 404, where
        assert client.delete(tab_url(alpha, key, row.pk)).status_code == 404, where
        # A customer back in the pool keeps its records, readable by nobody.
        returned = world.customers["returned"]
        assert client.get(tab_url(returned, key)).status_code == 404, where
        returned_row = world.rows["returned"][key]
        assert client.get(tab_url(returned, key, returned_row.pk)).status_code == 404, where
    assert counts() == before


def test_a_row_is_reached_only_through_its_own_customer(world, api):
    """Another customer's id in the URL does not open a row: not for peer through peer's
    own customer, not for the owner through the owner's other customer."""
    before = counts()
    for key, alpha_row in world.rows["alpha"].items():
        for user, through in [
            (world.company.peer, world.customers["own"]),
            (world.company.rep, world.customers["delta"]),
        ]:
            client = api(user)
            url = tab_url(through, key, alpha_row.pk)
            where = (user.username, key)
            assert client.get(url).status_code == 404, where
            assert client.patch(url, CHANGE[key], format="json").status_code == 404, where
            assert client.delete(url).status_code == 404, where
    assert counts() == before


def test_signed_out_callers_get_nothing(world, api):
    client = api()
    alpha = world.customers["alpha"]
    for key in MODULES:
        assert client.get(tab_url(alpha, key)).status_code in (401, 403), key
        assert client.get(f"/api/{key}/").status_code in (401, 403), key


# ---------------------------------------------------------------- module-wide lists


@pytest.mark.parametrize("key", MODULES)
def test_module_lists_show_only_rows_of_readable_customers(world, api, key):
    for persona in PERSONAS:
        expected = {world.rows[label][key].pk for label in READS[persona]}
        response = api(world.user(persona)).get(f"/api/{key}/", {"page_size": 200})
        assert ids(response) == expected, persona
        assert response.json()["count"] == len(expected), persona


def test_module_lists_include_interactions_written_by_sharees(world, api):
    written = create(api(world.company.deputy), world.customers["alpha"], "interactions", None)
    assert written.status_code == 201
    new_id = written.json()["id"]
    for persona, sees in [("rep", True), ("deputy", True), ("manager", True), ("peer", False)]:
        listed = ids(api(world.user(persona)).get("/api/interactions/", {"page_size": 200}))
        assert (new_id in listed) is sees, persona


# ---------------------------------------------------------------- the pool


def planted_tokens(world):
    """Texts and amounts that exist only in the working records."""
    tokens = set()
    for label in world.customers:
        tag = f"zq{label}"
        tokens |= {
            f"{tag} subject",
            f"{tag} content",
            f"{tag} opportunity",
            f"{tag} product",
            f"{tag} quote notes",
            f"{tag} contract",
            f"{tag} receivable",
            f"{tag} payment",
            f"{tag}-file",
        }
        tokens.add(world.rows[label]["quotes"].number)
        tokens.add(world.rows[label]["contracts"].number)
    return tokens


def test_the_pool_shows_none_of_the_records(world, api, client):
    tokens = planted_tokens(world)
    # The money of the records: 1000.00 contracted, 900.00 outstanding, 300.00 receivable.
    money = {"1000.00", "1,000.00", "900.00", "300.00"}
    for persona in PERSONAS:
        user = world.user(persona)
        rest = api(user)
        client.force_login(user)
        bodies = {
            "/api/pool/": rest.get("/api/pool/", {"page_size": 200}),
            "/api/pool/?search": rest.get("/api/pool/", {"search": "zqalpha"}),
            "/pool/": client.get("/pool/", {"page_size": 200}),
        }
        for label, customer in world.customers.items():
            bodies[f"/api/pool/{label}/"] = rest.get(f"/api/pool/{customer.pk}/")
            bodies[f"/pool/{label}/"] = client.get(f"/pool/{customer.pk}/")
        for where, response in bodies.items():
            assert response.status_code == 200, (persona, where)
            text = response.content.decode()
            leaked = {t for t in tokens | money if t in text}
            assert not leaked, (persona, where, leaked)
        searched = rest.get("/api/pool/", {"search": "zqalpha subject"})
        assert searched.status_code == 200 and searched.json()["count"] == 0, persona


# ---------------------------------------------------------------- downloads


def test_readers_download_the_file_under_its_own_name(world, client):
    for persona, label in [
        ("rep", "alpha"),
        ("deputy", "alpha"),
        ("manager", "alpha"),
        ("ceo", "alpha"),
        ("peer", "delta"),  # a department sharee
        ("peer", "own"),
    ]:
        attachment = world.rows[label]["attachments"]
        client.force_login(world.user(persona))
        response = client.get(f"/attachments/{attachment.pk}/download/")
        where = (persona, label)
        assert response.status_code == 200, where
        assert download_bytes(response) == f"bytes of zq{label}".encode(), where
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;"), where
        assert f'filename="zq{label}-file.txt"' in disposition, where


def test_others_get_404_for_the_download(world, client):
    for persona, label in [
        ("peer", "alpha"),
        ("deputy", "delta"),
        ("junior", "alpha"),
        ("marketer", "alpha"),
        ("admin", "alpha"),
        ("rep", "returned"),  # no longer the owner's
        ("rep", "own"),
    ]:
        attachment = world.rows[label]["attachments"]
        client.force_login(world.user(persona))
        response = client.get(f"/attachments/{attachment.pk}/download/")
        assert response.status_code == 404, (persona, label)
        assert b"bytes of" not in response.content, (persona, label)


def test_download_needs_a_login(world, client):
    attachment = world.rows["alpha"]["attachments"]
    response = client.get(f"/attachments/{attachment.pk}/download/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
