"""Interaction records' own rules and pages (SPEC §9, case 4): my schedule, the
customer's last-contacted time, links to contacts, dates. What every module shares —
including the sharees' right to add interaction records — is tested in records/tests."""

import datetime as dt

import pytest
from django.utils import timezone

from activities.services import interactions
from activities.testing import InteractionExample
from customers.models import Customer
from customers.testing import ContactFactory, CustomerFactory, ShareFactory
from records.testing import assert_queries_do_not_grow, counts, refused, tab_url, text

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- my schedule


def follow_up(user, customer, subject, days):
    today = timezone.localdate()
    return interactions.create(
        user,
        customer,
        {
            "happened_at": timezone.now() - dt.timedelta(days=1),
            "subject": subject,
            "next_follow_up": today + dt.timedelta(days=days) if days is not None else None,
        },
    )


@pytest.fixture
def schedule(company):
    mine = CustomerFactory(name="Schedule Mine", owner=company.rep)
    theirs = CustomerFactory(name="Schedule Theirs", owner=company.peer)
    follow_up(company.rep, mine, "zq due today", 0)
    follow_up(company.rep, mine, "zq due soon", 3)
    follow_up(company.rep, mine, "zq was due", -1)
    follow_up(company.rep, mine, "zq no follow-up", None)
    follow_up(company.peer, theirs, "zq peer call", 1)
    return mine


def test_my_schedule_lists_my_upcoming_follow_ups_only(company, browser, schedule):
    page = browser(company.rep).get("/schedule/")
    assert page.status_code == 200
    body = text(page)
    assert "zq due today" in body and "zq due soon" in body
    assert body.index("zq due today") < body.index("zq due soon")  # soonest first
    for absent in ("zq was due", "zq no follow-up", "zq peer call"):
        assert absent not in body, absent

    peer = text(browser(company.peer).get("/schedule/"))
    assert "zq peer call" in peer and "zq due today" not in peer


def test_a_sharee_schedule_holds_their_follow_ups_on_the_shared_customer(
    company, browser, schedule
):
    ShareFactory(customer=schedule, user=company.deputy, shared_by=company.rep)
    follow_up(company.deputy, schedule, "zq deputy calls back", 2)
    body = text(browser(company.deputy).get("/schedule/"))
    assert "zq deputy calls back" in body
    assert "zq was due" not in body and "zq peer call" not in body


def test_a_supervisor_schedule_is_not_filled_with_subordinates_follow_ups(
    company, browser, schedule
):
    """activities.views.ScheduleView: follow-ups "on customers I own or that are shared with
    me". The manager neither owns rep's customer nor has it shared."""
    body = text(browser(company.manager).get("/schedule/"))
    assert "zq due today" not in body and "zq due soon" not in body


def test_my_schedule_needs_a_login(client):
    response = client.get("/schedule/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_my_schedule_makes_a_bounded_number_of_queries(
    company, browser, django_assert_max_num_queries
):
    customer = CustomerFactory(name="Busy Customer", owner=company.rep)
    assert_queries_do_not_grow(
        browser(company.rep),
        ["/schedule/?page_size=50"],
        django_assert_max_num_queries,
        lambda count: InteractionExample().bulk(company.rep, customer, count),
        lambda url, body: body.count(f'href="/customers/{customer.pk}/?tab=interactions"'),
    )


# ---------------------------------------------------------------- through the API


def test_last_contacted_follows_the_latest_interaction(company, api, book):
    customer = CustomerFactory(name="Contact Times", owner=company.rep)
    ShareFactory(customer=customer, user=company.deputy, shared_by=company.rep)
    client = api(company.rep)
    now = timezone.now().replace(microsecond=0)
    moments = {name: now - dt.timedelta(days=days) for name, days in [("t3", 3), ("t1", 1)]}
    moments["t10"] = now - dt.timedelta(days=10)

    def last_contacted():
        return Customer.objects.get(pk=customer.pk).last_contacted_at

    def add(client, when):
        body = {"happened_at": when.isoformat(), "subject": "Call"}
        response = client.post(tab_url(customer, "interactions"), body, format="json")
        assert response.status_code == 201, response.content
        return response.json()["id"]

    assert last_contacted() is None
    t3 = add(client, moments["t3"])
    assert last_contacted() == moments["t3"]
    t1 = add(api(company.deputy), moments["t1"])  # a sharee's record counts too
    assert last_contacted() == moments["t1"]
    t10 = add(client, moments["t10"])  # an older record does not move it back
    assert last_contacted() == moments["t1"]

    assert client.delete(tab_url(customer, "interactions", t1)).status_code == 204
    assert last_contacted() == moments["t3"]
    later = now - dt.timedelta(hours=2)
    moved = client.patch(
        tab_url(customer, "interactions", t10), {"happened_at": later.isoformat()}, format="json"
    )
    assert moved.status_code == 200
    assert last_contacted() == later
    for pk in (t3, t10):
        assert client.delete(tab_url(customer, "interactions", pk)).status_code == 204
    assert last_contacted() is None


@pytest.mark.parametrize("whose", ["other", "foreign"])
def test_a_contact_of_another_customer_cannot_be_linked_in(company, api, book, whose):
    client = api(company.rep)
    contact = ContactFactory(customer=book.other if whose == "other" else book.foreign)
    before = counts()
    body = {"happened_at": "2025-06-01T10:00:00Z", "subject": "Call", "contact": contact.pk}
    refused(
        client.post(tab_url(book.customer, "interactions"), body, format="json"), before, "contact"
    )
    row = book.rows["interactions"]
    changed = client.patch(
        tab_url(book.customer, "interactions", row.pk), {"contact": contact.pk}, format="json"
    )
    refused(changed, before)
    assert type(row).objects.get(pk=row.pk).contact_id == row.contact_id


@pytest.mark.parametrize(
    "body",
    [
        {"happened_at": "not a time", "subject": "Call"},
        {"happened_at": "2025-06-01T25:00:00", "subject": "Call"},
        {"happened_at": "2025-06-01T10:00:00Z", "subject": "Call", "next_follow_up": "7/6/25"},
    ],
)
def test_malformed_dates_are_refused(company, api, book, body):
    before = counts()
    response = api(company.rep).post(tab_url(book.customer, "interactions"), body, format="json")
    refused(response, before)
