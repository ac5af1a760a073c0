"""Every module's tab on the customer's page is a list like the module pages (SPEC L1-L5,
M8): quick search, sorting by a column heading, numbered paging with the total and a page
size, select-all for those who may change rows; bad parameters give a page, not an error;
nothing of another customer shows. Runs for every module in records.registry."""

import re

import pytest

from customers.testing import CustomerFactory
from records import registry
from records.testing import MODULES, OPEN_TO_SHAREES, example, model, tab, text

pytestmark = pytest.mark.django_db


def shown_ids(response, customer, key):
    """The ids of the rows the owner's tab lists, in their order (each has its delete)."""
    assert response.status_code == 200, response.status_code
    return [
        int(pk)
        for pk in re.findall(rf"/customers/{customer.pk}/{key}/(\d+)/delete/", text(response))
    ]


def open_tab(client, customer, key, /, **params):
    """The customer's page on the tab of `key`, with query parameters (`customer` too)."""
    return client.get(f"/customers/{customer.pk}/", {"tab": key, **params})


def sortable_field(key, customer):
    """(parameter, field) of a sortable column whose values differ among the rows."""
    module = registry.module_for(key)
    ordering = module.filterset_class.base_filters["ordering"]
    rows = model(key).objects.filter(customer=customer)
    for param in module.column_sorts.values():
        field = ordering.param_map[param]
        if len(set(rows.values_list(field, flat=True))) > 1:
            return param, field
    raise AssertionError(f"no column of {key} to sort by")


@pytest.mark.parametrize("key", MODULES)
def test_quick_search_narrows_the_tab(company, browser, alpha, key):
    example(key).bulk(company.rep, alpha, 3)
    client = browser(company.rep)
    assert len(shown_ids(client.get(tab(alpha, key)), alpha, key)) == 4
    # The row made with the tag, in any case; none of the others.
    found = client.get(tab(alpha, key, search="ZQPAGE"))
    assert shown_ids(found, alpha, key) == [alpha.rows[key].pk]
    assert 'value="ZQPAGE"' in text(found)  # the box keeps the keyword
    nothing = client.get(tab(alpha, key, search="zqnowhere"))
    assert shown_ids(nothing, alpha, key) == [] and "Nothing matches." in text(nothing)


@pytest.mark.parametrize("key", MODULES)
def test_a_column_heading_sorts_ascending_then_descending(company, browser, alpha, key):
    example(key).bulk(company.rep, alpha, 3)
    param, field = sortable_field(key, alpha)
    rows = model(key).objects.filter(customer=alpha)
    client = browser(company.rep)
    unsorted = text(client.get(tab(alpha, key)))
    assert f'data-field="{param}"' in unsorted and f"ordering={param}" in unsorted

    ascending = client.get(tab(alpha, key, ordering=param))
    assert shown_ids(ascending, alpha, key) == list(
        rows.order_by(field, "pk").values_list("pk", flat=True)
    )
    assert f"ordering=-{param}" in text(ascending)  # the heading now sorts the other way
    descending = client.get(tab(alpha, key, ordering=f"-{param}"))
    assert shown_ids(descending, alpha, key) == list(
        rows.order_by(f"-{field}", "pk").values_list("pk", flat=True)
    )
    assert shown_ids(descending, alpha, key) != shown_ids(ascending, alpha, key)


@pytest.mark.parametrize("key", MODULES)
def test_the_tab_pages_with_its_total_and_page_size(company, browser, key):
    customer = CustomerFactory(name="Paged Customer", owner=company.rep)
    example(key).bulk(company.rep, customer, 25)
    everything = set(model(key).objects.filter(customer=customer).values_list("pk", flat=True))
    client = browser(company.rep)
    first = client.get(tab(customer, key, page_size=20))
    assert "25 in all" in text(first) and "Page 1 of 2" in text(first)
    second = client.get(tab(customer, key, page_size=20, page=2))
    assert "Page 2 of 2" in text(second)
    on_first, on_second = shown_ids(first, customer, key), shown_ids(second, customer, key)
    assert (len(on_first), len(on_second)) == (20, 5)
    assert set(on_first) | set(on_second) == everything
    # The next page's link keeps the tab and the page size.
    assert f"?tab={key}&amp;page_size=20&amp;page=2" in text(first)
    assert len(shown_ids(client.get(tab(customer, key, page_size=50)), customer, key)) == 25


