"""How the record tables show money and dates (issue 15): thousands grouped in every
language, dates that never break at their hyphens, and a module page whose filter is a
labelled select of the app's look."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import translation

from records.templatetags.record_cells import money
from records.testing import model, text

pytestmark = pytest.mark.django_db
ZH, EN = "zh-hans", "en"


@pytest.mark.parametrize("language", [EN, ZH])
def test_money_groups_thousands_in_every_language(language):
    """Django's Chinese format groups nothing: 1234567.00."""
    with translation.override(language):
        assert money(Decimal("1234567")) == "1,234,567.00"
        assert money(Decimal("-1234.565")) == "-1,234.57"
        assert money(Decimal("0")) == "0.00"
        assert money(None) == ""


@pytest.fixture
def big(company, alpha):
    contract = alpha.rows["contracts"]
    model("contracts").objects.filter(pk=contract.pk).update(
        amount=Decimal("1234567.00"), signed_on=dt.date(2026, 11, 30)
    )
    return contract


@pytest.mark.parametrize("language", [EN, ZH])
def test_the_contracts_tab_and_list_show_grouped_amounts(company, browser, alpha, big, language):
    client = browser(company.rep)
    tab = text(client.get(f"/customers/{alpha.pk}/?tab=contracts", HTTP_ACCEPT_LANGUAGE=language))
    assert ">1,234,567.00<" in tab  # the row
    assert re.search(r'data-testid="summary-1">[\d,]*1,234,567\.00<', tab)  # the sum above
    assert "1234567" not in tab
    listed = text(client.get("/records/contracts/", HTTP_ACCEPT_LANGUAGE=language))
    assert ">1,234,567.00<" in listed


def test_a_date_cell_never_wraps(company, browser, alpha, big):
    """ "2026-11-30" broke into "2026-11-" and "30" in a narrow column."""
    client = browser(company.rep)
    cell = '<time class="text-nowrap" datetime="2026-11-30">2026-11-30</time>'
    assert cell in text(client.get(f"/customers/{alpha.pk}/?tab=contracts"))
    assert cell in text(client.get("/records/contracts/"))
    interactions = text(client.get(f"/customers/{alpha.pk}/?tab=interactions"))
    assert re.search(
        r'<time class="text-nowrap" datetime="[\d-]+T[\d:.+]+">[\d-]+ [\d:]+</time>', interactions
    )


def test_the_module_page_filter_is_a_labelled_select_that_offers_any(company, browser, alpha):
    """It was a bare browser select, with no label, reading "---------"."""
    page = text(browser(company.rep).get("/records/contracts/"))
    assert '<label class="text-nowrap" for="records-status">Status</label>' in page
    select = re.search(r'<select class="form-select" id="records-status" name="status"', page)
    assert select
    assert '<option value="">Any</option>' in page
    assert "---------" not in page


def test_a_record_form_offers_choose_not_dashes(company, browser, alpha):
    page = text(browser(company.rep).get(f"/customers/{alpha.pk}/contracts/new/"))
    assert "---------" not in page and "— choose —" in page
    assert "form-select form-select-sm" in page and "form-control-sm form-select" not in page
