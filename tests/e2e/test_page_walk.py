"""A walk through the main pages (issue 15), in English and in Simplified Chinese, at desk
width (1366 px) and phone width (390 px), on the demo company as `manage.py demo_data`
makes it, each page seen by someone who may see it: a salesperson for the customer lists,
a customer of their own and the imports page, an administrator for the settings.

On every page, as it loads and again with its folded parts open (every <details> panel,
and at 390 px the top bar's menu): axe-core finds no serious or critical violation; at
390 px the page does not scroll sideways. Nothing is logged to the console as an error and
no request fails or is answered 4xx/5xx. axe-core comes inside axe-playwright-python and
is injected from there: nothing is fetched for it (the conftest aborts and reports any
request that leaves 127.0.0.1).

A full-page screenshot of each page, language and width (and of each page with its
folded parts open, "-open") is left under pytest's temporary folder, with axe.json: every
violation found there, of any impact. The folder is printed (`-s` shows it).

One browser context a language and width, the pages visited one after another; each
language and width is a test of its own, so xdist runs them side by side."""

import io
import json

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.db.models import Count
from django.test import Client

from customers.management.commands.demo_data import DEMO_PASSWORD
from customers.models import Customer
from org.models import User
from tests.e2e.conftest import open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["en", "zh-hans"]
DESK, PHONE = 1366, 390
VIEWPORTS = {DESK: {"width": 1366, "height": 900}, PHONE: {"width": 390, "height": 844}}
# Smaller than the demo as shipped (300), so quicker to make, yet with customers in every
# list, a second page of the pool, and contacts, shares and records of every kind.
CUSTOMERS = 80
SALESPERSON = "east_mgr"  # 李经理: owns customers, has colleagues' shared with him
ADMINISTRATOR = "admin"
LOCKED = "north_rep4"  # locked out: the lockouts page and this person's page show it
BLOCKING = {"serious", "critical"}
AXE = Axe()


@pytest.fixture
def demo(transactional_db, settings):
    """(people by username, the salesperson's customer with the most contacts)."""
    call_command("demo_data", customers=CUSTOMERS, stdout=io.StringIO())
    settings.AXES_FAILURE_LIMIT = 3
    for _attempt in range(3):  # from an address of its own: the browser is not locked out
        Client(REMOTE_ADDR="10.0.0.9").post("/login/", {"username": LOCKED, "password": "no"})
    people = {user.username: user for user in User.objects.all()}
    customer = (
        Customer.live.filter(owner=people[SALESPERSON])
        .annotate(contact_count=Count("contacts"))
        .order_by("-contact_count", "name")
        .first()
    )
    assert customer is not None and customer.contact_count > 1
    return people, customer


def walk(people, customer):
    """{who signs in: [(name of the page, its address)]}, in the order they are visited."""
    return {
        SALESPERSON: [
            ("pool", "/pool/"),
            ("mine", "/mine/"),
            ("shared", "/shared/"),
            ("customer", f"/customers/{customer.pk}/"),
            ("customer-contacts", f"/customers/{customer.pk}/?tab=contacts"),
            ("import", "/imports/new/"),
            ("hand-over", f"/hand-over/?person={people['east_rep1'].pk}"),
            ("notifications", "/notifications/"),
        ],
        ADMINISTRATOR: [
            ("settings", "/settings/"),
            ("settings-system", "/settings/system/"),
            ("pool-rules", "/pool/rules/"),
            ("pools", "/pools/"),
            ("settings-dictionary", "/settings/dictionary/category/"),
            ("settings-users", "/settings/users/"),
            ("settings-person", f"/settings/users/{people[LOCKED].pk}/"),
            ("settings-departments", "/settings/departments/"),
            ("settings-lockouts", "/settings/lockouts/"),
            ("settings-audit", "/settings/audit/"),
        ],
    }


class Trouble:
    """Console errors and failed (or 4xx/5xx) requests since the last `take()`."""

    def __init__(self, page):
        self.found = []
        page.on("console", self.console)
        page.on("pageerror", lambda error: self.found.append(f"page error: {error}"))
        page.on("requestfailed", self.failed)
        page.on("response", self.response)

    def console(self, message):
        if message.type == "error":
            self.found.append(f"console: {message.text}")

    def response(self, response):
        if response.status >= 400:
            self.found.append(f"{response.status} {response.url}")

    def failed(self, request):
        # The browser fetches the icon by itself after the page has loaded, and drops the
        # fetch when the walk moves on: that is no failure of the page.
        if request.url.endswith("/favicon.svg") and request.failure == "net::ERR_ABORTED":
            return
        self.found.append(f"failed: {request.url} {request.failure}")

    def take(self):
        found, self.found = self.found, []
        return found


def describe(violation):
    targets = [" ".join(node["target"]) for node in violation["nodes"]]
    return f"{violation['id']} ({violation['impact']}, {len(targets)}×): {targets[:5]}"


def unfold(page, width):
    """Open what the page folds away: the top bar's menu at phone width, every panel."""
    if width == PHONE:
        open_menu(page)
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")


def check(page, width, state, found):
    """Problems of the page as it is now; every violation, of any impact, into `found`."""
    violations = AXE.run(page).response["violations"]
    found[state] = {v["id"]: [v["impact"], len(v["nodes"])] for v in violations}
    problems = [f"axe {describe(v)}" for v in violations if v["impact"] in BLOCKING]
    if width == PHONE:
        wide = page.evaluate("document.documentElement.scrollWidth")
        if wide > page.evaluate("window.innerWidth"):
            problems.append(f"{wide} px wide: the page scrolls sideways")
    return [f"{state}: {problem}" for problem in problems]


@pytest.mark.parametrize("width", [DESK, PHONE])
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_main_pages_pass_axe_fit_and_log_no_error(
    page, ui, demo, language, width, tmp_path_factory
):
    people, customer = demo
    folder = tmp_path_factory.getbasetemp() / "page-walk" / f"{language}-{width}"
    folder.mkdir(parents=True, exist_ok=True)
    print(f"page walk, {language} at {width} px: screenshots and axe.json in {folder}")
    page.emulate_media(reduced_motion="reduce")  # the menu unfolds at once: no waiting on it
    trouble = Trouble(page)
    problems, found = [], {}
    for username, pages in walk(people, customer).items():
        # The login page's language switch is in the top bar's menu, folded away at phone
        # width: sign in at desk width, then see the pages at `width`.
        page.set_viewport_size(VIEWPORTS[DESK])
        ui.login(page, username, DEMO_PASSWORD, language=language)
        page.set_viewport_size(VIEWPORTS[width])
        problems += [f"/login/ (as {username}) {problem}" for problem in trouble.take()]
        for name, address in pages:
            page.goto(address)
            ui.settle(page)
            found[name] = {}
            here = check(page, width, "as loaded", found[name])
            page.screenshot(path=folder / f"{name}.png", full_page=True)
            unfold(page, width)
            here += check(page, width, "unfolded", found[name])
            page.screenshot(path=folder / f"{name}-open.png", full_page=True)
            here += trouble.take()
            problems += [f"{address} ({name}) {problem}" for problem in here]
    (folder / "axe.json").write_text(json.dumps(found, indent=1, ensure_ascii=False))
    assert not problems, f"{language} at {width} px (see {folder}):\n" + "\n".join(problems)
