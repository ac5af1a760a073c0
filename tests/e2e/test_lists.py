"""Every list view (SPEC §7): quick search, sorting, paging, select-all with a batch action
and its per-record report, and the confirmation before a destructive action."""

import re

import pytest
from playwright.sync_api import expect

from customers.models import Customer
from customers.testing import ContactFactory, CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RETURN_CONFIRM = "Return the ticked customers to the pool? You will no longer own them."


def test_quick_search_chinese_substring_and_contact_name(page, ui, company):
    huaxin = CustomerFactory(name="北京华信科技有限公司", owner=company.rep)
    ContactFactory(customer=huaxin, name="王小明", is_primary=True)
    mingde = CustomerFactory(name="上海明德贸易有限公司", owner=company.rep)
    ContactFactory(customer=mingde, name="李四", is_primary=True)
    CustomerFactory(name="广州华南物流有限公司")

    ui.login(page, "rep")
    ui.nav(page, "Customer pool")
    expect(ui.names(page)).to_have_count(3)
    ui.search(page, "华信")
    expect(ui.names(page)).to_have_text(["北京华信科技有限公司"])
    ui.search(page, "华")
    expect(ui.names(page)).to_have_text(["北京华信科技有限公司", "广州华南物流有限公司"])
    # The pool must not be searchable by private fields such as contacts (C2).
    ui.search(page, "小明")
    expect(ui.names(page)).to_have_count(0)

    ui.nav(page, "My customers")
    expect(ui.names(page)).to_have_count(2)
    ui.search(page, "小明")
    expect(ui.names(page)).to_have_text(["北京华信科技有限公司"])
    expect(page.get_by_test_id("customer-table").locator("tbody tr")).to_contain_text(["王小明"])
    assert "search=" in page.url, "the search is kept in the address (hx-push-url)"


def test_sorting_by_name_toggles_ascending_and_descending(page, ui, company):
    for name in ("Bravo Trading", "Delta Foods", "Alpha Works", "Charlie Steel"):
        CustomerFactory(name=name)
    ascending = ["Alpha Works", "Bravo Trading", "Charlie Steel", "Delta Foods"]

    ui.login(page, "rep")
    ui.nav(page, "Customer pool")
    heading = page.locator("[data-testid=customer-table] thead a[data-field=name]")
    expect(heading).to_have_attribute("data-sort", "")

    heading.click()
    expect(heading).to_have_attribute("data-sort", "asc")
    expect(ui.names(page).first).to_have_text("Alpha Works")
    expect(ui.names(page)).to_have_text(ascending)
    expect(page).to_have_url(re.compile(r"ordering=name(&|$)"))

    heading.click()
    expect(heading).to_have_attribute("data-sort", "desc")
    expect(ui.names(page).first).to_have_text("Delta Foods")
    expect(ui.names(page)).to_have_text(ascending[::-1])
    expect(page).to_have_url(re.compile(r"ordering=-name(&|$)"))

    heading.click()
    expect(heading).to_have_attribute("data-sort", "asc")
    expect(ui.names(page).first).to_have_text("Alpha Works")


def test_paging_first_previous_next_last(page, ui, company):
    """Keyset paging (SPEC L4): the last page is the last 20 rows, and previous and next
    step 20 rows from wherever the page is."""
    all_names = [f"Paging {i:02d} Co" for i in range(1, 46)]
    for name in reversed(all_names):
        CustomerFactory(name=name)

    ui.login(page, "rep")
    ui.nav(page, "Customer pool")
    expect(page.get_by_test_id("total")).to_have_text("45 customers in all")
    expect(ui.names(page)).to_have_text(all_names[:20])

    def go(which):
        page.locator(f"a.page-link[data-page={which}]").click()
        ui.settle(page)

    def disabled(which):
        link = page.locator(f"a[data-page={which}]").locator("xpath=..")
        expect(link).to_have_class(re.compile(r"\bdisabled\b"))

    disabled("previous")
    go("next")
    expect(ui.names(page)).to_have_text(all_names[20:40])
    go("last")
    expect(ui.names(page)).to_have_text(all_names[25:])
    disabled("next")
    go("previous")
    expect(ui.names(page)).to_have_text(all_names[5:25])
    go("previous")  # the five before: no customer is on two pages
    expect(ui.names(page)).to_have_text(all_names[:5])
    disabled("previous")
    go("next")
    expect(ui.names(page)).to_have_text(all_names[5:25])
    go("first")
    expect(ui.names(page)).to_have_text(all_names[:20])
    disabled("first")


