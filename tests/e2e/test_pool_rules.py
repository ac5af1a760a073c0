"""The pool rules in a browser (issue 17): an administrator turns on a rule of one day; as
time moves forward the owner sees the warning, then the customer is back in the pool with
the reason, and its previous owner is refused by the cool-down; a claim over the limit is
refused with its reason. Time is moved with freezegun, in the test and the live server
alike; Playwright's own clock is left alone."""

import datetime

import pytest
from django.utils import timezone
from freezegun import freeze_time
from playwright.sync_api import expect

from customers.models import Customer
from customers.services.due import NO_CONTACT
from customers.tasks import sweep_pool
from customers.testing import CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The browser driver's event loop and timers keep the real clock.
REAL_CLOCK = ["playwright", "asyncio", "greenlet", "pyee"]


def test_a_neglected_customer_returns_and_its_owner_waits(page, ui, company, dialogs):
    acme = CustomerFactory(name="Acme Pumps")
    others = [CustomerFactory(name=name) for name in ("Beta Tools", "Gamma Steel")]
    start = timezone.now()
    with freeze_time(start, tick=True, ignore=REAL_CLOCK) as clock:
        ui.login(page, "admin")
        page.goto("/pool/rules/")
        page.check("#id_auto_return")
        page.fill("#id_no_contact_days", "1")
        page.fill("#id_warning_days", "1")
        page.fill("#id_owner_limit", "2")
        page.fill("#id_cooldown_days", "7")
        with page.expect_navigation():
            page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("alert")).to_contain_text("The pool rules are saved.")

        ui.login(page, "rep")
        page.goto("/pool/")
        ui.tick(page, "Acme Pumps")
        expect(ui.batch(page, "claim")).to_contain_text("Claimed 1 customer.")

        clock.move_to(start + datetime.timedelta(hours=12))
        ui.login(page, "rep")  # hours later: signed out for want of activity
        page.goto("/mine/")
        expect(page.get_by_test_id("returns-soon")).to_contain_text("returns in 1 day")

        clock.move_to(start + datetime.timedelta(days=2))
        assert sweep_pool.call() == 1  # the periodic job, as the worker runs it
        ui.login(page, "rep")
        page.goto("/mine/")
        expect(page.locator("#list-region")).not_to_contain_text("Acme Pumps")
        page.goto("/pool/")
        ui.tick(page, "Acme Pumps")
        result = ui.batch(page, "claim")
        expect(result).to_contain_text("a cool-down of 7 days")
        assert Customer.objects.get(pk=acme.pk).owner_id is None

        ui.tick(page, "Beta Tools", "Gamma Steel")
        result = ui.batch(page, "claim")
        expect(result).to_contain_text("Claimed 2 customers.")
        extra = CustomerFactory(name="Delta Glass")
        page.goto("/pool/")
        ui.tick(page, "Delta Glass")
        result = ui.batch(page, "claim")
        expect(result).to_contain_text("You would own more than 2 customers")
        assert Customer.objects.get(pk=extra.pk).owner_id is None
        assert {c.owner_id for c in Customer.objects.filter(pk__in=[c.pk for c in others])} == {
            company.rep.pk
        }

        ui.login(page, "marketer")  # a pool manager reads who had it, and why it left
        page.goto(f"/pool/{acme.pk}/")
        history = page.get_by_test_id("pool-history")
        expect(history).to_contain_text(NO_CONTACT)
        expect(history).to_contain_text("the pool rules")
        expect(history).to_contain_text("2 in all")
