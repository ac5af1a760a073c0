"""Browser tests: Playwright (sync API) drives Debian's Chromium against pytest-django's
live server, on whichever database the suite runs (SQLite or PostgreSQL).

- One Chromium per test session (so one per xdist worker), a fresh browser context per test.
- Every request to a host other than 127.0.0.1/localhost is aborted and recorded; a test
  whose pages tried one fails at teardown ("no page loads anything from outside 127.0.0.1").
- Confirm dialogs are accepted, unless a test queues another answer with
  `dialogs.dismiss_next()`; `dialogs.messages` lists what they said.
- Each test leaves at least one screenshot, named after it, in <repo>/test-artifacts/.
- Without /usr/bin/chromium the browser tests are skipped (the rest of the suite still
  runs); CI installs it (.ci/run).
"""

import os
import re
from collections import deque
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest

from org.testing import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
MISSING = f"{CHROMIUM} is missing: apt-get install chromium fonts-wqy-zenhei to run browser tests"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
LOCAL_SCHEMES = {"data", "blob", "about"}
# Matched inside the browser driver, so requests to the live server never wait for Python.
NOT_LOCAL = re.compile(r"^(?!(https?|wss?)://(127\.0\.0\.1|localhost)(:\d+)?(/|$))")
TIMEOUT_MS = 10_000
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"

# The live server listens on 127.0.0.1 (pytest-django's default is "localhost").
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")


def pytest_runtest_setup(item):
    if item.get_closest_marker("browser") and not CHROMIUM.exists():
        pytest.skip(MISSING)


def _slug(text):
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:150]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(MISSING)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API leaves its event loop registered on this thread from now on,
    # so Django would refuse every ORM call made on it, by these tests and by any other
    # test this xdist worker runs later ("You cannot call this from an async context").
    # Nothing in this process is async; the switch is put back when the session ends.
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


class Dialogs:
    """What confirm/alert dialogs said, and the answers to the next ones (accept by default)."""

    def __init__(self):
        self.messages = []
        self.answers = deque()

    def dismiss_next(self):
        self.answers.append(False)

    def __call__(self, dialog):
        self.messages.append(dialog.message)
        accept = self.answers.popleft() if self.answers else True
        if accept:
            dialog.accept()
        else:
            dialog.dismiss()


@pytest.fixture
def outside_requests():
    """URLs the pages tried to load from outside 127.0.0.1/localhost (all aborted)."""
    return []


@pytest.fixture
def context(browser, live_server, outside_requests):
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)

    def guard(route):
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in LOCAL_SCHEMES or parts.hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            outside_requests.append(url)
            route.abort()

    context.route(NOT_LOCAL, guard)
    yield context
    context.close()
    assert not outside_requests, f"pages tried to load from outside 127.0.0.1: {outside_requests}"


@pytest.fixture
def dialogs():
    return Dialogs()


@pytest.fixture
def page(context, dialogs, request):
    page = context.new_page()
    page.on("dialog", dialogs)
    # Every page of every browser test keeps to the Content-Security-Policy: nothing it
    # does is blocked (an inline handler or style would be).
    blocked = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        page.screenshot(path=ARTIFACTS / f"{_slug(request.node.name)}.png", full_page=True)
    except Exception as error:  # a failed screenshot must not hide the test's own outcome
        print(f"screenshot of {request.node.name} failed: {error}")
    assert not blocked, f"the Content-Security-Policy blocked: {blocked}"


@pytest.fixture
def screenshot(request):
    """`screenshot(page, "label")` saves <test name>-<label>.png under test-artifacts/."""

    def take(page, label):
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{_slug(request.node.name)}-{_slug(label)}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take


# --- page helpers -------------------------------------------------------------------------


def switch_language(page, code):
    """Choose the language `code` ("en", "zh-hans") in the top bar's switch, as a user
    does; the page comes back in it. Nothing is pressed when it already speaks it."""
    from playwright.sync_api import expect

    html = page.locator("html")
    if html.get_attribute("lang") != code:
        with page.expect_navigation():
            page.locator("nav.navbar select[name=language]").select_option(code)
    expect(html).to_have_attribute("lang", code)


def login(page, username, password=PASSWORD, *, language=None):
    """Sign in through the /login/ page as `username` (whoever was signed in is dropped),
    first choosing `language` in the login page's switch when one is given."""
    page.context.clear_cookies()
    page.goto("/login/")
    if language is not None:
        switch_language(page, language)
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("main form[action='/login/'] button[type=submit]")
    assert "/login/" not in urlsplit(page.url).path, f"{username} could not log in"
    assert page.get_by_test_id("current-user").is_visible(), f"{username} is not signed in"
    if language is not None:
        lang = page.locator("html").get_attribute("lang")
        assert lang == language, f"{username} signed in, but the page speaks {lang}"


def settle(page):
    """Wait until HTMX has no request, swap or settle in progress."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


def search(page, text):
    """Type into the quick search box; the list updates in place (HTMX, after 300 ms)."""
    with page.expect_response(lambda r: "search=" in r.url and r.request.method == "GET"):
        page.fill("#quick-search", text)
    settle(page)


def names(page):
    """The customer-name cells of the list table, in order (a locator, for `expect`)."""
    return page.locator("[data-testid=customer-table] tbody [data-testid=customer-name]")


def tick(page, *customer_names):
    for name in customer_names:
        page.locator("#list-region").get_by_role("checkbox", name=name, exact=True).check()


def select_all(page):
    page.locator("#list-region input[data-select-all]").check()


def open_panel(page, summary_text):
    """Open a toolbar <details> panel such as "Assign…" or "Share…"."""
    summary = page.locator("summary", has_text=summary_text)
    summary.click()
    return summary.locator("xpath=..")


def batch(page, action):
    """Press a batch toolbar button (claim, return, assign, share…) and wait for the
    per-record result the list shows afterwards (SPEC L7)."""
    with page.expect_response(lambda r: r.url.endswith("/customers/batch/")):
        page.locator(f"#batch-form button[name=action][value={action}]").click()
    settle(page)
    return page.get_by_test_id("batch-result")


def open_menu(page):
    """Tap the folded top bar's menu button (phone width) and wait until the menu has
    finished opening: a tap on a link while it still slides open can miss."""
    page.get_by_test_id("menu-toggle").click()
    page.locator("#top-menu.show").wait_for()
    page.locator("#top-menu.collapsing").wait_for(state="detached")


def nav(page, label):
    """Follow a link of the navigation bar."""
    with page.expect_navigation():
        page.locator("nav.navbar").get_by_role("link", name=label, exact=True).click()


def assert_not_refused_as_a_whole(result):
    """The batch result is a per-record report, not one error for the whole request."""
    classes = result.get_attribute("class") or ""
    assert "alert-danger" not in classes, f"batch refused as a whole: {result.inner_text()}"


def csrf_token(page):
    return next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")


@pytest.fixture
def ui():
    return SimpleNamespace(
        login=login,
        switch_language=switch_language,
        settle=settle,
        search=search,
        names=names,
        tick=tick,
        select_all=select_all,
        open_panel=open_panel,
        batch=batch,
        nav=nav,
        open_menu=open_menu,
        assert_not_refused_as_a_whole=assert_not_refused_as_a_whole,
        csrf_token=csrf_token,
    )


@pytest.fixture(name="login")
def login_fixture():
    return login
