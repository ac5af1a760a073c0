import pytest

from core.counting import at_most
from core.paging import TailFriendlyPaginator
from customers.models import Customer
from customers.testing import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("ordering", [("name", "id"), ("-created_at", "-id")])
@pytest.mark.parametrize("per_page", [1, 3, 7, 20])
def test_every_page_read_backwards_equals_the_forward_read(ordering, per_page):
    CustomerFactory.create_batch(23)
    rows = Customer.objects.order_by(*ordering)
    expected = list(rows.values_list("pk", flat=True))
    paginator = TailFriendlyPaginator(rows, per_page)
    pages = [[c.pk for c in paginator.page(n).object_list] for n in paginator.page_range]
    assert [pk for page in pages for pk in page] == expected
    assert all(len(page) == per_page for page in pages[:-1])


def test_the_last_page_is_read_from_the_end(django_assert_num_queries):
    CustomerFactory.create_batch(10)
    paginator = TailFriendlyPaginator(Customer.objects.order_by("name", "id"), 4)
    assert paginator.count == 10
    with django_assert_num_queries(1) as captured:
        last = list(paginator.page(3).object_list)
    assert [c.name for c in last] == sorted(c.name for c in Customer.objects.all())[8:]
    assert "DESC" in captured.captured_queries[0]["sql"]


def test_a_short_list_is_read_by_its_keys(django_assert_num_queries):
    """A list known to be short (counting.at_most) costs one query for its total and the
    keys of every page, and one for the rows of a page."""
    CustomerFactory.create_batch(7)
    rows = at_most(Customer.objects.order_by("-name", "id"), 50)
    expected = list(rows.values_list("pk", flat=True))
    paginator = TailFriendlyPaginator(rows, 3)
    with django_assert_num_queries(2) as captured:
        assert paginator.count == 7 and not paginator.count_is_estimate
        assert [c.pk for c in paginator.page(1).object_list] == expected[:3]
    assert "COUNT" not in captured.captured_queries[0]["sql"]
    with django_assert_num_queries(2):  # the keys are read once; each page is one query
        later = [[c.pk for c in paginator.page(n).object_list] for n in (2, 3)]
    assert later == [expected[3:6], expected[6:]]


def test_a_row_gone_since_its_keys_were_read_is_left_out():
    first, second, third = CustomerFactory.create_batch(3)
    paginator = TailFriendlyPaginator(at_most(Customer.objects.order_by("id"), 10), 10)
    assert paginator.count == 3
    second.delete()
    assert [c.pk for c in paginator.page(1).object_list] == [first.pk, third.pk]


def test_a_list_not_known_to_be_short_is_counted(django_assert_max_num_queries):
    CustomerFactory.create_batch(3)
    rows = at_most(Customer.objects.order_by("id"), 1_000_000)  # more than an exact count
    with django_assert_max_num_queries(2) as captured:  # the table's key range, the count
        assert TailFriendlyPaginator(rows, 2).count == 3
    assert "COUNT" in captured.captured_queries[-1]["sql"]
