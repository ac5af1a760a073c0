"""A customer's tab is a list like the others (SPEC L1-L5) in the browser: typing in the
quick search and clicking a column heading swap the list in place, the search box keeps
what is typed, and the address keeps the state for reload and back."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import Interaction
from customers.testing import CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_and_sort_a_tab_in_place(page, ui, company, screenshot):
    customer = CustomerFactory(name="Listed Trading", owner=company.rep)
    for days, subject in enumerate(("Beta call", "Alpha call", "Gamma visit", "Delta call")):
        Interaction.objects.create(
            customer=customer,
            created_by=company.rep,
            happened_at=timezone.now() - dt.timedelta(days=days),
            subject=subject,
        )
    ui.login(page, "rep")
    page.goto(f"/customers/{customer.pk}/?tab=interactions")
    # The owner's table: a tick box, then when, type and the subject.
    subjects = page.locator("[data-testid=records-interactions] tbody td:nth-child(4)")
    expect(subjects).to_have_count(4)

    box = page.get_by_test_id("tab-search")
    with page.expect_response(lambda r: "search=call" in r.url):
        box.press_sequentially("call", delay=60)
    ui.settle(page)
    expect(subjects).to_have_text(["Beta call", "Alpha call", "Delta call"])
    expect(box).to_be_focused()
    expect(box).to_have_value("call")

    heading = page.locator("#tab-list a[data-field=subject]")
    heading.click()
    ui.settle(page)
    expect(subjects).to_have_text(["Alpha call", "Beta call", "Delta call"])
    page.locator("#tab-list a[data-field=subject]").click()
    ui.settle(page)
    expect(subjects).to_have_text(["Delta call", "Beta call", "Alpha call"])
    assert "search=call" in page.url and "ordering=-subject" in page.url
    screenshot(page, "interactions-searched-and-sorted")

    # A new keyword keeps the sort the list has now.
    with page.expect_response(lambda r: "search=a+c" in r.url or "search=a%20c" in r.url):
        box.fill("a c")
    ui.settle(page)
    expect(subjects).to_have_text(["Delta call", "Beta call", "Alpha call"])
    assert "ordering=-subject" in page.url

    page.reload()
    expect(subjects).to_have_text(["Delta call", "Beta call", "Alpha call"])
    expect(page.get_by_test_id("tab-search")).to_have_value("a c")
    page.go_back()
    expect(page.get_by_test_id("tab-search")).to_have_value("call")
    expect(subjects).to_have_text(["Delta call", "Beta call", "Alpha call"])
    # Back again once the reloaded page listens for it (HTMX keeps no history cache here).
    page.wait_for_load_state()
    page.go_back()
    expect(subjects).to_have_text(["Alpha call", "Beta call", "Delta call"])
