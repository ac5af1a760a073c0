"""The working record's pages through Django's test client (SPEC M8, §9, case 4): the
customer's tabs, new/edit/delete forms and module pages, who is offered and allowed what
on them, and bounded queries on the lists. Every test runs for every module in
records.registry (see records.testing); what only one module's pages do is tested in its
own app."""

import re

import pytest

from customers.services import ownership
from customers.testing import CustomerFactory
from records import registry
from records.testing import (
    MODULES,
    OPEN_TO_SHAREES,
    OWNER_ONLY,
    assert_queries_do_not_grow,
    counts,
    example,
    model,
    tab,
    text,
)

pytestmark = pytest.mark.django_db


def texts_of(key, pk):
    """Every stored value of one row, as one text to look for a tag in."""
    return " ".join(
        str(value) for value in model(key).objects.filter(pk=pk).values().get().values()
    )


# ---------------------------------------------------------------- the owner


@pytest.mark.parametrize("key", MODULES)
def test_owner_opens_the_tab_the_forms_and_the_module_page(company, browser, alpha, key):
    client = browser(company.rep)
    row = alpha.rows[key]
    page = client.get(tab(alpha, key))
    assert page.status_code == 200
    body = text(page)
    assert f'data-testid="records-{key}"' in body
    assert f'data-testid="new-{key}"' in body
    assert example(key).shown(row) in body
    assert f"/customers/{alpha.pk}/{key}/{row.pk}/delete/" in body

    form = client.get(f"/customers/{alpha.pk}/{key}/new/")
    assert form.status_code == 200 and 'data-testid="record-form"' in text(form)
    if registry.module_for(key).editable:
        edit = client.get(f"/customers/{alpha.pk}/{key}/{row.pk}/edit/")
        assert edit.status_code == 200 and 'data-testid="record-form"' in text(edit)

    listing = client.get(f"/records/{key}/")
    assert listing.status_code == 200
    assert example(key).shown(row) in text(listing) and alpha.name in text(listing)


def test_an_unknown_module_is_404(company, browser, alpha):
    client = browser(company.rep)
    assert client.get("/records/widgets/").status_code == 404
    assert client.get(f"/customers/{alpha.pk}/widgets/new/").status_code == 404


@pytest.mark.parametrize("key", MODULES)
def test_owner_adds_changes_and_deletes_through_the_pages(company, browser, alpha, key):
    client = browser(company.rep)
    rows = model(key).objects.filter(customer=alpha)
    existing = set(rows.values_list("pk", flat=True))
    created = client.post(
        f"/customers/{alpha.pk}/{key}/new/", example(key).form("zqadd", alpha.rows)
    )
    assert created.status_code == 302, text(created)[:2000]
    assert created["Location"] == f"/customers/{alpha.pk}/?tab={key}"
    (row,) = rows.exclude(pk__in=existing)
    assert (row.customer_id, row.created_by_id) == (alpha.pk, company.rep.pk)
    assert "zqadd" in texts_of(key, row.pk)
    assert example(key).shown(row) in text(client.get(tab(alpha, key)))

    edit_url = f"/customers/{alpha.pk}/{key}/{row.pk}/edit/"
    changed = client.post(edit_url, example(key).form("zqchanged", alpha.rows))
    if registry.module_for(key).editable:
        assert changed.status_code == 302, text(changed)[:2000]
        assert "zqchanged" in texts_of(key, row.pk)
    else:  # refused with a reason on the form, nothing changed
        assert changed.status_code == 200 and 'data-testid="form-errors"' in text(changed)
        assert "zqchanged" not in texts_of(key, row.pk)

    deleted = client.post(f"/customers/{alpha.pk}/{key}/{row.pk}/delete/")
    assert deleted.status_code == 302
    assert not rows.filter(pk=row.pk).exists()
    assert set(rows.values_list("pk", flat=True)) == existing


# ---------------------------------------------------------------- sharees and supervisors


def test_a_sharee_may_add_only_to_the_modules_open_to_sharees(company, browser, alpha):
    client = browser(company.deputy)
    for key in MODULES:
        page = client.get(tab(alpha, key))
        assert page.status_code == 200, key
        body = text(page)
        assert example(key).shown(alpha.rows[key]) in body, key
        assert (f'data-testid="new-{key}"' in body) is (key in OPEN_TO_SHAREES), key
        # No edit or delete buttons on the owner's rows.
        assert f"/{key}/{alpha.rows[key].pk}/delete/" not in body, key
        assert f"/{key}/{alpha.rows[key].pk}/edit/" not in body, key
        new_form = client.get(f"/customers/{alpha.pk}/{key}/new/")
        assert new_form.status_code == (200 if key in OPEN_TO_SHAREES else 403), key


