"""新建 on a module's own page (M1): a picker of the customers the person may add rows of
that module to, their own first, searched by name as they type."""

import re

import pytest

from customers.testing import CustomerFactory, ShareFactory
from records.picker import PICKS
from records.testing import text

pytestmark = pytest.mark.django_db


def picked(response):
    """The customer names the picker offers, in order."""
    assert response.status_code == 200, response.status_code
    return [
        name.strip() for name in re.findall(r'data-testid="pick-customer">([^<]+)', text(response))
    ]


@pytest.fixture
def desk(company):
    """rep owns Zeta and Alpha Tea; deputy owns Beta Tea, shared with rep; peer owns Gamma
    Tea; Delta Tea is unclaimed in the pool."""
    CustomerFactory(name="Zeta Works", owner=company.rep)
    CustomerFactory(name="Alpha Tea", owner=company.rep)
    beta = CustomerFactory(name="Beta Tea", owner=company.deputy)
    ShareFactory(customer=beta, user=company.rep, shared_by=company.deputy)
    CustomerFactory(name="Gamma Tea", owner=company.peer)
    CustomerFactory(name="Delta Tea")
    return company


def test_the_owner_rule_offers_only_my_own_customers_in_name_order(desk, browser):
    page = browser(desk.rep).get("/records/quotes/new/")
    assert picked(page) == ["Alpha Tea", "Zeta Works"]


def test_interactions_also_offer_what_is_shared_with_me_after_my_own(desk, browser):
    page = browser(desk.rep).get("/records/interactions/new/")
    assert picked(page) == ["Alpha Tea", "Zeta Works", "Beta Tea"]
    assert "shared with you" in text(page)


def test_typing_narrows_by_name_whatever_the_case(desk, browser):
    client = browser(desk.rep)
    assert picked(client.get("/records/interactions/new/?q=tEA")) == ["Alpha Tea", "Beta Tea"]
    assert picked(client.get("/records/quotes/new/?q=gamma")) == []
    none = client.get("/records/quotes/new/?q=gamma")
    assert "None of the customers you may add to is called" in text(none)


def test_the_picker_answers_htmx_with_the_choices_alone(desk, browser):
    answer = browser(desk.rep).get(
        "/records/quotes/new/?q=zeta", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="customer-choices"
    )
    assert picked(answer) == ["Zeta Works"]
    assert "<html" not in text(answer)
    assert text(answer).lstrip().startswith('<div id="customer-choices"')


def test_each_choice_leads_to_the_new_row_form_of_that_customer(desk, browser):
    client = browser(desk.rep)
    page = client.get("/records/expenses/new/?q=alpha")
    link = re.search(r'href="([^"]+)" data-testid="pick-customer"', text(page)).group(1)
    assert re.fullmatch(r"/customers/\d+/expenses/new/", link)
    assert client.get(link).status_code == 200


def test_a_long_list_shows_the_first_ones_and_says_so(company, browser):
    CustomerFactory.create_batch(PICKS + 1, owner=company.rep)
    page = browser(company.rep).get("/records/opportunities/new/")
    assert len(picked(page)) == PICKS
    assert f"The first {PICKS} are shown" in text(page)
    narrowed = browser(company.rep).get("/records/opportunities/new/?q=nothing-like-it")
    assert "are shown" not in text(narrowed)


def test_new_is_offered_on_the_module_page_only_to_who_has_somewhere_to_add(desk, browser):
    assert 'data-testid="new-record"' in text(browser(desk.rep).get("/records/quotes/"))
    assert 'data-testid="new-record"' not in text(browser(desk.marketer).get("/records/quotes/"))
    empty = browser(desk.marketer).get("/records/quotes/new/")
    assert picked(empty) == []
    assert "You have no customers to add records to yet" in text(empty)


def test_an_unknown_module_is_not_found_and_the_picker_needs_a_login(client, desk):
    assert client.get("/records/quotes/new/").status_code == 302
    client.force_login(desk.rep)
    assert client.get("/records/widgets/new/").status_code == 404
    long = client.get("/records/quotes/new/", {"q": "x" * 5000})
    assert long.status_code == 200
