"""Deleting and restoring an interaction record moves the customer's last-contacted time."""

import pytest

from customers.models import Customer
from records.testing import restore_url, tab_url

pytestmark = pytest.mark.django_db


def test_restoring_an_interaction_moves_last_contacted_back(company, api, book):
    latest = book.rows["interactions"]
    customer = Customer.objects.get(pk=book.customer.pk)
    assert customer.last_contacted_at == latest.happened_at
    client = api(company.rep)
    assert client.delete(tab_url(book.customer, "interactions", latest.pk)).status_code == 204
    assert Customer.objects.get(pk=book.customer.pk).last_contacted_at is None
    assert client.post(restore_url(book.customer, "interactions", latest.pk)).status_code == 200
    assert Customer.objects.get(pk=book.customer.pk).last_contacted_at == latest.happened_at