def test_a_supervisor_reads_the_tabs_without_new_buttons(company, browser, alpha):
    client = browser(company.manager)
    for key in MODULES:
        page = client.get(tab(alpha, key))
        assert page.status_code == 200, key
        assert example(key).shown(alpha.rows[key]) in text(page), key
        assert f'data-testid="new-{key}"' not in text(page), key
        assert client.get(f"/customers/{alpha.pk}/{key}/new/").status_code == 403, key


@pytest.mark.parametrize("key", OPEN_TO_SHAREES)
def test_a_sharee_adds_through_the_page(company, browser, alpha, key):
    client = browser(company.deputy)
    rows = model(key).objects.filter(customer=alpha)
    existing = set(rows.values_list("pk", flat=True))
    response = client.post(
        f"/customers/{alpha.pk}/{key}/new/", example(key).form("zqdeputy", alpha.rows)
    )
    assert response.status_code == 302
    (row,) = rows.exclude(pk__in=existing)
    assert (row.customer_id, row.created_by_id) == (alpha.pk, company.deputy.pk)
    page = text(client.get(tab(alpha, key)))
    assert f"/{key}/{row.pk}/edit/" in page  # their own row is theirs to change


@pytest.mark.parametrize("key", OPEN_TO_SHAREES)
def test_a_sharee_is_offered_edit_and_delete_only_on_rows_they_wrote(company, browser, alpha, key):
    """The owner's row answers 403 to the sharee's edit and delete, so the tab should not
    offer those buttons on it (records/tab.html)."""
    own = example(key).make(company.deputy, alpha, "zqbydeputy", alpha.rows)
    owners = alpha.rows[key]
    client = browser(company.deputy)
    body = text(client.get(tab(alpha, key)))
    assert f"/{key}/{own.pk}/edit/" in body
    assert f"/{key}/{own.pk}/delete/" in body
    assert client.get(f"/customers/{alpha.pk}/{key}/{owners.pk}/edit/").status_code == 403
    assert f"/{key}/{owners.pk}/edit/" not in body
    assert f"/{key}/{owners.pk}/delete/" not in body


def test_the_owner_is_offered_edit_and_delete_on_rows_others_wrote(company, browser, alpha):
    """The owner may change every row of the record, also those a sharee or a former
    owner wrote, and the tab offers what the service allows (records.access)."""
    by_sharee = {
        key: example(key).make(company.deputy, alpha, "zqbydeputy", alpha.rows)
        for key in OPEN_TO_SHAREES
    }
    ownership.assign(company.rep, [alpha.pk], [company.junior])
    client = browser(company.junior)
    for key in MODULES:
        editable = registry.module_for(key).editable
        body = text(client.get(tab(alpha, key)))
        written = [alpha.rows[key], *([by_sharee[key]] if key in by_sharee else [])]
        for row in written:
            assert f"/{key}/{row.pk}/delete/" in body, key
            assert (f"/{key}/{row.pk}/edit/" in body) is editable, key
    for key, row in by_sharee.items():
        changed = client.post(
            f"/customers/{alpha.pk}/{key}/{row.pk}/edit/", example(key).form("zqjunior", alpha.rows)
        )
        assert changed.status_code == 302
        assert "zqjunior" in texts_of(key, row.pk)


@pytest.mark.parametrize("persona", ["deputy", "manager"])
def test_forged_posts_of_readers_are_403_and_store_nothing(company, browser, alpha, persona):
    client = browser(getattr(company, persona))
    closed = OWNER_ONLY if persona == "deputy" else MODULES
    before = counts()
    for key in closed:
        row = alpha.rows[key]
        forged = client.post(
            f"/customers/{alpha.pk}/{key}/new/", example(key).form("zqforged", alpha.rows)
        )
        assert forged.status_code == 403, key
        assert 'data-testid="refusal"' in text(forged), key
        edit = client.post(
            f"/customers/{alpha.pk}/{key}/{row.pk}/edit/", example(key).form("zqforged", alpha.rows)
        )
        assert edit.status_code == 403, key
    for key in MODULES:  # the owner's rows, whatever the module
        row = alpha.rows[key]
        response = client.post(f"/customers/{alpha.pk}/{key}/{row.pk}/delete/")
        assert response.status_code == 403, key
        assert "zqforged" not in texts_of(key, row.pk), key
    assert counts() == before


