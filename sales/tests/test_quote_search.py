"""A quote is found by what its lines sell, and listed once however many lines match
(SPEC L1): on the customer's quotes tab and on the quotes page."""

import datetime as dt
from decimal import Decimal

import pytest

from customers.testing import CustomerFactory
from records.testing import tab, text
from sales.models import Quote, QuoteLine

pytestmark = pytest.mark.django_db


def test_a_quote_whose_lines_match_is_listed_once(company, browser):
    customer = CustomerFactory(owner=company.rep)
    quote = Quote.objects.create(
        customer=customer,
        created_by=company.rep,
        number="Q-LINES-1",
        date=dt.date(2025, 1, 10),
        total=Decimal("3.00"),
    )
    for i in range(3):
        QuoteLine.objects.create(quote=quote, product=f"zqwidget {i}", quantity=1, unit_price=1)
    client = browser(company.rep)
    page = text(client.get(tab(customer, "quotes", search="zqwidget")))
    assert page.count(f"/quotes/{quote.pk}/delete/") == 1 and "1 in all" in page
    listing = text(client.get("/records/quotes/", {"search": "zqwidget"}))
    assert listing.count("Q-LINES-1") == 1 and "1 in all" in listing
