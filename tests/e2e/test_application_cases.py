"""SPEC §10, the source's four application cases, played through the pages by the people
they name (conftest.py `company`)."""

import re

import pytest
from playwright.sync_api import expect

from customers.models import Contact, Customer, Share
from customers.testing import CustomerFactory
from org.services import set_pool_manager
from org.testing import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ASSIGN_CONFIRM = "Give the ticked customers to the chosen user(s)?"
UNSHARE_CONFIRM = "Remove this share? They will no longer see the customer."


def test_case1_ceo_creates_in_pool_assigns_to_manager_who_adds_a_contact(
    page, ui, company, dialogs, screenshot
):
    name = "Lighthouse Robotics"
    set_pool_manager(company.ceo, True)  # only pool managers assign unclaimed customers (P6)
    CustomerFactory(name="Harbor Foods")
    CustomerFactory(name="Lakeside Robotics Supplies", owner=company.rep)

    ui.login(page, "ceo")
    ui.nav(page, "Customer pool")
    page.get_by_role("link", name="New", exact=True).click()
    expect(page.get_by_test_id("customer-form")).to_be_visible()
    page.fill("#id_name", name)
    page.fill("#id_phone", "010-12345678")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_test_id("customer-title")).to_have_text(name)
    customer = Customer.live.get(name=name)
    assert customer.owner is None, "New in the pool must create an unclaimed customer (P2)"
    assert customer.created_by == company.ceo

    ui.nav(page, "Customer pool")
    ui.search(page, "Lighthouse")
    expect(ui.names(page)).to_have_text([name])
    ui.tick(page, name)
    ui.open_panel(page, "Assign…")
    page.select_option("#assign-to", label="Manager Ma")
    result = ui.batch(page, "assign")
    expect(result).to_contain_text("Assign")
    expect(result.locator("li[data-result=done]")).to_have_text([f"✓ {name}"])
    expect(result.locator("li[data-result=refused]")).to_have_count(0)
    assert dialogs.messages == [ASSIGN_CONFIRM]
    screenshot(page, "assigned")
    customer.refresh_from_db()
    assert customer.owner == company.manager

    ui.login(page, "manager")
    ui.nav(page, "My customers")
    expect(ui.names(page)).to_have_text([name])
    ui.names(page).get_by_text(name, exact=True).click()
    expect(page.get_by_test_id("customer-title")).to_contain_text(name)
    expect(page.get_by_test_id("edit-customer")).to_be_visible()
    page.locator("a[data-tab=contacts]").click()
    expect(page.get_by_test_id("contacts")).to_contain_text("No contacts yet.")
    page.locator("summary", has_text="New contact").click()
    page.fill("[data-testid=add-contact] #id_name", "Zhang Wei")
    page.fill("[data-testid=add-contact] #id_title", "Purchasing")
    page.fill("[data-testid=add-contact] #id_mobile", "13800138000")
    page.get_by_role("button", name="Save contact").click()
    row = page.get_by_test_id("contacts").locator("tbody tr", has_text="Zhang Wei")
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("primary")).to_be_visible()
    contact = Contact.objects.get(customer=customer)
    assert (contact.name, contact.mobile, contact.is_primary) == ("Zhang Wei", "13800138000", True)

    # The primary contact's name and phone appear in the list (C4).
    ui.nav(page, "My customers")
    expect(page.get_by_test_id("customer-table").locator("tbody tr")).to_contain_text(["Zhang Wei"])
    expect(page.get_by_test_id("customer-table").locator("tbody tr")).to_contain_text(
        ["13800138000"]
    )


