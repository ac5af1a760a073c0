"""Hand-over when someone leaves (issue 17): all of a person's customers in one step, to
one person, spread over several, or back to the pool, through the ownership service (one
event per customer, reason "hand-over"); deactivating someone who still owns customers is
refused, so no customer is left with a person who cannot sign in."""

import pytest
from django.utils import timezone

from activities.models import Interaction
from audit.models import Action, AuditEntry
from customers.models import Customer, OwnershipEvent, Share
from customers.models.events import OwnershipAction as A
from customers.services import ownership
from customers.services.results import NotAllowed, ServiceError
from customers.testing import CustomerFactory, ShareFactory
from org import services as org_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(company):
    """Five customers of the rep's, one shared, one with an interaction record; one of the
    deputy's and one in the pool, which a hand-over of the rep's leaves alone."""
    rows = [CustomerFactory(name=f"Rep customer {n}", owner=company.rep) for n in range(5)]
    ShareFactory(customer=rows[0], user=company.peer, shared_by=company.rep)
    Interaction.objects.create(
        customer=rows[1], created_by=company.rep, subject="call", happened_at=timezone.now()
    )
    CustomerFactory(name="Deputy's", owner=company.deputy)
    CustomerFactory(name="In the pool")
    return rows


def owners(rows):
    return {c.name: c.owner_id for c in Customer.objects.filter(pk__in=[r.pk for r in rows])}


def test_an_administrator_spreads_them_evenly_and_deactivates_in_one_step(company, book):
    result = ownership.hand_over(
        company.admin, company.rep, [company.deputy, company.junior], deactivate=True
    )
    assert result.done == sorted(c.pk for c in book) and result.refused == []
    got = list(owners(book).values())
    assert sorted(got.count(pk) for pk in (company.deputy.pk, company.junior.pk)) == [2, 3]
    company.rep.refresh_from_db()
    assert company.rep.is_active is False
    events = OwnershipEvent.objects.filter(customer__in=book, action=A.ASSIGN)
    assert events.count() == 5
    assert {(e.from_user_id, e.actor_id, e.reason) for e in events} == {
        (company.rep.pk, company.admin.pk, "hand-over")
    }
    assert not Share.objects.filter(customer=book[0]).exists()  # a new owner shares anew
    assert Interaction.objects.get(subject="call").customer_id == book[1].pk  # records stay
    assert Customer.objects.get(name="Deputy's").owner_id == company.deputy.pk


def test_a_supervisor_gives_them_all_to_one_person(company, book):
    result = ownership.hand_over(company.manager, company.rep, [company.deputy], reason="moved")
    assert len(result.done) == 5
    assert set(owners(book).values()) == {company.deputy.pk}
    assert set(OwnershipEvent.objects.filter(action=A.ASSIGN).values_list("reason", flat=True)) == {
        "moved"
    }


def test_a_pool_manager_returns_them_to_the_pool(company, book):
    ownership.hand_over(company.marketer, company.rep)
    assert set(owners(book).values()) == {None}
    assert OwnershipEvent.objects.filter(customer__in=book, action=A.RECLAIM).count() == 5


@pytest.mark.parametrize("who", ["peer", "deputy", "junior", "rep"])
def test_anyone_else_is_refused_and_nothing_changes(company, book, who):
    before = owners(book)
    with pytest.raises(NotAllowed):
        ownership.hand_over(getattr(company, who), company.rep, [company.peer])
    assert owners(book) == before


@pytest.mark.parametrize(
    "targets, field", [("rep", "to"), ("admin", "to"), ("inactive", "to")], ids=str
)
def test_a_target_who_cannot_receive_them_is_refused(company, book, targets, field):
    if targets == "inactive":
        company.deputy.is_active = False
        company.deputy.save()
        targets = "deputy"
    before = owners(book)
    with pytest.raises(ServiceError) as refused:
        ownership.hand_over(company.admin, company.rep, [getattr(company, targets)])
    assert refused.value.field == field
    assert owners(book) == before


def test_deactivation_that_fails_undoes_the_hand_over(company, book):
    """A supervisor may hand over but not deactivate: both or neither."""
    before = owners(book)
    with pytest.raises(NotAllowed):
        ownership.hand_over(company.manager, company.rep, [company.deputy], deactivate=True)
    assert owners(book) == before
    company.rep.refresh_from_db()
    assert company.rep.is_active


def test_deactivating_someone_who_owns_customers_is_refused(company, book):
    with pytest.raises(ServiceError) as refused:
        org_services.save_user({"is_active": False}, company.rep, actor=company.admin)
    assert "Rep Li still owns 5 customers: hand them over first." in refused.value.message
    company.rep.refresh_from_db()
    assert company.rep.is_active


def test_deactivating_someone_without_customers_still_works(company, book):
    org_services.save_user({"is_active": False}, company.peer, actor=company.admin)
    company.peer.refresh_from_db()
    assert company.peer.is_active is False


def test_the_move_and_the_deactivation_are_in_the_audit_trail(company, book):
    ownership.hand_over(company.admin, company.rep, [company.deputy], deactivate=True)
    moved = AuditEntry.objects.filter(
        action=Action.OWNERSHIP, actor=company.admin, reason="hand-over"
    )
    assert moved.count() == 1  # one row naming the five customers
    assert AuditEntry.objects.filter(actor=company.admin, object_id=str(company.rep.pk)).exists()