# ---------------------------------------------------------------- outsiders


@pytest.mark.parametrize("persona", ["peer", "marketer"])
def test_outsiders_get_404_on_every_page_of_the_record(company, browser, alpha, persona):
    client = browser(getattr(company, persona))
    before = counts()
    for key in MODULES:
        row = alpha.rows[key]
        where = (persona, key)
        assert client.get(tab(alpha, key)).status_code == 404, where
        assert client.get(f"/customers/{alpha.pk}/{key}/new/").status_code == 404, where
        assert client.post(f"/customers/{alpha.pk}/{key}/new/", {}).status_code == 404, where
        edit = f"/customers/{alpha.pk}/{key}/{row.pk}/edit/"
        assert client.get(edit).status_code == 404, where
        assert client.post(edit, {}).status_code == 404, where
        delete = f"/customers/{alpha.pk}/{key}/{row.pk}/delete/"
        assert client.post(delete).status_code == 404, where
        listing = client.get(f"/records/{key}/")
        assert listing.status_code == 200
        assert example(key).shown(row) not in text(listing), where
    assert counts() == before


@pytest.mark.parametrize("key", MODULES)
def test_pages_of_the_record_need_a_login(client, alpha, key):
    for url in [tab(alpha, key), f"/customers/{alpha.pk}/{key}/new/", f"/records/{key}/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url


# ---------------------------------------------------------------- bounded queries


@pytest.mark.parametrize("key", MODULES)
def test_list_pages_make_a_bounded_number_of_queries(
    company, browser, key, django_assert_max_num_queries
):
    customer = CustomerFactory(name="Busy Customer", owner=company.rep)

    def rows_shown(url, body):
        if url.startswith("/records/"):
            return body.count(f'href="/customers/{customer.pk}/?tab={key}"')
        return len(re.findall(rf"/customers/{customer.pk}/{key}/\d+/delete/", body))

    # Sorted by a column too: the rows then still get what their table shows in one go.
    sort = next(iter(registry.module_for(key).column_sorts.values()))
    assert_queries_do_not_grow(
        browser(company.rep),
        [
            f"/records/{key}/?page_size=50",
            f"/records/{key}/?page_size=50&ordering=-{sort}",
            tab(customer, key, page_size=50),
        ],
        django_assert_max_num_queries,
        lambda count: example(key).bulk(company.rep, customer, count),
        rows_shown,
    )
    assert model(key).objects.filter(customer=customer).count() == 30


# ---------------------------------------------------------------- many at once, print


@pytest.mark.parametrize("key", MODULES)
def test_the_owner_deletes_ticked_rows_and_sees_each_ones_result(company, browser, book, key):
    """Manual 2.2.14–15: delete one or many from the tab, with the per-record result."""
    customer = book.customer
    second = example(key).make(company.rep, customer, "zqsecond", book.rows)
    client = browser(company.rep)
    assert f'form="delete-ticked-{key}"' in text(client.get(tab(customer, key)))
    foreign = book.foreign_rows[key].pk  # another customer's row: refused, kept
    url = f"/customers/{customer.pk}/{key}/delete/"
    assert client.post(url, {"ids": [second.pk, foreign]}).status_code == 302
    assert not model(key).objects.filter(pk=second.pk).exists()
    assert model(key).objects.filter(pk=foreign).exists()
    page = text(client.get(tab(customer, key)))
    assert "Deleted 1 of 2." in page
    assert f"#{foreign}: This customer has no such record." in page


@pytest.mark.parametrize("key", OWNER_ONLY)
def test_a_sharee_is_offered_no_ticking_and_cannot_delete_many(company, browser, alpha, key):
    client = browser(company.deputy)
    assert "delete-ticked" not in text(client.get(tab(alpha, key)))
    row = alpha.rows[key].pk
    client.post(f"/customers/{alpha.pk}/{key}/delete/", {"ids": [row]})
    assert model(key).objects.filter(pk=row).exists()
    assert "Only its owner may change this" in text(client.get(tab(alpha, key)))


@pytest.mark.parametrize("key", MODULES)
def test_the_tab_prints_its_list_for_those_who_read_it(company, browser, alpha, key):
    printed = browser(company.deputy).get(f"/customers/{alpha.pk}/{key}/print/")
    assert printed.status_code == 200 and f'data-testid="print-{key}"' in text(printed)
    assert browser(company.peer).get(f"/customers/{alpha.pk}/{key}/print/").status_code == 404