def test_case2_marketer_spreads_prospects_over_three_reps_who_see_only_their_own(
    page, ui, company, screenshot
):
    reps = [
        UserFactory(
            username=f"rep{i}",
            display_name=f"Rep {label}",
            department=company.sales,
            supervisor=company.manager,
        )
        for i, label in enumerate(("One", "Two", "Three"), start=1)
    ]
    prospects = [f"Prospect {i:02d} Trading" for i in range(1, 10)]
    for prospect in prospects:
        CustomerFactory(name=prospect)
    CustomerFactory(name="Unrelated Unclaimed Co")
    CustomerFactory(name="Someone Else's Co", owner=company.rep)

    ui.login(page, "marketer")
    ui.nav(page, "Customer pool")
    ui.search(page, "prospect")
    expect(ui.names(page)).to_have_text(prospects)
    ui.select_all(page)
    expect(page.locator("#list-region input[name=ids]:checked")).to_have_count(9)
    ui.open_panel(page, "Assign…")
    page.select_option("#assign-to", label=["Rep One", "Rep Two", "Rep Three"])
    result = ui.batch(page, "assign")
    expect(result.locator("li[data-result=done]")).to_have_count(9)
    expect(result.locator("li[data-result=refused]")).to_have_count(0)
    screenshot(page, "assigned")

    owned = {
        rep.username: sorted(Customer.live.filter(owner=rep).values_list("name", flat=True))
        for rep in reps
    }
    assert [len(v) for v in owned.values()] == [3, 3, 3], owned
    assert sorted(n for v in owned.values() for n in v) == prospects, "each to exactly one rep"
    assert Customer.live.get(name="Unrelated Unclaimed Co").owner is None
    assert Customer.live.get(name="Someone Else's Co").owner == company.rep

    for rep in reps:
        ui.login(page, rep.username)
        ui.nav(page, "My customers")
        expect(ui.names(page)).to_have_text(owned[rep.username])
        screenshot(page, f"mine-{rep.username}")

    # Rep Three (signed in now) opens one of Rep One's customers by its address.
    other = Customer.live.get(name=owned["rep1"][0])
    response = page.goto(f"/customers/{other.pk}/")
    assert response.status == 404
    expect(page.get_by_test_id("refusal")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(other.phone)


def test_case3_manager_shares_with_deputy_then_removes_the_share(
    page, ui, company, dialogs, screenshot
):
    """Shared through the Shares tab of the record; the batch Share of My customers has
    its own test below, so one failing path does not hide the rest of the case."""
    name = "Trip Customer Ltd"
    customer = CustomerFactory(name=name, owner=company.manager, notes="visit in May")
    CustomerFactory(name="Stay Home Co", owner=company.manager)

    ui.login(page, "manager")
    ui.nav(page, "My customers")
    expect(ui.names(page)).to_have_text(["Stay Home Co", name])
    ui.names(page).get_by_text(name, exact=True).click()
    page.locator("a[data-tab=shares]").click()
    form = page.get_by_test_id("add-share")
    form.locator("#id_users").select_option(label="Deputy Du")
    form.get_by_role("button", name="Share").click()
    expect(page.get_by_test_id("shares").locator("tbody tr")).to_contain_text(["Deputy Du"])
    assert list(Share.objects.values_list("customer__name", "user__username")) == [(name, "deputy")]

    ui.login(page, "deputy")
    ui.nav(page, "Shared customers")
    expect(ui.names(page)).to_have_text([name])
    ui.names(page).get_by_text(name, exact=True).click()
    expect(page.get_by_test_id("customer-title")).to_contain_text(name)
    expect(page.get_by_test_id("read-only")).to_be_visible()
    expect(page.get_by_test_id("edit-customer")).to_have_count(0)
    expect(page.get_by_test_id("basic-info")).to_contain_text("visit in May")
    screenshot(page, "deputy-reads")

    ui.login(page, "manager")
    ui.nav(page, "My customers")
    ui.names(page).get_by_text(name, exact=True).click()
    page.locator("a[data-tab=shares]").click()
    shares = page.get_by_test_id("shares")
    expect(shares.locator("tbody tr")).to_contain_text(["Deputy Du"])
    shares.get_by_role("button", name="Remove share").click()
    expect(shares).to_contain_text("Not shared with anyone.")
    assert dialogs.messages == [UNSHARE_CONFIRM]
    assert not Share.objects.exists()

    ui.login(page, "deputy")
    ui.nav(page, "Shared customers")
    expect(ui.names(page)).to_have_count(0)
    expect(page.get_by_test_id("customer-table")).to_contain_text("No customers match.")
    response = page.goto(f"/customers/{customer.pk}/")
    assert response.status == 404
    expect(page.get_by_test_id("refusal")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("visit in May")


def test_case4_manager_shares_with_sales_department_and_peer_all_can_read(
    page, ui, company, screenshot
):
    name = "Whole Team Account"
    customer = CustomerFactory(name=name, owner=company.manager)

    ui.login(page, "manager")
    page.goto(f"/customers/{customer.pk}/")
    page.locator("a[data-tab=shares]").click()
    form = page.get_by_test_id("add-share")
    form.locator("#id_users").select_option(label="Peer Pan")
    form.locator("#id_departments").select_option(label="Sales")
    form.get_by_role("button", name="Share").click()
    rows = page.get_by_test_id("shares").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows).to_contain_text([re.compile("Peer Pan"), re.compile("Department: Sales")])
    screenshot(page, "shares-tab")
    assert sorted(
        Share.objects.filter(customer=customer).values_list("user__username", "department__name"),
        key=str,
    ) == sorted([("peer", None), (None, "Sales")], key=str)

    for username in ("rep", "deputy", "peer"):
        ui.login(page, username)
        ui.nav(page, "Shared customers")
        expect(ui.names(page).get_by_text(name, exact=True)).to_have_count(1)
        ui.names(page).get_by_text(name, exact=True).click()
        expect(page.get_by_test_id("customer-title")).to_contain_text(name)
        expect(page.get_by_test_id("read-only")).to_be_visible()
        expect(page.get_by_test_id("edit-customer")).to_have_count(0)

    # Marketing was not shared with: nothing in the list, and the record is refused.
    ui.login(page, "marketer")
    ui.nav(page, "Shared customers")
    expect(ui.names(page).get_by_text(name, exact=True)).to_have_count(0)
    assert page.goto(f"/customers/{customer.pk}/").status == 404


def test_case3_batch_share_from_my_customers(page, ui, company, screenshot):
    """M5: one or many customers shared from the My customers toolbar (tick → Share…)."""
    name = "Trip Customer Ltd"
    CustomerFactory(name=name, owner=company.manager)
    CustomerFactory(name="Stay Home Co", owner=company.manager)

    ui.login(page, "manager")
    ui.nav(page, "My customers")
    ui.tick(page, name)
    ui.open_panel(page, "Share…")
    page.select_option("#share-users", label="Deputy Du")
    result = ui.batch(page, "share")
    ui.assert_not_refused_as_a_whole(result)
    expect(result.locator("li[data-result=done]")).to_have_text([f"✓ {name}"])
    expect(result.locator("li[data-result=refused]")).to_have_count(0)
    assert list(Share.objects.values_list("customer__name", "user__username")) == [(name, "deputy")]

    ui.login(page, "deputy")
    ui.nav(page, "Shared customers")
    expect(ui.names(page)).to_have_text([name])
