"""One visual language (issue 15 point 10): icons drawn from the package, inline, on every
page; a customer's header with its key facts and its actions together; one status colour
per state wherever a customer's status shows."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from customers.testing import CustomerFactory, ShareFactory
from sales.models import Contract, Opportunity, Payment

pytestmark = pytest.mark.django_db


def page(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def head(html):
    """The customer header's markup."""
    match = re.search(r'<header class="customer-head.*?</header>', html, re.S)
    assert match, "no customer header"
    return match.group(0)


def status_of(html, needle):
    """The status class shown in the first row (or header) that holds `needle`."""
    for row in re.findall(r"<tr>.*?</tr>|<header.*?</header>", html, re.S):
        if needle in row:
            return re.search(r'class="status (status-\w+)"', row).group(1)
    raise AssertionError(f"{needle} not shown")


def test_the_top_bar_has_an_icon_for_each_section(company, browser):
    html = page(browser(company.rep), "/pool/")
    nav = re.search(r"<nav.*?</nav>", html, re.S).group(0)
    links = re.findall(r'<a class="nav-link[^"]*" href="[^"]+"[^>]*>(.*?)</a>', nav, re.S)
    assert len(links) >= 5
    for link in links:
        assert '<svg width="16" height="16"' in link and 'aria-hidden="true"' in link, link
    assert "<img" not in nav and "http" not in nav.replace("http://www.w3.org", "")


def test_the_header_holds_the_key_facts_and_the_owners_actions(company, browser):
    customer = CustomerFactory(name="北京云帆贸易", owner=company.rep)
    customer.last_contacted_at = timezone.make_aware(datetime.datetime(2026, 10, 18, 9))
    customer.save()
    Opportunity.objects.create(customer=customer, name="Big deal", expected_amount=12345)
    Opportunity.objects.create(customer=customer, name="Lost", expected_amount=99, status="lost")
    contract = Contract.objects.create(
        customer=customer, number="C-LOOK-1", title="Supply", amount=Decimal("10000")
    )
    Payment.objects.create(
        customer=customer, contract=contract, amount=4000, received_on=datetime.date(2026, 11, 1)
    )
    header = head(page(browser(company.rep), f"/customers/{customer.pk}/"))
    assert "北京云帆贸易" in header and "Rep Li" in header
    assert "2026-10-18" in header
    assert re.search(r"Open opportunities \(CNY\).*?12,345\.00", header, re.S)
    assert re.search(r"Outstanding \(CNY\).*?6,000\.00", header, re.S)
    for action in ("edit-customer", 'value="return"', "Share…", "Print"):
        assert action in header
    assert status_of(header, "北京云帆贸易") == "status-mine"


def test_a_sharee_sees_the_facts_and_no_owner_action(company, browser):
    customer = CustomerFactory(name="Read Only Ltd", owner=company.rep)
    ShareFactory(customer=customer, user=company.peer, shared_by=company.rep)
    header = head(page(browser(company.peer), f"/customers/{customer.pk}/"))
    assert "Rep Li" in header and "never" in header
    assert 'data-testid="read-only"' in header
    assert "edit-customer" not in header and 'value="return"' not in header
    assert status_of(header, "Read Only Ltd") == "status-claimed"


def test_one_status_colour_per_state_on_every_page(company, browser):
    free = CustomerFactory(name="Free Co")
    mine = CustomerFactory(name="Mine Co", owner=company.rep)
    theirs = CustomerFactory(name="Theirs Co", owner=company.peer)
    client = browser(company.rep)
    pool = page(client, "/pool/")
    assert status_of(pool, "Free Co") == "status-pool"
    assert status_of(pool, "Mine Co") == "status-mine"
    assert status_of(pool, "Theirs Co") == "status-claimed"
    public = page(client, f"/pool/{free.pk}/")
    assert re.search(r'class="page-head".*?class="status (status-\w+)"', public, re.S)[1] == (
        "status-pool"
    )
    assert status_of(head(page(client, f"/customers/{mine.pk}/")), "Mine Co") == "status-mine"
    assert theirs.pk  # listed above; its page is not the rep's to read


def test_the_look_is_one_set_of_variables_and_no_page_styles_itself():
    css = (Path(settings.BASE_DIR) / "static/app/app.css").read_text()
    for state in ("pool", "mine", "claimed", "shared", "bin"):
        assert f"--pc-{state}:" in css and f".status-{state}" in css
    templates = [
        path
        for path in Path(settings.BASE_DIR).glob("*/templates/**/*.html")
        if ".venv" not in path.parts
    ]
    assert len(templates) > 50
    styled = [str(path) for path in templates if re.search(r"\sstyle=", path.read_text())]
    assert styled == []


def test_an_empty_list_shows_what_to_do_next(company, browser):
    html = page(browser(company.rep), "/mine/")
    empty = re.search(r'<td colspan="12" class="empty-state".*?</td>', html, re.S).group(0)
    assert "<svg" in empty and 'data-testid="empty-next"' in empty
