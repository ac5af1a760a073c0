"""Costs and expenses (成本费用, SPEC §9, M8): what is particular to them. Adding, changing,
deleting, who may, the tab, the module page and the API are the generated record tests'
(records/tests/), which run for this module as for the others."""

from importlib import import_module

import pytest
from django.apps import apps as django_apps

from records.testing import counts, refused, tab, tab_url, text
from sales.models import Expense
from settings_app.models import DictionaryItem, DictionaryKind

pytestmark = pytest.mark.django_db


def test_the_tab_totals_what_was_spent_on_the_customer(company, browser, alpha):
    travel = DictionaryItem.objects.get(kind="expense_type", name="Travel")
    Expense.objects.create(
        customer=alpha, created_by=company.rep, spent_on="2025-06-01", type=travel, amount="11.50"
    )
    page = browser(company.rep).get(tab(alpha, "expenses"))
    assert page.status_code == 200
    # 88.00 from the fixture's row, 11.50 from this one.
    summary = page.content.decode().split('data-testid="summary-expenses"')[1]
    assert "99.50" in summary.split("</div>\n</div>")[0]
    assert "Travel" in text(page)


def test_the_type_is_chosen_from_the_expense_types_only(company, api, alpha):
    client = api(company.rep)
    region = DictionaryItem.objects.create(kind="region", name="Nowhere")
    before = counts()
    answer = client.post(
        tab_url(alpha, "expenses"),
        {"spent_on": "2025-05-01", "amount": "5.00", "type": region.pk},
        format="json",
    )
    refused(answer, before, field="type")
    gifts = DictionaryItem.objects.create(kind="expense_type", name="Gifts")
    answer = client.post(
        tab_url(alpha, "expenses"),
        {"spent_on": "2025-05-01", "amount": "5.00", "type": gifts.pk},
        format="json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["type_name"] == "Gifts"


@pytest.mark.parametrize("amount", ["0", "-3.00", "1000000000000.00", "1.001", "abc"])
def test_an_amount_that_is_not_money_spent_is_refused(company, api, browser, alpha, amount):
    before = counts()
    answer = api(company.rep).post(
        tab_url(alpha, "expenses"), {"spent_on": "2025-05-01", "amount": amount}, format="json"
    )
    refused(answer, before, field="amount")
    page = browser(company.rep).post(
        f"/customers/{alpha.pk}/expenses/new/", {"spent_on": "2025-05-01", "amount": amount}
    )
    assert page.status_code == 200 and 'data-testid="error-amount"' in page.content.decode()
    assert counts() == before


def test_a_malformed_date_is_refused_with_the_field_named(company, api, alpha):
    before = counts()
    answer = api(company.rep).post(
        tab_url(alpha, "expenses"), {"spent_on": "2025-13-40", "amount": "1.00"}, format="json"
    )
    refused(answer, before, field="spent_on")


def test_the_module_page_lists_expenses_and_finds_them_by_payee(company, browser, alpha):
    client = browser(company.rep)
    found = client.get("/records/expenses/?search=zqpage+airline")
    assert found.status_code == 200
    assert "zqpage airline" in text(found)
    missed = client.get("/records/expenses/?search=nobody")
    assert missed.status_code == 200
    assert "zqpage airline" not in text(missed)


def test_contract_status_is_a_fixed_list_not_a_dictionary_kind(db):
    """SPEC O4's contract status drives receivables and totals, so it is the contract's
    four fixed values; the dictionary kind that changed nothing is gone, its items with it."""
    assert "contract_status" not in DictionaryKind.values
    assert DictionaryKind.EXPENSE_TYPE in DictionaryKind.values
    DictionaryItem.objects.bulk_create(
        [
            DictionaryItem(kind="contract_status", name="草稿"),
            DictionaryItem(kind="expense_type", name="差旅费"),
        ]
    )
    migration = import_module("settings_app.migrations.0003_contract_status_is_not_a_list")
    migration.drop_contract_status_items(django_apps, None)
    kinds = DictionaryItem.objects.filter(kind__in=("contract_status", "expense_type"))
    assert list(kinds.values_list("kind", "name")) == [("expense_type", "差旅费")]
