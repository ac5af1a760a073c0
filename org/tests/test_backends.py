"""The user of each request comes with their roles, in one query (org/backends.py)."""

import pytest
from django.contrib.auth import get_user
from django.db import connection
from django.test.utils import CaptureQueriesContext

from org.models import User
from org.services import set_pool_manager

pytestmark = pytest.mark.django_db

PERMISSION_READ = "content_type__app_label"  # what has_perm's own queries select


def signed_in_user(client, user):
    client.force_login(user)
    request = type("Request", (), {"session": client.session})()
    return get_user(request)


def test_the_user_of_a_request_knows_whether_they_manage_the_pool(company, client):
    for user, manages in ((company.marketer, True), (company.rep, False)):
        loaded = signed_in_user(client, user)
        assert loaded.pk == user.pk
        with CaptureQueriesContext(connection) as captured:
            assert loaded.is_pool_manager is manages
        assert not captured.captured_queries


def test_a_page_reads_no_permission_to_show_pool_manager_actions(company, browser):
    with CaptureQueriesContext(connection) as captured:
        page = browser(company.marketer).get("/pool/")
    assert page.status_code == 200
    assert not [q for q in captured.captured_queries if PERMISSION_READ in q["sql"]]


def test_a_role_granted_since_shows_on_the_next_request(company, client):
    assert not signed_in_user(client, company.rep).is_pool_manager
    set_pool_manager(company.rep, True)
    assert signed_in_user(client, company.rep).is_pool_manager


def test_an_inactive_user_is_signed_out(company, client):
    client.force_login(company.rep)
    company.rep.is_active = False
    company.rep.save()
    request = type("Request", (), {"session": client.session})()
    assert not get_user(request).is_authenticated


def test_a_role_granted_or_taken_shows_at_once_on_the_same_user_object(company):
    """What a user object knew of its roles (permissions cached by has_perm, the flag of
    with_roles) is forgotten when the role changes."""
    cached = User.objects.get(pk=company.rep.pk)
    annotated = User.objects.with_roles().get(pk=company.rep.pk)
    assert not cached.is_pool_manager and not annotated.is_pool_manager
    for user in (cached, annotated):
        set_pool_manager(user, True)
        assert user.is_pool_manager
        set_pool_manager(user, False)
        assert not user.is_pool_manager


def test_a_wrong_password_is_hashed_once(company, client):
    """Each backend Django asks checks the password: with ModelBackend listed beside ours,
    every wrong password cost two hashes (benchmarks/login_flood.py)."""
    from unittest import mock

    from django.contrib.auth import base_user

    calls = []
    with (
        mock.patch.object(base_user, "check_password", side_effect=lambda *a, **k: calls.append(1)),
        mock.patch.object(base_user, "make_password", side_effect=lambda *a, **k: calls.append(1)),
    ):
        client.post("/login/", {"username": "rep", "password": "wrong"})
        assert len(calls) == 1
        client.post("/login/", {"username": "nobody-at-all", "password": "wrong"})
        assert len(calls) == 2
