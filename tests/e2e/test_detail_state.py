"""A customer's page in the browser (issue 15): the marked tab follows clicks, the address
holds the open tab, search and filters (so a language switch keeps them) and nothing empty
or repeated; every tab fits a phone's 390 px, the English tabs one line at 1366 px; the
page and the pool log no error and no failed request."""

from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def query(page):
    return parse_qsl(urlsplit(page.url).query, keep_blank_values=True)


def assert_clean_address(page):
    pairs = query(page)
    assert all(value for _key, value in pairs), f"empty parameters in {page.url}"
    keys = [key for key, _value in pairs]
    assert len(keys) == len(set(keys)), f"a parameter repeated in {page.url}"


class Trouble:
    """Errors the browser console shows and requests that failed or were answered 4xx/5xx."""

    def __init__(self, page):
        self.errors = []
        self.failed = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("requestfailed", self.request_failed)
        page.on(
            "response",
            lambda r: self.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )

    def request_failed(self, request):
        # The browser fetches the icon by itself after the page has loaded and drops the
        # fetch when the test moves on to the next page: no failure of the page.
        if request.url.endswith("/favicon.svg") and request.failure == "net::ERR_ABORTED":
            return
        self.failed.append(f"{request.url} {request.failure}")

    def assert_none(self):
        assert self.errors == [], self.errors
        assert self.failed == [], self.failed


def tabs(page):
    return page.locator(".nav-tabs a[data-tab]")


def open_tab(page, ui, key):
    tabs(page).and_(page.locator(f"[data-tab={key}]")).click()
    expect(page.locator("#tab-pane")).to_have_attribute("data-tab", key)
    ui.settle(page)


def test_the_marked_tab_follows_every_click(page, ui, company, alpha):
    ui.login(page, "rep")
    page.goto(f"/customers/{alpha.pk}/")
    for key in ("contracts", "quotes", "contacts", "bin", "info", "contracts"):
        open_tab(page, ui, key)
        marked = tabs(page).and_(page.locator(".active"))
        expect(marked).to_have_count(1)
        expect(marked).to_have_attribute("data-tab", key)
        expect(marked).to_have_attribute("aria-current", "page")
        assert ("tab", key) in query(page)
    # A search inside the tab swaps the list only: the mark stays.
    with page.expect_response(lambda r: "search=zqpage" in r.url):
        page.get_by_test_id("tab-search").fill("zqpage")
    ui.settle(page)
    expect(tabs(page).and_(page.locator(".active"))).to_have_attribute("data-tab", "contracts")


def test_a_language_switch_keeps_the_open_tab_its_search_and_filter(
    page, ui, company, alpha, screenshot
):
    ui.login(page, "rep")
    page.goto(f"/customers/{alpha.pk}/")
    open_tab(page, ui, "contracts")
    with page.expect_response(lambda r: "search=zqpage" in r.url):
        page.get_by_test_id("tab-search").fill("zqpage")
    ui.settle(page)
    with page.expect_response(lambda r: "status=executing" in r.url):
        page.get_by_test_id("tab-filter-status").select_option("executing")
    ui.settle(page)

    ui.switch_language(page, "zh-hans")
    assert sorted(query(page)) == [
        ("search", "zqpage"),
        ("status", "executing"),
        ("tab", "contracts"),
    ]
    expect(page.locator("#tab-pane")).to_have_attribute("data-tab", "contracts")
    expect(tabs(page).and_(page.locator(".active"))).to_have_attribute("data-tab", "contracts")
    expect(page.get_by_test_id("tab-search")).to_have_value("zqpage")
    expect(page.get_by_test_id("tab-filter-status")).to_have_value("executing")
    expect(page.locator("[data-testid=records-contracts] tbody tr")).to_have_count(1)
    screenshot(page, "switched-to-chinese")

    # Each language is named in itself, whichever the page speaks.
    options = page.locator("nav.navbar select[name=language] option")
    expect(options).to_have_text(["English", "简体中文"])
    ui.switch_language(page, "en")
    assert ("tab", "contracts") in query(page) and ("search", "zqpage") in query(page)
    expect(options).to_have_text(["English", "简体中文"])


