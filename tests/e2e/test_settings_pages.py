"""The administrators' settings pages in a browser (issue 15): at phone width (390 px)
nothing is wider than the screen and the folded menu leads there; a delete asks first."""

import pytest
from playwright.sync_api import expect

from settings_app.models import DictionaryItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_the_settings_pages_fit_a_phone(page, ui, company, screenshot):
    long = DictionaryItem.objects.create(
        kind="category", name="Key account of the eastern region's largest", name_zh_hans="重点客户"
    )
    DictionaryItem.objects.create(kind="category", name="Prospect")
    ui.login(page, "admin")
    page.set_viewport_size(PHONE)
    page.goto("/pool/")
    ui.open_menu(page)
    page.get_by_test_id("nav-settings").click()
    page.wait_for_url("**/settings/")
    expect(page.get_by_test_id("settings-home")).to_be_visible()
    for url in (
        "/settings/",
        "/settings/system/",
        "/settings/dictionary/category/",
        f"/settings/dictionary/category/{long.pk}/",
        "/settings/users/",
        "/settings/users/new/",
        f"/settings/users/{company.rep.pk}/",
        "/settings/departments/",
    ):
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{url} is {width} px wide"
    page.goto("/settings/dictionary/category/")
    screenshot(page, "dictionary")


def test_a_delete_asks_first_and_says_what_was_done(page, ui, company, dialogs):
    prospect = DictionaryItem.objects.create(kind="category", name="Prospect")
    ui.login(page, "admin")
    page.goto("/settings/dictionary/category/")
    dialogs.dismiss_next()
    page.get_by_test_id(f"delete-{prospect.pk}").click()
    assert dialogs.messages == ["Delete “Prospect”? This cannot be undone."]
    assert DictionaryItem.objects.filter(pk=prospect.pk).exists()
    with page.expect_navigation():
        page.get_by_test_id(f"delete-{prospect.pk}").click()
    expect(page.get_by_role("alert")).to_contain_text("“Prospect” is deleted.")
    assert not DictionaryItem.objects.filter(pk=prospect.pk).exists()
