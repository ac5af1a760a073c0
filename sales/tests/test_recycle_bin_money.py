"""A contract is never deleted away from its payments and receivables: the deletion asks,
and what goes to the recycle bin together comes back together (issue: deleting a contract
silently deleted its receivables; money records vanished)."""

from decimal import Decimal

import pytest

from customers.services import ownership
from records.testing import restore_url, tab_url
from sales.models import Contract, Payment, customer_money_summary

pytestmark = pytest.mark.django_db


def test_a_contract_is_never_deleted_away_from_its_payments(company, api, book):
    contract = book.rows["contracts"]
    payment, receivable = book.rows["payments"], book.rows["receivables"]
    assert payment.contract_id == contract.pk and receivable.contract_id == contract.pk
    client = api(company.rep)
    url = tab_url(book.customer, "contracts", contract.pk)
    summary = customer_money_summary(book.customer)

    refused = client.delete(url)
    assert refused.status_code == 400
    assert "payments" in refused.json()["detail"] and "receivables" in refused.json()["detail"]
    assert Contract.objects.filter(pk=contract.pk).exists()

    assert client.delete(f"{url}?with_dependents=true").status_code == 204
    gone = [contract, payment, receivable]
    times = {type(r).everything.get(pk=r.pk).deleted_at for r in gone}
    assert len(times) == 1 and None not in times  # deleted together, at one time
    assert not Payment.objects.filter(pk=payment.pk).exists()
    _contracted, received, _owed = customer_money_summary(book.customer)
    assert received == summary[1] - payment.amount

    # A payment alone cannot come back without its contract ...
    alone = client.post(restore_url(book.customer, "payments", payment.pk))
    assert alone.status_code == 400 and "contract first" in alone.json()["detail"]
    assert contract.title not in alone.json()["detail"]  # pool managers restore too (C2)
    assert not Payment.objects.filter(pk=payment.pk).exists()
    # ... and the contract brings back what went with it.
    assert client.post(restore_url(book.customer, "contracts", contract.pk)).status_code == 200
    assert customer_money_summary(book.customer) == summary
    assert Payment.objects.filter(pk=payment.pk).exists()
    row = client.get(url).json()
    assert Decimal(row["received"]) == payment.amount


def test_a_payment_that_no_longer_fits_stays_in_the_bin(company, api, book):
    contract = book.rows["contracts"]
    client = api(company.rep)
    payment = book.rows["payments"]
    assert client.delete(tab_url(book.customer, "payments", payment.pk)).status_code == 204
    owed = Contract.objects.get(pk=contract.pk).outstanding
    filled = client.post(
        tab_url(book.customer, "payments"),
        {"contract": contract.pk, "received_on": "2025-06-01", "amount": str(owed)},
        format="json",
    )
    assert filled.status_code == 201, filled.content
    response = client.post(restore_url(book.customer, "payments", payment.pk))
    assert response.status_code == 400
    assert contract.number in response.json()["detail"]
    assert Payment.everything.get(pk=payment.pk).deleted_at is not None
    assert Contract.objects.get(pk=contract.pk).outstanding == 0


def test_the_pages_offer_the_bin_and_ask_before_taking_payments_along(company, client, book):
    client.force_login(company.rep)
    contract = book.rows["contracts"]
    delete = f"/customers/{book.customer.pk}/contracts/{contract.pk}/delete/"
    asked = client.post(delete)
    assert asked.status_code == 409
    page = asked.content.decode()
    assert 'data-testid="dependents"' in page and str(book.rows["payments"]) in page
    assert Contract.objects.filter(pk=contract.pk).exists()

    done = client.post(delete, {"with_dependents": "1"})
    assert done.status_code == 302
    assert not Contract.objects.filter(pk=contract.pk).exists()
    tab = client.get(f"/customers/{book.customer.pk}/?tab=bin").content.decode()
    assert str(contract) in tab and f"restore-contracts-{contract.pk}" in tab
    assert f"restore-payments-{book.rows['payments'].pk}" in tab

    back = client.post(
        f"/customers/{book.customer.pk}/contracts/{contract.pk}/restore/", follow=True
    )
    assert Contract.objects.filter(pk=contract.pk).exists()
    assert Payment.objects.filter(pk=book.rows["payments"].pk).exists()
    assert str(contract) in back.content.decode()  # the message names it

    client.force_login(company.manager)  # reads the record, may not restore
    tab = client.get(f"/customers/{book.customer.pk}/?tab=bin").content.decode()
    assert 'data-testid="record-bin"' in tab and "restore-" not in tab


def test_a_pool_manager_is_not_told_what_the_contract_says(company, api, book):
    """Restoring a payment before its contract is refused without naming the contract: the
    pool manager may restore what a customer nobody owns had, not read it (C2)."""
    contract, payment = book.rows["contracts"], book.rows["payments"]
    url = tab_url(book.customer, "contracts", contract.pk)
    assert api(company.rep).delete(f"{url}?with_dependents=true").status_code == 204
    assert ownership.return_to_pool(company.rep, [book.customer.pk]).done
    refused = api(company.marketer).post(restore_url(book.customer, "payments", payment.pk))
    assert refused.status_code == 400
    assert contract.title not in refused.json()["detail"]
    assert contract.number not in refused.json()["detail"]
    back = api(company.marketer).post(restore_url(book.customer, "contracts", contract.pk))
    assert back.status_code == 200
    assert Payment.objects.filter(pk=payment.pk).exists()
