import pytest

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
