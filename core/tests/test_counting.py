import pytest
from django.test import override_settings

from core.counting import Total, capped_total
from customers.models import Customer
from customers.testing import CustomerFactory

pytestmark = pytest.mark.django_db


def test_a_short_list_is_counted_exactly_a_long_one_up_to_the_cap(django_assert_num_queries):
    CustomerFactory.create_batch(5)
    rows = Customer.objects.order_by("name")
    assert capped_total(rows, cap=5) == Total(5)
    assert capped_total(rows, cap=4) == Total(4, is_capped=True)
    assert capped_total(rows.filter(name="none")) == Total(0)
    with override_settings(COUNT_CAP=2), django_assert_num_queries(1) as captured:
        assert capped_total(rows) == Total(2, is_capped=True)
    assert "LIMIT 3" in captured.captured_queries[0]["sql"]
