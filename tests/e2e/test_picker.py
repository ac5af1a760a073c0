"""M1 in the browser: 新建 on a module's own page, the customer picked by typing part of
its name, then the new row saved on that customer."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from customers.testing import CustomerFactory
from sales.models import Expense

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_new_expense_from_the_module_page_picks_the_customer_by_typing(
    page, ui, company, screenshot
):
    CustomerFactory(name="Harbor Foods", owner=company.rep)
    wanted = CustomerFactory(name="Lighthouse Robotics", owner=company.rep)
    CustomerFactory(name="Lighthouse Bakery", owner=company.peer)  # not rep's to add to
    ui.login(page, "rep")
    page.goto("/records/expenses/")
    page.get_by_test_id("new-record").click()
    choices = page.get_by_test_id("pick-customer")
    expect(choices).to_have_text(["Harbor Foods", "Lighthouse Robotics"])
    page.locator("#pick-q").press_sequentially("lighth", delay=30)
    expect(choices).to_have_text(["Lighthouse Robotics"])
    screenshot(page, "picked")
    choices.click()
    expect(page.get_by_test_id("record-form")).to_be_visible()
    page.fill("#id_amount", "66.60")
    page.fill("#id_payee", "Didi")
    with page.expect_navigation():
        page.locator("[data-testid=record-form] button[type=submit]").click()
    expense = Expense.objects.get(payee="Didi")
    assert (expense.customer_id, expense.amount) == (wanted.pk, Decimal("66.60"))