# ---------------------------------------------------------------- the page and the API


def test_an_administrator_deactivates_through_the_hand_over_page(company, book, browser):
    client = browser(company.admin)
    person_page = client.get(f"/settings/users/{company.rep.pk}/").content.decode()
    assert 'data-testid="hand-over-and-deactivate"' in person_page
    assert 'data-testid="deactivate"' not in person_page  # not without a hand-over
    form = client.get("/hand-over/", {"person": company.rep.pk, "deactivate": "1"})
    html = form.content.decode()
    assert "Rep Li owns 5 customers." in html and 'name="deactivate" value="1"' in html
    response = client.post(
        "/hand-over/",
        {
            "person": company.rep.pk,
            "mode": "several",
            "to_several": [company.deputy.pk, company.junior.pk],
            "deactivate": "1",
        },
        follow=True,
    )
    text = response.content.decode()
    assert "5 customers of Rep Li handed over: " in text and "Rep Li is deactivated." in text
    assert "Deputy Du (" in text and "Junior Wu (" in text
    company.rep.refresh_from_db()
    assert not company.rep.is_active
    assert set(owners(book).values()) == {company.deputy.pk, company.junior.pk}


def test_a_supervisor_hands_over_from_the_shared_list(company, book, browser):
    client = browser(company.manager)
    assert 'data-testid="hand-over"' in client.get("/shared/").content.decode()
    assert 'data-testid="hand-over"' not in browser(company.deputy).get("/shared/").content.decode()
    client = browser(company.manager)
    chooser = client.get("/hand-over/").content.decode()
    assert f'value="{company.rep.pk}"' in chooser and f'value="{company.peer.pk}"' not in chooser
    response = client.post("/hand-over/", {"person": company.rep.pk, "mode": "pool"}, follow=True)
    assert "5 customers of Rep Li went back to the pool." in response.content.decode()
    assert set(owners(book).values()) == {None}


def test_the_page_explains_a_missing_choice_and_changes_nothing(company, book, browser):
    client = browser(company.manager)
    before = owners(book)
    for data in ({"mode": "one"}, {"mode": "nonsense"}, {"mode": "one", "to_one": "abc"}):
        response = client.post("/hand-over/", {"person": company.rep.pk, **data})
        assert response.status_code == 200
        assert "Choose" in response.content.decode()
    assert owners(book) == before


def test_others_cannot_open_the_page(company, book, browser):
    assert browser(company.deputy).get("/hand-over/").status_code == 403
    assert (
        browser(company.manager).get("/hand-over/", {"person": company.peer.pk}).status_code == 403
    )
    response = browser(company.manager).post(
        "/hand-over/", {"person": company.peer.pk, "mode": "pool"}
    )
    assert response.status_code == 403
    assert browser(company.manager).get("/hand-over/", {"person": 999999}).status_code == 404


def test_the_api_hands_over(company, book, api):
    response = api(company.admin).post(
        "/api/hand-over/",
        {"person": company.rep.pk, "to": [company.deputy.pk], "deactivate": True},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["done"] == sorted(c.pk for c in book)
    assert response.json()["deactivated"] is True
    company.rep.refresh_from_db()
    assert not company.rep.is_active


@pytest.mark.parametrize(
    "who, body, status",
    [
        ("deputy", {"to": []}, 403),
        ("manager", {"to": [], "deactivate": True}, 403),
        ("admin", {"to": ["x"]}, 400),
        ("admin", {"to": [999999]}, 400),
        ("admin", {"person": 999999}, 400),
    ],
)
def test_the_api_refuses_bad_requests_and_changes_nothing(company, book, api, who, body, status):
    before = owners(book)
    response = api(getattr(company, who)).post(
        "/api/hand-over/", {"person": company.rep.pk, **body}, format="json"
    )
    assert response.status_code == status, response.json()
    assert owners(book) == before
    company.rep.refresh_from_db()
    assert company.rep.is_active


def test_the_api_refuses_deactivating_an_owner_directly(company, book, api):
    response = api(company.admin).patch(
        f"/api/users/{company.rep.pk}/", {"is_active": False}, format="json"
    )
    assert response.status_code == 400
    assert "hand them over first" in str(response.json())


def test_an_account_change_is_one_row_naming_who_made_it(company):
    """audit.signals traces every account save; the service names its actor to it rather
    than writing a second row of its own."""
    before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    org_services.save_user(
        {"display_name": "Junior Wu II", "is_pool_manager": True, "password": "x-Long-enough-1"},
        company.junior,
        actor=company.admin,
    )
    rows = AuditEntry.objects.filter(
        pk__gt=before, object_id=str(company.junior.pk), action=Action.UPDATE
    )
    assert {row.actor_id for row in rows} == {company.admin.pk}
    changes = [row.changes for row in rows]
    assert sum("display_name" in c for c in changes) == 1
    assert sum("password" in c for c in changes) == 1
    assert sum("roles" in c for c in changes) == 1
