"""SPEC §9 / M8 in the browser: from a customer's page, record an interaction, a quote with
two lines, a contract from it, a receivable and a payment, an attachment, then filter the
contracts tab by status."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from activities.models import Interaction
from attachments.models import Attachment
from customers.testing import CustomerFactory
from sales.models import Contract, Payment, Quote, Receivable

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_tab(page, customer, tab):
    page.goto(f"/customers/{customer.pk}/?tab={tab}")
    expect(page.locator("#tab-pane")).to_have_attribute("data-tab", tab)


def save(page):
    with page.expect_navigation():
        page.locator("[data-testid=record-form] button[type=submit]").click()


def test_a_day_of_work_on_one_customer(page, ui, company, screenshot, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    customer = CustomerFactory(name="Workday Trading", owner=company.rep)
    Contract.objects.create(
        customer=customer,
        number="C-OLD-1",
        title="Old deal",
        amount=Decimal("10"),
        status=Contract.Status.COMPLETED,
    )
    ui.login(page, "rep")

    open_tab(page, customer, "interactions")
    page.get_by_test_id("new-interactions").click()
    page.fill("#id_subject", "First call")
    page.fill("#id_next_follow_up", "2030-01-15")
    save(page)
    expect(page.get_by_test_id("records-interactions")).to_contain_text("First call")
    customer.refresh_from_db()
    assert Interaction.objects.filter(customer=customer).count() == 1
    assert customer.last_contacted_at is not None

    open_tab(page, customer, "quotes")
    page.get_by_test_id("new-quotes").click()
    page.fill("#id_lines-0-product", "Licence")
    page.fill("#id_lines-0-quantity", "3")
    page.fill("#id_lines-0-unit_price", "19.99")
    page.fill("#id_lines-0-discount", "15")
    page.fill("#id_lines-1-product", "Setup")
    page.fill("#id_lines-1-quantity", "1")
    page.fill("#id_lines-1-unit_price", "0.10")
    save(page)
    quote = Quote.objects.get(customer=customer)
    # 3 × 19.99 × 0.85 = 50.9745 → 50.97; + 0.10
    assert quote.total == Decimal("51.07")
    expect(page.get_by_test_id("records-quotes")).to_contain_text("51.07")
    screenshot(page, "quote")

    open_tab(page, customer, "contracts")
    page.get_by_test_id("new-contracts").click()
    page.fill("#id_title", "Licence deal")
    page.fill("#id_amount", "51.07")
    page.select_option("#id_status", "executing")
    page.fill("#id_starts_on", "2030-01-01")
    page.fill("#id_ends_on", "2030-12-31")
    page.select_option("#id_quote", str(quote.pk))
    save(page)
    contract = Contract.objects.get(customer=customer, title="Licence deal")
    assert contract.quote == quote

    open_tab(page, customer, "receivables")
    page.get_by_test_id("new-receivables").click()
    page.select_option("#id_contract", str(contract.pk))
    page.fill("#id_due_on", "2030-02-01")
    page.fill("#id_amount", "30")
    save(page)
    assert Receivable.objects.filter(contract=contract).count() == 1

    open_tab(page, customer, "payments")
    page.get_by_test_id("new-payments").click()
    page.select_option("#id_contract", str(contract.pk))
    page.fill("#id_amount", "60")
    page.locator("[data-testid=record-form] button[type=submit]").click()
    expect(page.get_by_test_id("error-amount")).to_contain_text("still owed")
    assert not Payment.objects.exists()
    page.fill("#id_amount", "20")
    save(page)
    assert contract.outstanding == Decimal("31.07")

    open_tab(page, customer, "attachments")
    page.get_by_test_id("new-attachments").click()
    page.set_input_files(
        "#id_file", files=[{"name": "offer.pdf", "mimeType": "application/pdf", "buffer": b"%PDF"}]
    )
    save(page)
    expect(page.get_by_test_id("records-attachments")).to_contain_text("offer.pdf")
    assert Attachment.objects.get(customer=customer).original_name == "offer.pdf"

    open_tab(page, customer, "contracts")
    # Contracted 51.07 + the old 10.00, received 20.00.
    expect(page.get_by_test_id("summary-contracts")).to_contain_text("41.07")
    table = page.get_by_test_id("records-contracts")
    expect(table).to_contain_text("Licence deal")
    expect(table).to_contain_text("Old deal")
    page.get_by_test_id("tab-filter-status").select_option("executing")
    expect(table).not_to_contain_text("Old deal")
    expect(table).to_contain_text("Licence deal")
    screenshot(page, "contracts-executing")
    page.get_by_test_id("tab-filter-status").select_option("completed")
    expect(table).not_to_contain_text("Licence deal")
    expect(table).to_contain_text("Old deal")
