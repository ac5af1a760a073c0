"""Who may read and write a customer's working record, module by module, through the API
(SPEC M5, M8, S1, §9, case 4; records.access).

The world: rep owns "alpha" (shared with deputy) and "delta" (shared with the Support
department, so peer reads it); peer owns "own" (peer's own customer); "returned" went back
to the pool with its records. Every customer carries one row of every module.

Readers of a full record: the owner, sharees (user or department) and the owner's
supervisors (force hierarchical sharing on). Writers: the owner; in the modules open to
sharees (interaction records) sharees may also add rows and change the ones they wrote.
Everyone else gets 404, pool managers and administrators included, and the pool shows none
of the records' data.

Every test runs for every module in records.registry (see records.testing)."""

import pytest

from customers.services import ownership
from records import registry
from records.testing import (
    MODULES,
    OPEN_TO_SHAREES,
    OWNER_ONLY,
    counts,
    create,
    example,
    ids,
    model,
    tab_url,
)
from settings_app.models import SystemSettings

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


def sharee_case(world, kind):
    """(sharee, the customer shared with them) for a user share or a department share."""
    if kind == "user":
        return world.company.deputy, world.customers["alpha"]
    return world.company.peer, world.customers["delta"]


def change_of(key):
    """A valid change of a row of `key`, or an empty one for rows never changed."""
    return example(key).change or {}


def label_of(world, customer):
    return next(label for label, c in world.customers.items() if c.pk == customer.pk)


# ---------------------------------------------------------------- the owner


@pytest.mark.parametrize("key", MODULES)
def test_owner_lists_creates_reads_changes_and_deletes(world, api, key):
    rep, alpha = world.company.rep, world.customers["alpha"]
    client = api(rep)
    rows = world.rows["alpha"]
    existing = rows[key]

    assert ids(client.get(tab_url(alpha, key))) == {existing.pk}

    created = create(client, alpha, key, rows)
    assert created.status_code == 201, created.content
    new_id = created.json()["id"]
    row = model(key).objects.get(pk=new_id)
    assert row.customer_id == alpha.pk and row.created_by_id == rep.pk
    assert ids(client.get(tab_url(alpha, key))) == {existing.pk, new_id}

    shown = client.get(tab_url(alpha, key, new_id))
    assert shown.status_code == 200 and shown.json()["id"] == new_id

    change = example(key).change
    changed = client.patch(tab_url(alpha, key, new_id), change or {}, format="json")
    if change is None:
        # A row that is replaced, never changed: a clear refusal, nothing touched.
        assert changed.status_code == 400 and changed.json()["detail"]
    else:
        assert changed.status_code == 200, changed.content
        field_name, value = next(iter(change.items()))
        row.refresh_from_db()
        assert getattr(row, field_name) == value

    assert client.delete(tab_url(alpha, key, new_id)).status_code == 204
    assert not model(key).objects.filter(pk=new_id).exists()
    assert model(key).objects.filter(pk=existing.pk).exists()


def test_every_module_has_an_example_and_rows_are_changed_only_where_editable():
    """A newly registered module is covered by these tests once its app gives an example
    (records.testing); until then this fails."""
    for module in registry.modules():
        assert (example(module.key).change is not None) is module.editable, module.key


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
@pytest.mark.parametrize("key", OWNER_ONLY)
def test_sharee_may_not_add_change_or_delete_in_modules_of_the_owner(world, api, key, kind):
    sharee, customer = sharee_case(world, kind)
    client = api(sharee)
    rows = world.rows[label_of(world, customer)]
    row = rows[key]
    before = counts()

    created = create(client, customer, key, rows)
    assert created.status_code == 403, (created.status_code, created.content[:300])
    deleted = client.delete(tab_url(customer, key, row.pk))
    assert deleted.status_code == 403, (deleted.status_code, deleted.content[:300])
    changed = client.patch(tab_url(customer, key, row.pk), change_of(key), format="json")
    # Who may not write is told so (403) before anything is said about the change itself.
    assert changed.status_code == 403, (changed.status_code, changed.content[:300])

    assert counts() == before
    fresh = type(row).objects.get(pk=row.pk)
    assert fresh.updated_at == row.updated_at  # nothing was saved


@pytest.mark.parametrize("kind", ["user", "department"])
@pytest.mark.parametrize("key", OPEN_TO_SHAREES)
def test_sharee_adds_and_changes_only_the_rows_they_wrote(world, api, key, kind):
    """SPEC case 4: everyone the customer is shared with may record interactions."""
    sharee, customer = sharee_case(world, kind)
    client = api(sharee)
    rows = world.rows[label_of(world, customer)]
    owners = rows[key]
    field_name, value = next(iter(example(key).change.items()))

    created = create(client, customer, key, rows, tag="sharee")
    assert created.status_code == 201, created.content
    mine = model(key).objects.get(pk=created.json()["id"])
    assert mine.customer_id == customer.pk and mine.created_by_id == sharee.pk

    own_change = client.patch(tab_url(customer, key, mine.pk), {field_name: value}, format="json")
    assert own_change.status_code == 200, own_change.content
    assert getattr(model(key).objects.get(pk=mine.pk), field_name) == value

    others = client.patch(tab_url(customer, key, owners.pk), {field_name: value}, format="json")
    assert others.status_code == 403
    assert client.delete(tab_url(customer, key, owners.pk)).status_code == 403
    fresh = model(key).objects.get(pk=owners.pk)
    assert getattr(fresh, field_name) == getattr(owners, field_name)

    assert client.delete(tab_url(customer, key, mine.pk)).status_code == 204
    assert not model(key).objects.filter(pk=mine.pk).exists()


