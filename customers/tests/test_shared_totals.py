"""The shared list's total is counted in parts that no customer is in twice
(querysets.shared_ids_in_parts): their ids are the list's, each once, for every person,
scope and sharer, with hierarchical sharing on and off; the API and the page count so."""

import itertools

import pytest
from django.utils import timezone

from customers import querysets
from customers.testing import CustomerFactory, ShareFactory
from customers.tests.test_subordinates_created import made  # noqa: F401 (a fixture)
from settings_app.models import SystemSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def more(company, made):  # noqa: F811 (the fixture imported above)
    """Besides `made`: a customer shared with the sales department, one the manager owns
    and is shared with too, one in the recycle bin shared with the manager, and one a
    peer created that the deputy owns."""
    c = company
    to_sales = CustomerFactory(name="To sales", owner=c.peer, created_by=c.peer)
    ShareFactory(customer=to_sales, department=c.sales, shared_by=c.peer)
    own_and_shared = CustomerFactory(name="Own and shared", owner=c.manager, created_by=c.peer)
    ShareFactory(customer=own_and_shared, user=c.manager, shared_by=c.peer)
    binned = CustomerFactory(name="Binned", owner=c.rep, deleted_at=timezone.now())
    ShareFactory(customer=binned, user=c.manager, shared_by=c.rep)
    CustomerFactory(name="Deputy's", owner=c.deputy, created_by=c.peer)


def ids(rows):
    return sorted(rows.values_list("pk", flat=True))


@pytest.mark.parametrize("force", [True, False])
def test_the_parts_hold_each_listed_customer_once(company, more, force):
    SystemSettings.objects.update_or_create(pk=1, defaults={"force_hierarchical_sharing": force})
    c = company
    people = [c.ceo, c.manager, c.rep, c.junior, c.deputy, c.peer, c.marketer]
    checked = 0
    for person, scope, shared_by in itertools.product(
        people, querysets.SCOPES, [None, c.peer.pk, c.rep.pk]
    ):
        listed = ids(querysets.shared(person, scope, shared_by))
        parts = ids(querysets.shared_ids_in_parts(person, scope, shared_by))
        assert parts == listed, (person.username, scope, shared_by)
        checked += bool(listed)
    assert checked >= 10  # not a comparison of empty lists


def test_the_api_and_the_page_count_the_list_as_it_is(company, api, browser, more, settings):
    manager = api(company.manager)
    whole = manager.get("/api/shared/", {"page_size": 200}).json()
    assert whole["count"] == len(whole["results"]) == 7 and not whole["count_is_capped"]
    narrowed = manager.get("/api/shared/", {"scope": "subordinates"}).json()
    assert narrowed["count"] == len(narrowed["results"]) == 5
    searched = manager.get("/api/shared/", {"search": "Made"}).json()
    assert searched["count"] == len(searched["results"]) == 4
    settings.COUNT_CAP = 3
    capped = manager.get("/api/shared/").json()
    assert (capped["count"], capped["count_is_capped"]) == (3, True)
    page = browser(company.manager).get("/shared/")
    assert page.status_code == 200
    assert (page.context["paging"].total.value, page.context["paging"].total.is_capped) == (3, True)
