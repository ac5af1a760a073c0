"""Quick search is exactly a case- and width-insensitive substring match (SPEC L1): for
hypothesis-generated names and keywords — Chinese, Latin, mixed, 1–6 characters — the
pool finds exactly the customers whose name contains the keyword, and My customers those
whose name or any contact's name does. Faster search plans must keep this true."""

from unittest import mock

import pytest
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.counting import capped_total
from core.keyset import LAST, KeysetPaginator
from customers import querysets, search, search_index
from customers.filtersets import CustomerFilterSet, PoolFilterSet
from customers.models import Contact, Customer
from customers.normalize import fold
from customers.sorting import RECORD_SORTS, sort_for

pytestmark = pytest.mark.django_db

# A small alphabet, so keywords often occur: common company words, Latin letters in both
# cases and widths, a space, punctuation and the LIKE wildcards.
ALPHABET = (
    list("有限公司科技华信商策北京上海") + list("abcAB") + ["Ａ", "ｂ", " ", "-", ".", "%", "_"]
)
text = st.text(alphabet=ALPHABET, min_size=1, max_size=12).filter(lambda s: s.strip())
keyword = st.text(alphabet=ALPHABET, min_size=1, max_size=6).filter(lambda s: s.strip())


def expected(keyword, names_and_contacts, with_contacts):
    folded = fold(keyword.strip())
    return {
        index
        for index, (name, contact_names) in enumerate(names_and_contacts)
        if folded in fold(name) or (with_contacts and any(folded in fold(c) for c in contact_names))
    }


# The plans (customers.search): a short list (`short` above its length) is read whole;
# otherwise with limit 0 every keyword is common (names compared while reading the list),
# else the name indexes name the candidates, read at once while they are at most `rare` (a
# list of ids), else as a subquery; unless `names_walked`, when the names are compared while
# reading the list and the contacts' names read from their candidates.
@pytest.mark.parametrize(
    "short, limit, rare, names_walked",
    [
        (5_000, 10_000, 200, False),
        (0, 0, 200, False),
        (0, 10_000, 200, False),
        (0, 10_000, 0, False),
        (0, 10_000, 200, True),
        (0, 10_000, 0, True),
    ],
)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.tuples(text, st.lists(text, max_size=2)), min_size=1, max_size=8),
    keyword=keyword,
)
def test_search_is_exactly_a_folded_substring_match(
    company, rows, keyword, short, limit, rare, names_walked
):
    with (
        transaction.atomic(),
        override_settings(SEARCH_SHORT_LIST=short, SEARCH_CANDIDATE_LIMIT=limit),
        mock.patch.object(search_index, "RARE_ENOUGH", rare),
        mock.patch.object(search, "candidates_cost_less", lambda *args, **kwargs: not names_walked),
    ):
        ids = []
        for index, (name, contact_names) in enumerate(rows):
            # Names must be unique customers; the index keeps them apart.
            customer = Customer.objects.create(name=f"{name}#{index}", owner=company.rep)
            ids.append(customer.pk)
            for contact_name in contact_names:
                Contact.objects.create(customer=customer, name=contact_name)
        named = [(f"{name}#{i}", contacts) for i, (name, contacts) in enumerate(rows)]

        pool = PoolFilterSet({"search": keyword}, queryset=querysets.pool(company.rep)).qs
        searched = CustomerFilterSet({"search": keyword}, queryset=querysets.mine(company.rep))
        mine = searched.qs
        found_pool = {ids.index(pk) for pk in pool.values_list("pk", flat=True)}
        found_mine = {ids.index(pk) for pk in mine.values_list("pk", flat=True)}
        assert found_pool == expected(keyword, named, with_contacts=False)
        assert found_mine == expected(keyword, named, with_contacts=True)
        assert pool.count() == len(found_pool)
        # The total may read the rows another way (customers.search): the same number.
        assert searched.counted().count() == len(found_mine)
        assert capped_total(searched.counted(), cap=2).value == min(len(found_mine), 2)
        # Paged as the lists page it (core.keyset), in every order, forwards from the
        # first page and backwards from the last: each match on exactly one page.
        for param, _label, _keys in RECORD_SORTS:
            for ordering in (param, f"-{param}"):
                sort = sort_for(ordering)
                in_order = list(mine.order_by(*sort.order_by()).values_list("pk", flat=True))
                assert set(in_order) == {ids[i] for i in found_mine}
                assert walk(KeysetPaginator(mine, sort, 2)) == in_order
        transaction.set_rollback(True)


def walk(paginator):
    """The ids of every page, forwards; and checks that backwards gives the same."""
    forwards, page = [], paginator.page()
    forwards += [row.pk for row in page]
    while page.has_next:
        page = paginator.page(page.next_cursor)
        forwards += [row.pk for row in page]
    backwards, page = [], paginator.page(LAST)
    backwards = [row.pk for row in page] + backwards
    while page.has_previous:
        page = paginator.page(page.previous_cursor)
        backwards = [row.pk for row in page] + backwards
    assert backwards == forwards
    return forwards