def test_select_all_and_claim_reports_the_one_already_claimed_row(page, ui, company):
    free = [f"Batch {i} Ltd" for i in range(1, 6)]
    for name in free:
        CustomerFactory(name=name)
    taken = CustomerFactory(name="Batch 6 Taken Ltd", owner=company.rep)

    ui.login(page, "deputy")
    ui.nav(page, "Customer pool")
    expect(ui.names(page)).to_have_count(6)
    ui.select_all(page)
    expect(page.locator("#list-region input[name=ids]:checked")).to_have_count(6)
    result = ui.batch(page, "claim")
    expect(result.locator("li[data-result=done]")).to_have_count(5)
    expect(result.locator("li[data-result=done]")).to_have_text([f"✓ {n}" for n in free])
    refused = result.locator("li[data-result=refused]")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("Batch 6 Taken Ltd")
    expect(refused).to_contain_text("Rep Li")
    expect(result).to_contain_text("5 done")
    expect(result).to_contain_text("1 refused")

    assert sorted(Customer.live.filter(owner=company.deputy).values_list("name", flat=True)) == (
        free
    )
    taken.refresh_from_db()
    assert taken.owner == company.rep


def test_return_asks_for_confirmation_first(page, ui, company, dialogs, screenshot):
    customer = CustomerFactory(name="Return Me Ltd", owner=company.rep)
    CustomerFactory(name="Keep Me Ltd", owner=company.rep)
    batch_posts = []
    page.on(
        "request",
        lambda r: batch_posts.append(r.url) if r.url.endswith("/customers/batch/") else None,
    )

    ui.login(page, "rep")
    ui.nav(page, "My customers")
    ui.tick(page, "Return Me Ltd")
    dialogs.dismiss_next()
    page.locator("#batch-form button[name=action][value=return]").click()
    page.wait_for_timeout(500)  # time for a request that must not come
    assert dialogs.messages == [RETURN_CONFIRM]
    assert batch_posts == [], "a dismissed confirmation must not send the batch"
    expect(page.get_by_test_id("batch-result")).to_have_count(0)
    expect(ui.names(page)).to_have_text(["Keep Me Ltd", "Return Me Ltd"])
    customer.refresh_from_db()
    assert customer.owner == company.rep
    screenshot(page, "dismissed")

    result = ui.batch(page, "return")  # accepted this time
    assert dialogs.messages == [RETURN_CONFIRM, RETURN_CONFIRM]
    ui.assert_not_refused_as_a_whole(result)
    expect(result.locator("li[data-result=done]")).to_have_text(["✓ Return Me Ltd"])
    expect(ui.names(page)).to_have_text(["Keep Me Ltd"])
    customer.refresh_from_db()
    assert customer.owner is None
    assert customer.claimed_at is None

    ui.nav(page, "Customer pool")
    row = page.get_by_test_id("customer-table").locator("tbody tr", has_text="Return Me Ltd")
    expect(row).to_contain_text("unclaimed")


def test_edit_with_one_ticked_row_opens_its_edit_page(page, ui, company, screenshot):
    customer = CustomerFactory(name="Edit Me Ltd", owner=company.rep)
    ui.login(page, "rep")
    ui.nav(page, "My customers")
    ui.tick(page, "Edit Me Ltd")
    with page.expect_navigation():
        page.locator("#batch-form button[name=action][value=edit]").click()
    expect(page).to_have_url(re.compile(rf"/customers/{customer.pk}/edit/$"))
    expect(page.locator("input[name=name]")).to_have_value("Edit Me Ltd")
    screenshot(page, "edit-page-from-the-list")
