"""The home page in a browser (issue 18): each role's page in both languages at desk and
phone width, its charts drawn, nothing wider than the screen, a screenshot of each; a
figure clicked opens the list whose total is the figure."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = {
    "rep": ("me", "team"),  # rep supervises junior
    "marketer": ("me", "pool"),
    "admin": ("me", "company"),
    "peer": ("me",),
}
HEADINGS = {"en": "My day", "zh-hans": "我的一天"}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("username", list(ROLES))
def test_each_role_s_home_page_at_desk_and_phone_width(
    page, ui, company, dashboard_world, screenshot, username, language
):
    ui.login(page, username, language=language)
    expect(page).to_have_url(re.compile(r"/home/$"))
    expect(page.get_by_role("heading", name=HEADINGS[language])).to_be_visible()
    for key in ROLES[username]:
        expect(page.get_by_test_id(f"section-{key}")).to_be_visible()
    for key in {"me", "team", "pool", "company"} - set(ROLES[username]):
        expect(page.get_by_test_id(f"section-{key}")).to_have_count(0)
    charts = page.locator("[data-chart]")
    for n in range(charts.count()):
        expect(charts.nth(n).locator("canvas").first).to_be_attached()
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(150)  # the charts redraw on resize
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"{username} {language}: the page is {wide} px at {width}"
        screenshot(page, f"{username}-{language}-{width}")


def test_a_figure_opens_the_list_it_counts(page, ui, company, dashboard_world):
    ui.login(page, "rep")
    for key in ("follow_ups_overdue", "open_opportunities", "receivables_overdue"):
        page.goto("/home/")
        figure = page.get_by_test_id(f"figure-value-{key}")
        value = int(figure.get_attribute("data-value"))
        page.get_by_test_id(f"figure-link-{key}").click()
        page.wait_for_load_state()
        total = page.get_by_test_id("total").inner_text()
        assert int(re.search(r"\d+", total).group()) == value, (key, total)
        # The filters the figure set are named on the list, and kept.
        expect(page.get_by_test_id("active-filters")).to_be_visible()
