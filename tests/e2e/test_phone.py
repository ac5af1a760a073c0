"""At phone width (390 px) the top bar folds its menu behind one button: unfolded, the
navigation took about 250 of the screen's 844 px on every page."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_top_bar_folds_on_a_phone_and_opens_on_a_tap(page, ui, company, screenshot):
    ui.login(page, "rep")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/pool/")
    menu = page.get_by_test_id("menu-toggle")
    mine = page.locator("nav.navbar").get_by_role("link", name="My customers", exact=True)
    expect(menu).to_be_visible()
    expect(mine).to_be_hidden()
    assert page.locator("nav.navbar").bounding_box()["height"] < 80
    menu.click()
    expect(mine).to_be_visible()
    screenshot(page, "phone-menu-open")
    mine.click()
    page.wait_for_url("**/mine/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the top bar makes the page {width} px wide"
    # At desk width the menu stands open, with no button.
    page.set_viewport_size({"width": 1366, "height": 900})
    expect(menu).to_be_hidden()
    expect(mine).to_be_visible()
