"""Issue 15 in the browser: the Assign…/Share… panels of the list pages close after their
action (the per-record result shows, and takes focus), on Esc and on a click outside;
their pickers start empty each time they open; at phone width a panel is a full-width
sheet; every page starts with a skip link into its main content."""

import pytest
from playwright.sync_api import expect

from customers.models import Customer, Share
from customers.testing import CustomerFactory, ShareFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def panel(page, testid):
    return page.get_by_test_id(testid)


def chosen(page, select):
    """The values chosen in a <select>."""
    return page.locator(select).evaluate(
        "select => Array.from(select.selectedOptions).map(option => option.value)"
    )


def test_assign_panel_closes_after_the_action_and_the_result_takes_focus(
    page, ui, company, screenshot
):
    CustomerFactory(name="Panel One Ltd")
    CustomerFactory(name="Panel Two Ltd", owner=company.deputy)
    ui.login(page, "marketer")
    ui.nav(page, "Customer pool")
    ui.tick(page, "Panel One Ltd")
    assign = ui.open_panel(page, "Assign…")
    expect(assign).to_have_attribute("open", "")
    page.select_option("#assign-to", label="Rep Li")
    result = ui.batch(page, "assign")
    expect(panel(page, "assign-panel")).not_to_have_attribute("open", "")
    expect(page.locator("#assign-to")).to_be_hidden()
    expect(result).to_be_visible()
    expect(result).to_be_focused()
    expect(result.get_by_test_id("batch-outcome")).to_have_text("Assigned 1 customer to Rep Li.")
    expect(result.locator("li[data-result=done]")).to_have_text(["✓ Panel One Ltd"])
    screenshot(page, "closed-after-assign")
    assert Customer.objects.get(name="Panel One Ltd").owner == company.rep

    # A refusal's reason is shown too, not covered by the panel.
    ui.tick(page, "Panel Two Ltd")
    ui.open_panel(page, "Assign…")
    page.select_option("#assign-to", label="Deputy Du")
    result = ui.batch(page, "assign")
    expect(panel(page, "assign-panel")).not_to_have_attribute("open", "")
    expect(result.locator("li[data-result=refused]")).to_contain_text("It already belongs to")
    expect(result).to_be_focused()


def test_esc_a_click_outside_and_the_close_button_close_a_panel(page, ui, company):
    CustomerFactory(name="Mine Ltd", owner=company.rep)
    ui.login(page, "rep")
    ui.nav(page, "My customers")
    assign = panel(page, "assign-panel")
    share = panel(page, "share-panel")

    ui.open_panel(page, "Assign…")
    expect(assign).to_have_attribute("open", "")
    page.locator("#assign-to").focus()
    page.keyboard.press("Escape")
    expect(assign).not_to_have_attribute("open", "")
    expect(assign.locator("summary")).to_be_focused()

    ui.open_panel(page, "Assign…")
    page.locator("h1").click()
    expect(assign).not_to_have_attribute("open", "")

    # One panel at a time: opening Share closes Assign.
    ui.open_panel(page, "Assign…")
    ui.open_panel(page, "Share…")
    expect(share).to_have_attribute("open", "")
    expect(assign).not_to_have_attribute("open", "")
    share.locator("[data-close-panel]").click()
    expect(share).not_to_have_attribute("open", "")
    expect(share.locator("summary")).to_be_focused()


def test_the_share_picker_starts_empty_each_time_it_opens(page, ui, company, dialogs):
    """The reported bug: a share after an unshare silently reused the person chosen for
    the unshare."""
    customer = CustomerFactory(name="Trip Ltd", owner=company.rep)
    ShareFactory(customer=customer, user=company.deputy, shared_by=company.rep)
    ui.login(page, "rep")
    ui.nav(page, "My customers")

    ui.tick(page, "Trip Ltd")
    ui.open_panel(page, "Share…")
    page.select_option("#share-users", label="Deputy Du")
    result = ui.batch(page, "unshare")
    expect(result.get_by_test_id("batch-outcome")).to_have_text(
        "Removed the shares with Deputy Du from 1 customer."
    )
    expect(panel(page, "share-panel")).not_to_have_attribute("open", "")
    assert not Share.objects.filter(customer=customer).exists()

    ui.tick(page, "Trip Ltd")
    ui.open_panel(page, "Share…")
    assert chosen(page, "#share-users") == []
    result = ui.batch(page, "share")
    expect(result).to_have_text("Choose at least one colleague or department.")
    assert not Share.objects.filter(customer=customer).exists()

    # Closed without acting, then opened again: still nothing chosen.
    ui.open_panel(page, "Share…")
    page.select_option("#share-departments", label="Support")
    page.keyboard.press("Escape")
    ui.open_panel(page, "Share…")
    assert chosen(page, "#share-departments") == []
    assert chosen(page, "#share-users") == []


def test_at_phone_width_a_panel_is_a_full_width_sheet(page, ui, company, screenshot):
    CustomerFactory(name="Phone Ltd")
    ui.login(page, "marketer")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/pool/")
    ui.tick(page, "Phone Ltd")
    ui.open_panel(page, "Assign…")
    body = panel(page, "assign-panel").locator(".panel-body")
    expect(body).to_be_visible()
    box = body.bounding_box()
    assert box["x"] == 0 and round(box["width"]) == 390, box
    assert round(box["y"] + box["height"]) == 844, f"a sheet sits at the bottom: {box}"
    button = body.locator("button[value=assign]")
    expect(button).to_be_in_viewport()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the open panel makes the page {width} px wide"
    screenshot(page, "phone-sheet")
    page.select_option("#assign-to", label=["Rep Li", "Deputy Du"])
    result = ui.batch(page, "assign")
    expect(result.locator("li[data-result=done]")).to_have_count(1)
    expect(body).to_be_hidden()

    # At desk width the panel drops down under its button again.
    page.set_viewport_size({"width": 1280, "height": 900})
    ui.open_panel(page, "Assign…")
    box = body.bounding_box()
    assert box["width"] < 700 and box["y"] < 400, box


def test_the_skip_link_is_the_first_stop_and_moves_focus_into_main(page, ui, company):
    ui.login(page, "rep")
    page.goto("/pool/")
    skip = page.get_by_test_id("skip-link")
    assert skip.bounding_box()["width"] <= 1, "hidden until it has focus"
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    expect(skip).to_have_text("Skip to main content")
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")
    assert page.evaluate("document.activeElement.id") == "quick-search"


def test_sorted_heading_carries_aria_sort_after_an_in_place_sort(page, ui, company):
    CustomerFactory(name="Alpha Ltd")
    CustomerFactory(name="Beta Ltd")
    ui.login(page, "rep")
    ui.nav(page, "Customer pool")
    heading = page.locator("th:has(a[data-field=name])")
    expect(heading).not_to_have_attribute("aria-sort", "ascending")
    heading.locator("a").click()
    ui.settle(page)
    expect(heading).to_have_attribute("aria-sort", "ascending")
    heading.locator("a").click()
    ui.settle(page)
    expect(heading).to_have_attribute("aria-sort", "descending")
    expect(ui.names(page)).to_have_text(["Beta Ltd", "Alpha Ltd"])
