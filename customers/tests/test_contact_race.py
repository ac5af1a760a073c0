"""Several people (or tabs) adding, promoting and deleting contacts of one customer at the
same moment (SPEC C4: exactly one contact is primary whenever any exist). Real threads,
each with its own connection and client; PostgreSQL answered 500 on the one-primary
constraint and left customers with no primary contact before writers were serialised."""

import threading
import traceback

import pytest
from django.db import connection
from rest_framework.test import APIClient

from customers.models import Contact
from customers.testing import CustomerFactory
from org.models import User

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8
ROUNDS = 5


def test_contacts_written_at_once_keep_exactly_one_primary(company):
    owner_id = company.rep.pk
    customers = [CustomerFactory(name=f"Busy {i}", owner=company.rep) for i in range(ROUNDS)]
    answers, errors = [], []

    def work(index, customer_id, barrier):
        try:
            client = APIClient()
            client.force_authenticate(User.objects.get(pk=owner_id))
            url = f"/api/customers/{customer_id}/contacts/"
            barrier.wait(timeout=60)
            body = {"name": f"Person {index}", "is_primary": index % 2 == 0}
            answers.append(client.post(url, body, format="json").status_code)
            mine = client.get(url).json()
            if index % 3 == 0 and mine:  # some delete one of what they see, maybe the primary
                victim = mine[0]["id"]
                answers.append(
                    client.post(f"{url}delete/", {"ids": [victim]}, format="json").status_code
                )
        except Exception:
            errors.append(traceback.format_exc())
            barrier.abort()
        finally:
            connection.close()

    for customer in customers:
        barrier = threading.Barrier(THREADS)
        threads = [
            threading.Thread(target=work, args=(i, customer.pk, barrier), daemon=True)
            for i in range(THREADS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert not errors, errors[0]
        contacts = Contact.objects.filter(customer=customer)
        assert contacts.exists()
        assert contacts.filter(is_primary=True).count() == 1, list(contacts.values())
    # Every add answered 201; a delete 200, or 404 when another thread took it first.
    assert set(answers) <= {200, 201, 404}, sorted(answers)
    assert answers.count(201) == THREADS * ROUNDS