@pytest.mark.parametrize("key", OPEN_TO_SHAREES)
def test_owner_changes_rows_written_by_a_sharee(world, api, key):
    alpha = world.customers["alpha"]
    written = create(api(world.company.deputy), alpha, key, world.rows["alpha"], tag="deputy")
    assert written.status_code == 201
    pk = written.json()["id"]
    field_name, value = next(iter(example(key).change.items()))
    owner = api(world.company.rep)
    response = owner.patch(tab_url(alpha, key, pk), {field_name: value})
    assert response.status_code == 200
    assert getattr(model(key).objects.get(pk=pk), field_name) == value
    assert owner.delete(tab_url(alpha, key, pk)).status_code == 204


def test_a_removed_share_ends_reading_and_adding_at_once(world, api):
    alpha, rows = world.customers["alpha"], world.rows["alpha"]
    client = api(world.company.deputy)
    for key in MODULES:
        assert client.get(tab_url(alpha, key)).status_code == 200, key
    result = ownership.unshare(world.company.rep, [alpha.pk], users=[world.company.deputy])
    assert result.done == [alpha.pk]
    for key in MODULES:
        assert client.get(tab_url(alpha, key)).status_code == 404, key
    for key in OPEN_TO_SHAREES:
        assert create(client, alpha, key, rows).status_code == 404, key


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
    created = create(client, alpha, key, rows)
    assert created.status_code == 403, (created.status_code, created.content[:300])
    assert client.delete(tab_url(alpha, key, row.pk)).status_code == 403
    assert counts() == before
    changed = client.patch(tab_url(alpha, key, row.pk), change_of(key), format="json")
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
        assert create(client, alpha, key, rows).status_code == 404, where
        assert client.get(tab_url(alpha, key, row.pk)).status_code == 404, where
        response = client.patch(tab_url(alpha, key, row.pk), change_of(key), format="json")
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
            assert client.patch(url, change_of(key), format="json").status_code == 404, where
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


@pytest.mark.parametrize("key", OPEN_TO_SHAREES)
def test_module_lists_include_rows_written_by_sharees(world, api, key):
    alpha = world.customers["alpha"]
    written = create(api(world.company.deputy), alpha, key, world.rows["alpha"])
    assert written.status_code == 201
    new_id = written.json()["id"]
    for persona, sees in [("rep", True), ("deputy", True), ("manager", True), ("peer", False)]:
        listed = ids(api(world.user(persona)).get(f"/api/{key}/", {"page_size": 200}))
        assert (new_id in listed) is sees, persona


# ---------------------------------------------------------------- the pool


def planted_tokens(world):
    """Texts and amounts that exist only in the working records."""
    return {
        text
        for label, rows in world.rows.items()
        for key, row in rows.items()
        for text in example(key).planted(f"zq{label}", row)
    }


def test_the_pool_shows_none_of_the_records(world, api, client):
    tokens = planted_tokens(world)
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
            leaked = {t for t in tokens if t in text}
            assert not leaked, (persona, where, leaked)
        searched = rest.get("/api/pool/", {"search": "zqalpha subject"})
        assert searched.status_code == 200 and searched.json()["count"] == 0, persona


@pytest.mark.parametrize("key", MODULES)
def test_several_rows_are_deleted_at_once_each_with_its_answer(company, book, api, key):
    """POST /api/customers/{id}/{module}/delete/ (manual 2.2.14–15): the rows that may go
    go; each other is kept and named with the reason; strangers see no customer."""
    second = example(key).make(company.rep, book.customer, "zqsecond", book.rows)
    foreign = book.foreign_rows[key].pk
    url = f"/api/customers/{book.customer.pk}/{key}/delete/"
    answer = api(company.rep).post(url, {"ids": [second.pk, foreign, second.pk]}, format="json")
    assert answer.status_code == 200, answer.content[:300]
    body = answer.json()
    assert body["done"] == [second.pk]
    assert [(r["id"], r["reason"]) for r in body["refused"]] == [
        (foreign, "This customer has no such record.")
    ]
    assert model(key).objects.filter(pk=foreign).exists()
    assert api(company.rep).post(url, {"ids": []}, format="json").status_code == 400
    assert api(company.peer).post(url, {"ids": [foreign]}, format="json").status_code == 404
