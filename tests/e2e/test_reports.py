"""The reports page in a browser (issue 18): a supervisor's team reports in both languages
at desk and phone width, every chart drawn, nothing wider than the screen, a screenshot of
each and of the page laid out for paper; a number clicked opens the list of that many."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPORTS = ("funnel", "money", "ageing", "activity")


def wide(page):
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_reports_at_desk_and_phone_width(
    page, ui, company, dashboard_world, screenshot, language
):
    ui.login(page, "manager", language=language)
    page.get_by_test_id("nav-reports").click()
    expect(page).to_have_url(re.compile(r"/reports/$"))
    page.get_by_test_id("scope").select_option("team")
    with page.expect_navigation():
        page.get_by_test_id("show-reports").click()
    expect(page).to_have_url(re.compile(r"scope=team"))
    for key in REPORTS:
        expect(page.get_by_test_id(f"report-{key}")).to_be_visible()
        expect(page.get_by_test_id(f"chart-{key}").locator("canvas").first).to_be_attached()
        expect(page.get_by_test_id(f"table-{key}")).to_be_visible()
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(200)  # the charts redraw on resize
        assert wide(page) <= width, f"{language}: the page is {wide(page)} px at {width}"
        for key in REPORTS:
            box = page.get_by_test_id(f"chart-{key}").bounding_box()
            assert box["width"] > 200 and box["x"] + box["width"] <= width, (key, box)
        screenshot(page, f"{language}-{width}")
    # On paper: no picker nor buttons, every chart and table.
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.emulate_media(media="print")
    page.wait_for_timeout(200)
    expect(page.get_by_test_id("report-picker")).to_be_hidden()
    expect(page.get_by_test_id("print")).to_be_hidden()
    for key in REPORTS:
        expect(page.get_by_test_id(f"chart-{key}").locator("canvas").first).to_be_visible()
        expect(page.get_by_test_id(f"table-{key}")).to_be_visible()
    screenshot(page, f"{language}-print")


def test_a_number_opens_the_list_it_counts(page, ui, company, dashboard_world):
    ui.login(page, "rep")
    for report, row in (("funnel", "open"), ("money", "total"), ("ageing", "total")):
        page.goto("/reports/?scope=team")
        link = page.locator(f'[data-testid="table-{report}"] tr[data-row="{row}"] td a').first
        value = int(link.get_attribute("data-value"))
        assert value > 0, (report, row)
        with page.expect_navigation():
            link.click()
        total = page.get_by_test_id("total").inner_text()
        assert int(re.search(r"\d+", total).group()) == value, (report, total)
        expect(page.get_by_test_id("active-filter-scope")).to_be_visible()


def test_a_bad_period_is_said_on_the_page(page, ui, company):
    ui.login(page, "peer")
    page.goto("/reports/?period_from=2026-05-01&period_to=2026-04-01&scope=team")
    problems = page.get_by_test_id("report-problems")
    expect(problems).to_be_visible()
    expect(problems.locator("li")).to_have_count(2)
    expect(page.get_by_test_id("scope").locator("option")).to_have_count(2)
