"""The sales records' own pages and page rules (SPEC §9, M7): contract forms and their
messages, the contracts tab's status filter, the quote form with its lines, the quote
print page."""

import re
from decimal import Decimal

import pytest

from records.testing import counts, tab, text
from sales.models import Contract, Quote
from sales.testing import quote_form

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- contracts


def test_owner_adds_changes_and_deletes_a_contract_through_the_pages(company, browser, alpha):
    client = browser(company.rep)
    created = client.post(
        f"/customers/{alpha.pk}/contracts/new/",
        {"title": "Page contract", "amount": "250.00", "status": "draft"},
    )
    assert created.status_code == 302
    assert created["Location"] == f"/customers/{alpha.pk}/?tab=contracts"
    contract = Contract.objects.get(title="Page contract")
    assert (contract.customer_id, contract.created_by_id) == (alpha.pk, company.rep.pk)
    assert re.fullmatch(r"C-\d{4}-\d{6}", contract.number)

    changed = client.post(
        f"/customers/{alpha.pk}/contracts/{contract.pk}/edit/",
        {"title": "Page contract v2", "amount": "260.00", "status": "executing"},
    )
    assert changed.status_code == 302
    contract.refresh_from_db()
    assert (contract.title, contract.amount, contract.status) == (
        "Page contract v2",
        Decimal("260.00"),
        "executing",
    )

    bad = client.post(
        f"/customers/{alpha.pk}/contracts/new/",
        {
            "title": "Backwards",
            "amount": "1.00",
            "status": "draft",
            "starts_on": "2025-03-01",
            "ends_on": "2025-01-01",
        },
    )
    assert bad.status_code == 200  # shown again with its errors
    assert "cannot end before it starts" in text(bad)
    assert not Contract.objects.filter(title="Backwards").exists()

    deleted = client.post(f"/customers/{alpha.pk}/contracts/{contract.pk}/delete/")
    assert deleted.status_code == 302
    assert not Contract.objects.filter(pk=contract.pk).exists()


def test_deleting_a_contract_with_payments_from_its_tab_is_refused_with_a_message(
    company, browser, alpha
):
    """Payments point at their contract (PROTECT): the page must say why it cannot be
    deleted (a message after the redirect, or a 400/409 page), not fail with a 500."""
    client = browser(company.rep)
    client.raise_request_exception = False
    contract = alpha.rows["contracts"]
    before = counts()
    response = client.post(f"/customers/{alpha.pk}/contracts/{contract.pk}/delete/")
    assert response.status_code in (302, 400, 409), response.status_code
    assert counts() == before
    if response.status_code == 302:
        page = text(client.get(response["Location"]))
        assert "payment" in page.lower() and contract.title in page


# ---------------------------------------------------------------- the contracts tab filter


def test_the_contracts_tab_filters_by_status(company, browser, alpha):
    for status in ("draft", "executing", "completed", "terminated"):
        Contract.objects.create(
            customer=alpha,
            created_by=company.rep,
            number=f"C-TAB-{status}",
            title=f"zq {status} deal",
            amount=Decimal("10.00"),
            status=status,
        )
    client = browser(company.rep)
    everything = text(client.get(tab(alpha, "contracts")))
    for status in ("draft", "executing", "completed", "terminated"):
        assert f"zq {status} deal" in everything

    executing = client.get(tab(alpha, "contracts", status="executing"))
    assert executing.status_code == 200
    body = text(executing)
    assert "zq executing deal" in body and "zqpage contract" in body  # both executing
    for status in ("draft", "completed", "terminated"):
        assert f"zq {status} deal" not in body
    assert re.search(r'<option value="executing"\s+selected', body)

    drafts = text(client.get(tab(alpha, "contracts", status="draft")))
    assert "zq draft deal" in drafts and "zq executing deal" not in drafts

    unknown = text(client.get(tab(alpha, "contracts", status="bogus")))
    assert "zq draft deal" in unknown and "zq executing deal" in unknown


# ---------------------------------------------------------------- quotes


