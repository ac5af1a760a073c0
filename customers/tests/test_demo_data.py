"""The demo data as shipped lets the manual's cases be walked without granting roles."""

import io

import pytest
from django.core.management import call_command

from customers.models import Customer
from customers.services import ownership
from org.models import User

pytestmark = pytest.mark.django_db


def test_the_head_of_the_demo_company_creates_in_the_pool_and_assigns_case_1():
    call_command("demo_data", customers=10, stdout=io.StringIO())
    boss, manager = (User.objects.get(username=name) for name in ("boss", "east_mgr"))
    customer = ownership.create(boss, {"name": "灯塔机器人有限公司"}, claim=False)
    assert customer.owner is None
    result = ownership.assign(boss, [customer.pk], [manager])
    assert result.done == [customer.pk] and not result.refused
    assert Customer.objects.get(pk=customer.pk).owner == manager


def test_the_demo_shows_supervisors_what_a_rep_created_and_returned():
    """Manual 3.1.3: 下属的客户 holds what subordinates created or own."""
    from customers import querysets

    call_command("demo_data", customers=10, stdout=io.StringIO())
    returned = set(Customer.live.filter(name__in=["沧州远航物流有限公司", "Harbor Line Logistics"]))
    assert len(returned) == 2 and all(c.owner is None for c in returned)
    for name in ("east_mgr", "boss"):
        supervisor = User.objects.get(username=name)
        listed = set(querysets.shared(supervisor, querysets.SCOPE_SUBORDINATES))
        assert returned <= listed, name
        rows = querysets.mark_readable(supervisor, returned)
        assert not any(row.readable for row in rows), name
    north = User.objects.get(username="north_mgr")
    assert not returned & set(querysets.shared(north, querysets.SCOPE_SUBORDINATES))
