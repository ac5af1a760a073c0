"""The pools' daily sizes (issue 18): the periodic job counts each pool's customers, a
second run the same day replaces the first, and a pool manager's chart sums only the pools
they see."""

import datetime

import pytest
from django.utils import timezone

from customers.models import Customer
from customers.testing import CustomerFactory, fresh, in_pool, new_pool
from dashboard import snapshots
from dashboard.models import PoolSnapshot
from dashboard.tasks import snapshot_pools

pytestmark = pytest.mark.django_db


def test_the_job_counts_each_pools_claimed_and_unclaimed_customers(company):
    east = new_pool(company.admin, "East", members=[company.rep])
    in_pool(east, "e1", "e2", owner=company.rep)
    in_pool(east, "e3")
    CustomerFactory(name="c1")
    CustomerFactory(name="c2", owner=company.peer)
    gone = CustomerFactory(name="c3")
    Customer.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())  # recycle bin

    assert snapshot_pools.call() == 2
    rows = {row.pool_id: (row.claimed, row.unclaimed) for row in PoolSnapshot.objects.all()}
    assert rows == {east.pk: (2, 1), None: (1, 1)}


def test_a_second_run_the_same_day_replaces_the_first(company):
    CustomerFactory(name="c1")
    snapshots.take()
    CustomerFactory(name="c2", owner=company.rep)
    snapshots.take()
    row = PoolSnapshot.objects.get()
    assert (row.day, row.claimed, row.unclaimed) == (timezone.localdate(), 1, 1)


def test_the_chart_sums_the_pools_its_reader_sees(company):
    east = new_pool(company.admin, "East", members=[company.rep])
    west = new_pool(company.admin, "West", members=[company.rep], managers=[company.peer])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    for pool, claimed, unclaimed in [(None, 5, 7), (east, 1, 2), (west, 10, 20)]:
        PoolSnapshot.objects.create(day=yesterday, pool=pool, claimed=claimed, unclaimed=unclaimed)
    # West's manager is no member of East: East is hidden from them.
    days = snapshots.last_days(3)
    assert snapshots.sizes(fresh(company.peer), days) == {yesterday: (15, 27)}
    assert snapshots.sizes(fresh(company.marketer), days) == {yesterday: (16, 29)}


def test_the_pool_managers_home_page_draws_the_days_counted(client, company):
    client.force_login(company.marketer)
    page = client.get("/home/").content.decode()
    assert 'data-testid="chart-empty-pool-size"' in page
    CustomerFactory(name="c1")
    snapshots.take()
    page = client.get("/home/").content.decode()
    assert 'data-testid="chart-pool-size"' in page
    assert timezone.localdate().isoformat() in page
