"""Deleting a person never erases who did what (issue: history with null actors): one who
has acted is refused deletion, in Django admin and in the database, and stays named in the
customer's history; an account that never acted can still be deleted."""

import pytest
from django.db.models import ProtectedError

from customers.services import ownership
from org.models import User
from org.testing import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(client):
    boss = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(boss)
    return client


def delete_in_admin(client, user):
    return client.post(f"/admin/org/user/{user.pk}/delete/", {"post": "yes"})


def test_a_person_who_acted_cannot_be_deleted(company, superuser, api):
    customer = ownership.create(company.rep, {"name": "Kept Ltd"}, claim=True)
    ownership.share(company.rep, [customer.pk], users=[company.deputy])
    with pytest.raises(ProtectedError):
        User.objects.get(pk=company.rep.pk).delete()
    page = delete_in_admin(superuser, company.rep)
    assert page.status_code == 200 and b"Cannot delete" in page.content
    assert User.objects.filter(pk=company.rep.pk).exists()
    entries = api(company.rep).get(f"/api/customers/{customer.pk}/history/").json()["results"]
    assert {e["actor"] for e in entries} == {"Rep Li"}


def test_one_who_only_edited_fields_is_refused_too(company, superuser, api):
    # A pool manager corrects an unclaimed customer: the field history names them only.
    customer = ownership.create(company.rep, {"name": "Typo Co"}, claim=False)
    edit = api(company.marketer).patch(f"/api/pool/{customer.pk}/", {"name": "Typo Company"})
    assert edit.status_code == 200, edit.content
    page = delete_in_admin(superuser, company.marketer)
    assert b"Marketer Mo has acted" in page.content
    assert User.objects.filter(pk=company.marketer.pk).exists()
    batch = superuser.post(
        "/admin/org/user/",
        {"action": "delete_selected", "_selected_action": [company.marketer.pk], "post": "yes"},
    )
    assert batch.status_code == 200 and User.objects.filter(pk=company.marketer.pk).exists()


def test_an_account_that_never_acted_can_be_deleted(company, superuser):
    typo = UserFactory(username="typo")
    response = delete_in_admin(superuser, typo)
    assert response.status_code == 302
    assert not User.objects.filter(pk=typo.pk).exists()
