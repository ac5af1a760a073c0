"""The pools' counts kept by the periodic job (issue 18): each pool's size per day (a
second run the same day replaces the first; a pool manager's chart sums only the pools they
see), the never claimed, and the claims and returns per day (the days past as counted,
today and any day not counted from the events)."""

import datetime
import re

import pytest
from django.utils import timezone
from freezegun import freeze_time

from customers.models import Customer, OwnershipEvent
from customers.models.events import OwnershipAction
from customers.testing import CustomerFactory, fresh, in_pool, new_pool
from dashboard import snapshots
from dashboard.models import MovesDay, PoolSnapshot
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
    rows = {
        row.pool_id: (row.claimed, row.unclaimed, row.never_claimed)
        for row in PoolSnapshot.objects.all()
    }
    # Factory customers have no ownership event: the unclaimed ones were never claimed.
    assert rows == {east.pk: (2, 1, 1), None: (1, 1, 1)}


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


def _event(customer, action, at, company):
    event = OwnershipEvent.objects.create(
        customer=customer, action=action, actor=company.rep, to_user=company.rep
    )
    OwnershipEvent.objects.filter(pk=event.pk).update(at=at)


def test_moves_per_day_are_counted_by_the_sites_day_and_the_past_ones_kept(company):
    customer = CustomerFactory(name="c1")
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    midnight = datetime.datetime.combine(today, datetime.time.min, tzinfo=zone)
    # A second before and after the site's midnight fall on two days.
    _event(customer, OwnershipAction.CLAIM, midnight - datetime.timedelta(seconds=1), company)
    _event(customer, OwnershipAction.RETURN, midnight + datetime.timedelta(seconds=1), company)
    _event(customer, OwnershipAction.RECLAIM, midnight + datetime.timedelta(seconds=2), company)
    _event(customer, OwnershipAction.ASSIGN, midnight - datetime.timedelta(days=40), company)
    days = snapshots.last_days(3)
    expected = {
        days[0]: {"claims": 0, "assigns": 0, "returns": 0},
        yesterday: {"claims": 1, "assigns": 0, "returns": 0},
        today: {"claims": 0, "assigns": 0, "returns": 2},
    }
    assert snapshots.moves(days) == expected  # nothing counted yet: all live

    snapshots.take()
    assert MovesDay.objects.count() == snapshots.TREND_DAYS
    assert MovesDay.objects.get(day=yesterday).claims == 1
    # A day past is read as counted; today is always counted again.
    MovesDay.objects.filter(day=yesterday).update(claims=7)
    MovesDay.objects.filter(day=today).update(returns=9)
    assert snapshots.moves(days)[yesterday]["claims"] == 7
    assert snapshots.moves(days)[today]["returns"] == 2


def shown(client):
    """{figure key: (value, whether it names when it was counted)} of the pool section."""
    page = client.get("/home/").content.decode()
    found = {}
    for key in ("claimed", "unclaimed", "never_claimed"):
        value = re.search(rf'data-testid="figure-value-{key}" data-value="(\d+)"', page)
        found[key] = (int(value.group(1)), f'data-testid="figure-note-{key}"' in page)
    return found


def test_the_pools_figures_are_todays_count_with_its_time_and_live_without_one(client, company):
    CustomerFactory(name="never")
    claimed_once = CustomerFactory(name="once")
    _event(claimed_once, OwnershipAction.CLAIM, timezone.now(), company)
    CustomerFactory(name="owned", owner=company.rep)
    client.force_login(company.marketer)
    live = {"claimed": (1, False), "unclaimed": (2, False), "never_claimed": (1, False)}
    assert shown(client) == live

    snapshots.take()
    CustomerFactory(name="after the count")  # counted at the next run
    counted = {"claimed": (1, True), "unclaimed": (2, True), "never_claimed": (1, True)}
    assert shown(client) == counted
    snapshots.take()
    assert shown(client) == {**counted, "unclaimed": (3, True), "never_claimed": (2, True)}


def test_the_job_counts_each_owners_live_customers(company):
    CustomerFactory.create_batch(2, owner=company.rep)
    leaving = CustomerFactory(owner=company.peer)
    gone = CustomerFactory(owner=company.rep)
    Customer.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())  # recycle bin
    CustomerFactory()  # in the pool: nobody's
    snapshots.take()
    counted = snapshots.owned_today([company.rep.pk, company.peer.pk, company.manager.pk])
    customers = {pk: counted.customers for pk, counted in counted.per_owner.items()}
    assert customers == {company.rep.pk: 2, company.peer.pk: 1}
    assert counted.total == 3

    Customer.objects.filter(pk=leaving.pk).update(owner=None)
    snapshots.take()  # peer owns none now: no row left of theirs
    assert snapshots.owned_today([company.peer.pk]).per_owner == {}


