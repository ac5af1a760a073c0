"""A customer's page and its contact page, as HTML (issue 15): every id once, errors that
name their fields, tables that scroll inside their box, tabs on one strip."""

import re
from collections import Counter
from html.parser import HTMLParser

import pytest

from customers.models import Contact
from customers.testing import ContactFactory, CustomerFactory
from settings_app.models import DictionaryItem

pytestmark = pytest.mark.django_db


class Tags(HTMLParser):
    """Every start tag of a page: (tag, {attribute: value})."""

    def __init__(self, html):
        super().__init__()
        self.tags = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def ids(self):
        return Counter(attrs["id"] for _tag, attrs in self.tags if attrs.get("id"))

    def labelled(self):
        return {attrs.get("for") for tag, attrs in self.tags if tag == "label"}


def repeated_ids(html):
    return {name: count for name, count in Tags(html).ids().items() if count > 1}


def tab_keys(client, customer):
    html = client.get(f"/customers/{customer.pk}/").content.decode()
    return re.findall(r'data-tab="(\w+)"', html.split('id="tab-pane"')[0])


@pytest.fixture
def owned(company, alpha):
    """rep's customer with a row of every module, a contact with a relation, a share."""
    friend = DictionaryItem.objects.create(kind="relation", name="friend")
    contact = ContactFactory(customer=alpha, name="Zhang Wei", notes="likes tea")
    contact.relations.create(relation_type=friend, person_name="Li", notes="old friend")
    return alpha


def test_no_id_is_repeated_on_any_tab_of_the_customer_page(company, browser, owned):
    client = browser(company.rep)
    keys = tab_keys(client, owned)
    assert {"info", "contacts", "contracts", "quotes", "bin"} <= set(keys)
    for key in keys:
        html = client.get(f"/customers/{owned.pk}/?tab={key}").content.decode()
        assert repeated_ids(html) == {}, key


def test_no_id_is_repeated_on_the_contact_page(company, browser, owned):
    """Its form and the new-relation form below both had id="id_notes"."""
    contact = Contact.objects.get(customer=owned, name="Zhang Wei")
    html = browser(company.rep).get(f"/customers/{owned.pk}/contacts/{contact.pk}/").content
    page = html.decode()
    assert repeated_ids(page) == {}
    tags = Tags(page)
    # Every label still points at its own field.
    assert {"id_notes", "id_relation_notes", "id_relation_person_name"} <= tags.labelled()
    assert {"id_notes", "id_relation_notes"} <= set(tags.ids())


def test_a_relation_is_still_added_from_the_contact_page(company, browser, owned):
    contact = Contact.objects.get(customer=owned, name="Zhang Wei")
    friend = DictionaryItem.objects.get(kind="relation", name="friend")
    browser(company.rep).post(
        f"/customers/{owned.pk}/contacts/{contact.pk}/relations/add/",
        {"relation_type": friend.pk, "person_name": "Wang", "notes": "neighbour"},
    )
    assert contact.relations.filter(person_name="Wang", notes="neighbour").exists()


def test_a_refused_new_contact_names_each_field_it_is_about(company, browser):
    """It said "This field is required. This field is required." and nothing more."""
    customer = CustomerFactory(owner=company.rep)
    client = browser(company.rep)
    client.post(
        f"/customers/{customer.pk}/contacts/add/",
        {"email": "not an address", "relation-notes": "met at the fair"},
    )
    page = client.get(f"/customers/{customer.pk}/?tab=contacts").content.decode()
    assert "Name: This field is required." in page
    assert "Email: Enter a valid email address." in page
    assert "Relation: This field is required." in page
    assert not Contact.objects.filter(customer=customer).exists()


def test_a_form_shown_again_names_each_field_above_it_and_answers_200(company, browser):
    """A page answered 400 is a failed request in the browser's console."""
    answer = browser(company.rep).post("/customers/new/", {"name": "", "claim": "1"})
    assert answer.status_code == 200
    page = answer.content.decode()
    summary = re.search(r'data-testid="form-errors">(.*?)</div>\s*<div class="row', page, re.S)
    assert summary and "Name: This field is required." in summary.group(1)
    assert 'data-testid="error-name"' in page  # and under the field itself
    assert "---------" not in page and "— choose —" in page


def test_contact_page_errors_answer_200(company, browser, owned):
    contact = Contact.objects.get(customer=owned, name="Zhang Wei")
    url = f"/customers/{owned.pk}/contacts/{contact.pk}/"
    answer = browser(company.rep).post(url, {"name": "", "email": "x"})
    assert answer.status_code == 200
    assert "Name: This field is required." in answer.content.decode()


def test_every_table_of_a_tab_scrolls_inside_its_box(company, browser, owned):
    """At 390 px the contracts tab made the page 596-820 px wide."""
    client = browser(company.rep)
    for key in tab_keys(client, owned):
        html = client.get(f"/customers/{owned.pk}/?tab={key}").content.decode()
        pane = html.split('id="tab-pane"', 1)[1]
        tables = pane.count("<table")
        wrapped = len(re.findall(r'<div class="table-responsive[^"]*">\s*<table', pane))
        assert tables == wrapped, key


def test_the_tabs_stand_on_one_strip(company, browser, owned):
    html = browser(company.rep).get(f"/customers/{owned.pk}/").content.decode()
    assert re.search(r'<ul class="nav nav-tabs tab-strip[^"]*"[^>]*hx-push-url="true"', html)


def test_a_share_date_never_wraps(company, browser, owned):
    owned.shares.create(user=company.peer, shared_by=company.rep)
    html = browser(company.rep).get(f"/customers/{owned.pk}/?tab=shares").content.decode()
    assert re.search(r'<td class="text-nowrap">\d{4}-\d\d-\d\d \d\d:\d\d</td>', html)
