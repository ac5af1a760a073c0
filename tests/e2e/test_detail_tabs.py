"""A customer's tabs in the browser: switching swaps only the pane, and the tab shown is
the one marked (for the eye and for screen readers)."""

import pytest
from playwright.sync_api import expect

from customers.testing import CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_marked_tab_follows_a_switch(page, ui, company, screenshot):
    customer = CustomerFactory(name="Tabbed Trading", owner=company.rep)
    ui.login(page, "rep")
    page.goto(f"/customers/{customer.pk}/")
    tabs = page.locator(".nav-tabs a[data-tab]")
    expect(tabs.and_(page.locator(".active"))).to_have_attribute("data-tab", "info")
    for key in ("shares", "expenses", "history"):
        tabs.and_(page.locator(f"[data-tab={key}]")).click()
        expect(page.locator("#tab-pane")).to_have_attribute("data-tab", key)
        marked = tabs.and_(page.locator(".active"))
        expect(marked).to_have_count(1)
        expect(marked).to_have_attribute("data-tab", key)
        expect(marked).to_have_attribute("aria-current", "page")
    screenshot(page, "history-marked")
    page.go_back()
    expect(page.locator("#tab-pane")).to_have_attribute("data-tab", "expenses")
    expect(tabs.and_(page.locator(".active"))).to_have_attribute("data-tab", "expenses")