@pytest.mark.parametrize("key", MODULES)
def test_select_all_is_offered_to_those_who_may_change_rows(company, browser, alpha, key):
    select_all = f'data-select-all="[data-testid=records-{key}]"'
    assert select_all in text(browser(company.rep).get(tab(alpha, key)))
    assert select_all not in text(browser(company.manager).get(tab(alpha, key)))
    sharee = text(browser(company.deputy).get(tab(alpha, key)))
    assert (select_all in sharee) is (key in OPEN_TO_SHAREES)


@pytest.mark.parametrize("key", MODULES)
def test_no_search_or_parameter_shows_another_customers_rows(company, browser, book, key):
    client = browser(company.rep)
    foreign = book.foreign_rows[key]
    for params in (
        {"search": "zqforeign"},
        {"search": "zqother"},
        {"customer": book.foreign.pk},
        {"customer": book.other.pk, "search": "zqother"},
    ):
        page = open_tab(client, book.customer, key, **params)
        assert shown_ids(page, book.customer, key) == [], params
        for planted in example(key).planted("zqforeign", foreign) - {""}:
            if "zqforeign" in planted:  # money amounts may be the customer's own too
                assert planted not in text(page), (params, planted)
    # And the customer itself stays closed to those who may not read it, whatever is asked.
    for persona in ("peer", "marketer"):
        asked = browser(getattr(company, persona)).get(
            tab(book.customer, key, search="zqbook", ordering="-id", page=2)
        )
        assert asked.status_code == 404, persona


@pytest.mark.parametrize("key", MODULES)
def test_bad_parameters_give_a_page_not_an_error(company, browser, alpha, key):
    client = browser(company.rep)
    row = alpha.rows[key].pk
    nonsense = client.get(tab(alpha, key, ordering="nonsense"))
    assert 'data-testid="filter-errors"' in text(nonsense)
    assert shown_ids(nonsense, alpha, key) == [row]  # the rest of the query still holds
    for params in (
        {"page": "abc"},
        {"page": "999"},
        {"page_size": "7"},
        {"page_size": "-1", "page": "-2"},
        {"search": "x" * 300},
        {"customer": "abc"},
        {"created_after": "2024-13-45"},
    ):
        page = open_tab(client, alpha, key, **params)
        assert shown_ids(page, alpha, key) == [row], params
    assert 'class="small fw-bold" href="?tab=' in text(client.get(tab(alpha, key, page_size=7)))


@pytest.mark.parametrize("key", MODULES)
def test_htmx_swaps_the_list_and_a_history_restore_gets_the_page(company, browser, alpha, key):
    client = browser(company.rep)
    headers = {"HX-Request": "true", "HX-Target": "tab-list"}
    partial = client.get(tab(alpha, key, search="zqpage"), headers=headers)
    body = text(partial)
    assert "<html" not in body and 'id="tab-list"' in body
    assert "HX-Request" in partial["Vary"]
    assert shown_ids(partial, alpha, key) == [alpha.rows[key].pk]
    restore = client.get(
        tab(alpha, key, search="zqpage"), headers={**headers, "HX-History-Restore-Request": "true"}
    )
    assert "<html" in text(restore) and 'value="zqpage"' in text(restore)


@pytest.mark.parametrize("key", MODULES)
def test_print_list_prints_the_list_as_searched_and_sorted(company, browser, alpha, key):
    example(key).bulk(company.rep, alpha, 3)
    client = browser(company.rep)
    page = text(client.get(tab(alpha, key, search="zqpage")))
    assert f"/customers/{alpha.pk}/{key}/print/?tab={key}&amp;search=zqpage" in page
    printed = client.get(f"/customers/{alpha.pk}/{key}/print/", {"search": "zqpage"})
    assert printed.status_code == 200 and "1 in all" in text(printed)
    body = re.search(r"<tbody>.*</tbody>", text(printed), re.S).group(0)
    assert example(key).shown(alpha.rows[key]) in body and body.count("<tr>") == 1

    param, field = sortable_field(key, alpha)
    rows = model(key).objects.filter(customer=alpha)
    for sign in ("", "-"):
        printed = text(
            client.get(f"/customers/{alpha.pk}/{key}/print/", {"ordering": f"{sign}{param}"})
        )
        assert "4 in all" in printed
        expected = [example(key).shown(row) for row in rows.order_by(f"{sign}{field}", "pk")]
        # The rows whose text tells them apart come in the order the list is sorted.
        told = [shown for shown in expected if shown and printed.count(shown) == 1]
        assert [printed.index(shown) for shown in told] == sorted(printed.index(s) for s in told)