def test_queries_hold_no_empty_field_and_no_parameter_twice(page, ui, company, alpha):
    ui.login(page, "rep")
    page.goto(f"/customers/{alpha.pk}/?tab=contracts")
    box, status = page.get_by_test_id("tab-search"), page.get_by_test_id("tab-filter-status")
    with page.expect_response(lambda r: "status=executing" in r.url):
        status.select_option("executing")
    ui.settle(page)
    assert_clean_address(page)
    with page.expect_response(lambda r: "search=zq" in r.url):
        box.fill("zq")
    ui.settle(page)
    with page.expect_response(lambda r: "status=" not in r.url and "/customers/" in r.url):
        status.select_option("")
    ui.settle(page)
    assert_clean_address(page)
    with page.expect_response(lambda r: "search=" not in r.url and "/customers/" in r.url):
        box.fill("")
    ui.settle(page)
    assert_clean_address(page)
    assert query(page) == [("tab", "contracts")]
    # The sort links come back without empty parameters too.
    page.locator("#tab-list a[data-field=number]").click()
    ui.settle(page)
    assert_clean_address(page)
    assert sorted(query(page)) == [("ordering", "number"), ("tab", "contracts")]

    # A module's own page: one search after another replaces the query, never adds to it.
    page.goto("/records/contracts/")
    with page.expect_response(lambda r: "search=zq" in r.url):
        page.fill("#quick-search", "zq")
    ui.settle(page)
    with page.expect_response(lambda r: "status=executing" in r.url):
        page.get_by_test_id("records-status").select_option("executing")
    ui.settle(page)
    assert sorted(query(page)) == [("search", "zq"), ("status", "executing")]
    with page.expect_navigation():
        page.goto("/records/contracts/?search=&status=")
    with page.expect_response(lambda r: "/records/contracts/" in r.url):
        page.locator("form.search button").click()
    ui.settle(page)
    assert query(page) == []


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_tab_fits_a_phone(page, ui, company, alpha, screenshot, language):
    ui.login(page, "rep", language=language)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/customers/{alpha.pk}/")
    keys = tabs(page).evaluate_all("links => links.map(link => link.dataset.tab)")
    assert {"contracts", "quotes", "contacts", "history"} <= set(keys)
    for key in keys:
        page.goto(f"/customers/{alpha.pk}/?tab={key}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the {key} tab makes the page {width} px wide"
        # Headings stay whole: one line each, never a character a line.
        wrapping = page.locator("#tab-pane th").evaluate_all(
            "cells => cells.filter(c => getComputedStyle(c).whiteSpace !== 'nowrap').length"
        )
        assert wrapping == 0, key
    page.goto(f"/customers/{alpha.pk}/?tab=contracts")
    title = page.locator("[data-testid=records-contracts] tbody td", has_text="zqpage contract")
    line = float(title.evaluate("cell => parseFloat(getComputedStyle(cell).lineHeight)"))
    assert title.bounding_box()["height"] < 4 * line, "the title wraps a word a line"
    screenshot(page, f"contracts-{language}")


def test_the_english_tabs_stand_on_one_line_at_desk_width(page, ui, company, alpha):
    ui.login(page, "rep")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"/customers/{alpha.pk}/?tab=contracts")
    tops = tabs(page).evaluate_all(
        "links => links.map(link => Math.round(link.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1, tops
    fits = page.locator(".nav-tabs").evaluate("strip => strip.scrollWidth <= strip.clientWidth")
    assert fits, "some tabs are out of sight"


def test_the_customer_page_and_the_pool_log_no_error(page, ui, company, alpha):
    trouble = Trouble(page)
    ui.login(page, "rep")
    page.goto("/pool/")
    ui.settle(page)
    page.goto(f"/customers/{alpha.pk}/")
    for key in tabs(page).evaluate_all("links => links.map(link => link.dataset.tab)"):
        open_tab(page, ui, key)
    page.goto(f"/customers/{alpha.pk}/?tab=contracts")
    page.goto(f"/customers/{alpha.pk}/edit/")
    page.fill("#id_name", "")
    with page.expect_navigation():
        page.locator("[data-testid=customer-form] button[name=save]").click()
    expect(page.get_by_test_id("form-errors")).to_contain_text("Name: This field is required.")
    trouble.assert_none()