def test_yesterdays_count_of_owners_is_not_today_s(company):
    CustomerFactory(owner=company.rep)
    assert snapshots.owned_today([company.rep.pk]) is None  # never counted
    with freeze_time(timezone.now() - datetime.timedelta(days=1)):
        snapshots.take()
    assert snapshots.owned_today([company.rep.pk]) is None


def team_figure(client):
    """(value, whether it names when it was counted, its link) of the team's customers and
    the per-person chart's {name: customers} of the home page."""
    page = client.get("/home/").content.decode()
    value = re.search(r'data-testid="figure-value-team_customers" data-value="(\d+)"', page)
    noted = 'data-testid="figure-note-team_customers"' in page
    chart = client.get("/api/dashboard/").json()
    team = next(s for s in chart["sections"] if s["key"] == "team")
    bars = next(c for c in team["charts"] if c["key"] == "team-customers")
    per_person = dict(zip(bars["categories"], bars["series"][0]["values"], strict=True))
    return int(value.group(1)), noted, per_person


def test_the_teams_figures_are_todays_count_with_its_time_and_live_without_one(client, company):
    CustomerFactory.create_batch(2, owner=company.rep)
    CustomerFactory(owner=company.junior)
    CustomerFactory(owner=company.manager)  # the supervisor's own: not the team's
    client.force_login(company.manager)
    live = team_figure(client)
    assert live[:2] == (3, False)

    snapshots.take()
    CustomerFactory(owner=company.junior)  # counted at the next run
    counted = team_figure(client)
    assert counted == (3, True, live[2])  # the per-person bars too
    assert live[2][company.rep.label] == 2 and live[2][company.junior.label] == 1
    snapshots.take()
    after = team_figure(client)
    assert after[0] == 4 and after[2][company.junior.label] == 2


def test_without_hierarchical_sharing_the_team_is_counted_live_as_its_lists(client, company):
    """With hierarchical sharing off a supervisor opens only what their team shared with
    them (SPEC O3): the job's count of everything each person owns would show more."""
    from customers.models import Share
    from settings_app.models import SystemSettings

    def hierarchical(on):
        settings = SystemSettings.load()
        settings.force_hierarchical_sharing = on
        settings.save()

    theirs = CustomerFactory.create_batch(2, owner=company.rep)
    CustomerFactory(owner=company.junior)
    Share.objects.create(customer=theirs[0], user=company.manager, shared_by=company.rep)
    hierarchical(False)
    snapshots.take()
    client.force_login(company.manager)
    value, noted, per_person = team_figure(client)
    assert (value, noted) == (1, False)
    assert per_person[company.rep.label] == 1 and per_person[company.junior.label] == 0
    listed = client.get("/api/shared/", {"scope": "subordinates", "team_owned": "true"})
    assert listed.json()["count"] == value

    hierarchical(True)
    assert team_figure(client)[:2] == (3, True)


def test_the_most_returned_are_ranked_among_the_pools_their_reader_sees(company):
    from dashboard.home import most_returned

    east = new_pool(company.admin, "East", members=[company.rep])
    new_pool(company.admin, "West", members=[company.rep], managers=[company.peer])
    now = timezone.now()
    hidden = in_pool(east, *[f"east {n}" for n in range(12)])  # East is hidden from peer
    seen = [CustomerFactory(name="twice"), CustomerFactory(name="once")]
    old = CustomerFactory(name="long ago")
    for customer in hidden:
        for _n in range(3):
            _event(customer, OwnershipAction.RETURN, now, company)
    for customer, times in zip(seen, (2, 1), strict=True):
        for _n in range(times):
            _event(customer, OwnershipAction.RECLAIM, now, company)
    for _n in range(5):  # out of the 30 days
        _event(old, OwnershipAction.RETURN, now - datetime.timedelta(days=31), company)
    _event(seen[1], OwnershipAction.CLAIM, now, company)  # no return

    # Ten of East's lead the ranking: peer's two are found further down.
    assert most_returned(fresh(company.peer), 2) == [
        (seen[0].pk, "twice", 2),
        (seen[1].pk, "once", 1),
    ]
    first = sorted(customer.pk for customer in hidden)[:2]
    assert most_returned(fresh(company.marketer), 2) == [
        (first[0], Customer.objects.get(pk=first[0]).name, 3),
        (first[1], Customer.objects.get(pk=first[1]).name, 3),
    ]
    Customer.objects.filter(pk=seen[0].pk).update(deleted_at=now)  # recycle bin
    assert most_returned(fresh(company.peer), 5) == [(seen[1].pk, "once", 1)]
