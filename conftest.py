"""Test personas shared by every app: one small company (SPEC O1, O2).

ceo (Management)
 └─ manager (Sales)
     ├─ rep (Sales)        ← owns customers in most tests
     │   └─ junior (Sales)
     └─ deputy (Sales)
peer (Support)             ← unrelated to the others
marketer (Marketing)       ← pool manager
admin (Management)         ← administrator (staff)
"""

import pytest
from rest_framework.test import APIClient

from org.testing import DepartmentFactory, UserFactory

# The working record's fixtures (media, alpha, book, world), for records and every module app;
# the home page's company (dashboard_world).
pytest_plugins = ["records.testing", "dashboard.testing"]


class Company:
    def __init__(self):
        self.sales = DepartmentFactory(name="Sales")
        self.marketing = DepartmentFactory(name="Marketing")
        self.support = DepartmentFactory(name="Support")
        self.management = DepartmentFactory(name="Management")
        self.ceo = UserFactory(username="ceo", display_name="CEO Chen", department=self.management)
        self.manager = UserFactory(
            username="manager",
            display_name="Manager Ma",
            department=self.sales,
            supervisor=self.ceo,
        )
        self.rep = UserFactory(
            username="rep", display_name="Rep Li", department=self.sales, supervisor=self.manager
        )
        self.junior = UserFactory(
            username="junior", display_name="Junior Wu", department=self.sales, supervisor=self.rep
        )
        self.deputy = UserFactory(
            username="deputy",
            display_name="Deputy Du",
            department=self.sales,
            supervisor=self.manager,
        )
        self.peer = UserFactory(username="peer", display_name="Peer Pan", department=self.support)
        self.marketer = UserFactory(
            username="marketer",
            display_name="Marketer Mo",
            department=self.marketing,
            pool_manager=True,
        )
        self.admin = UserFactory(
            username="admin", display_name="Admin An", department=self.management, is_staff=True
        )


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The real hasher is slow by design; tests create many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def company(db):
    return Company()


@pytest.fixture
def browser(client):
    """`browser(user)` → the test client signed in as that user (page tests)."""

    def signed_in(user):
        client.force_login(user)
        return client

    return signed_in


@pytest.fixture
def api():
    """`api(user)` → an APIClient signed in as that user. A server error comes back as a
    500 response to assert on, not as an exception that hides what the client saw."""

    def client_for(user=None):
        client = APIClient(raise_request_exception=False)
        if user is not None:
            client.force_authenticate(user)
        return client

    return client_for