def test_the_quote_form_saves_its_lines_and_total(company, browser, alpha):
    client = browser(company.rep)
    form = client.get(f"/customers/{alpha.pk}/quotes/new/")
    assert 'name="lines-TOTAL_FORMS"' in text(form) and 'name="lines-0-product"' in text(form)
    lines = [
        {"product": "Cable", "quantity": "3", "unit_price": "19.99", "discount": "15"},
        {"product": "Clip", "quantity": "1", "unit_price": "0.10", "discount": ""},
    ]
    response = client.post(f"/customers/{alpha.pk}/quotes/new/", quote_form(lines, notes="zq q"))
    assert response.status_code == 302, text(response)[:2000]
    quote = Quote.objects.get(notes="zq q")
    assert quote.total == Decimal("51.07")
    saved = [(x.product, x.quantity, x.unit_price, x.discount) for x in quote.lines.all()]
    assert saved == [
        ("Cable", Decimal("3"), Decimal("19.99"), Decimal("15")),
        ("Clip", Decimal("1"), Decimal("0.10"), Decimal("0")),
    ]
    assert re.fullmatch(r"Q-\d{4}-\d{6}", quote.number)

    printed = client.get(f"/customers/{alpha.pk}/quotes/{quote.pk}/print/")
    assert printed.status_code == 200
    body = text(printed)
    assert re.search(r'data-testid="quote-total">\s*51\.07\s*<', body), body
    assert quote.number in body and "Cable" in body and "50.97" in body

    # Editing: one line replaced, one removed; the total follows.
    edit = quote_form(
        [
            {"product": "Cable", "quantity": "1", "unit_price": "19.99", "discount": "0"},
        ]
    )
    changed = client.post(f"/customers/{alpha.pk}/quotes/{quote.pk}/edit/", edit)
    assert changed.status_code == 302, text(changed)[:2000]
    quote.refresh_from_db()
    assert quote.total == Decimal("19.99")
    assert quote.lines.count() == 1


@pytest.mark.parametrize(
    "lines",
    [
        [],
        [{"product": "Cable", "quantity": "0", "unit_price": "1.00", "discount": ""}],
        [{"product": "Cable", "quantity": "1", "unit_price": "1.00", "discount": "150"}],
        [{"product": "Cable", "quantity": "1", "unit_price": "-1.00", "discount": ""}],
    ],
    ids=["no lines", "quantity 0", "discount 150", "negative price"],
)
def test_a_bad_quote_form_is_shown_again_and_stores_nothing(company, browser, alpha, lines):
    client = browser(company.rep)
    before = counts()
    response = client.post(f"/customers/{alpha.pk}/quotes/new/", quote_form(lines, notes="bad"))
    assert response.status_code == 200  # shown again with its errors
    assert 'data-testid="record-form"' in text(response)
    assert counts() == before


def test_a_quote_dated_after_it_expires_is_refused_on_the_form(company, browser, alpha):
    client = browser(company.rep)
    before = counts()
    lines = [{"product": "Cable", "quantity": "1", "unit_price": "1.00", "discount": ""}]
    data = quote_form(lines, date="2025-05-01", valid_until="2025-04-01")
    response = client.post(f"/customers/{alpha.pk}/quotes/new/", data)
    assert response.status_code == 200  # shown again with its errors
    assert "cannot expire before its date" in text(response)
    assert counts() == before


@pytest.mark.parametrize(
    ("persona", "status"),
    [("rep", 200), ("deputy", 200), ("manager", 200), ("peer", 404), ("marketer", 404)],
)
def test_the_quote_print_page_is_for_readers_of_the_customer(
    company, browser, alpha, persona, status
):
    quote = alpha.rows["quotes"]
    response = browser(getattr(company, persona)).get(
        f"/customers/{alpha.pk}/quotes/{quote.pk}/print/"
    )
    assert response.status_code == status
    assert (quote.number in text(response)) is (status == 200)


def test_each_quote_on_its_tab_links_to_its_print_page(company, browser, alpha):
    quote = alpha.rows["quotes"]
    body = text(browser(company.manager).get(tab(alpha, "quotes")))
    assert f'href="/customers/{alpha.pk}/quotes/{quote.pk}/print/" target="_blank"' in body
