"""Rules of the sales records, through the API (SPEC §9).

(b) Bad input is a clear 400 and stores nothing: money, dates, quote lines, payments
    beyond what is owed, receivables of contracts not executing, links to another
    customer's rows.
(c) Derived values: quote totals in Decimal, contract outstanding, generated numbers."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from customers.services import ownership
from records.testing import counts, refused, tab_url
from sales.models import Contract, Payment, Quote

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- (b) bad input


def contract_body(**changes):
    return {"title": "Service", "amount": "100.00", "status": "executing", **changes}


def quote_body(lines=None, **changes):
    lines = lines if lines is not None else [line()]
    return {"date": "2025-05-01", "lines": lines, **changes}


def line(**changes):
    return {"product": "Widget", "quantity": "1", "unit_price": "10.00", **changes}


def new_contract(customer, user, status="executing", amount="1000.00"):
    """A contract stored directly, as set-up for the rules about its payments and
    receivables (creating contracts through the API is tested on its own)."""
    return Contract.objects.create(
        customer=customer,
        created_by=user,
        number=f"C-RULES-{Contract.objects.count() + 1}",
        title="Set-up contract",
        amount=Decimal(amount),
        status=status,
    )


BAD_AMOUNTS = ["-0.01", "-5", "abc", "", "12345678901234.00", "1.234", "NaN", "Infinity"]


@pytest.mark.parametrize("value", BAD_AMOUNTS)
def test_bad_amounts_are_refused(company, api, book, value):
    client = api(company.rep)
    contract = book.rows["contracts"]
    before = counts()
    bodies = {
        ("contracts", "amount"): contract_body(amount=value),
        ("opportunities", "expected_amount"): {"name": "Deal", "expected_amount": value},
        ("receivables", "amount"): {"contract": contract.pk, "due_on": "2025-06-01"},
        ("payments", "amount"): {"contract": contract.pk, "received_on": "2025-06-01"},
    }
    for (key, field), body in bodies.items():
        body = {**body, field: value}
        refused(client.post(tab_url(book.customer, key), body, format="json"), before, field)
    for field in ("quantity", "unit_price"):
        body = quote_body([line(**{field: value})])
        refused(client.post(tab_url(book.customer, "quotes"), body, format="json"), before, "lines")
    changed = client.patch(
        tab_url(book.customer, "contracts", contract.pk), {"amount": value}, format="json"
    )
    refused(changed, before, "amount")
    assert Contract.objects.get(pk=contract.pk).amount == Decimal("1000.00")


@pytest.mark.parametrize("value", ["0", "0.00"])
def test_receivables_and_payments_of_nothing_are_refused(company, api, book, value):
    client = api(company.rep)
    contract = book.rows["contracts"]
    before = counts()
    for key, day in [("receivables", "due_on"), ("payments", "received_on")]:
        body = {"contract": contract.pk, day: "2025-06-01", "amount": value}
        refused(client.post(tab_url(book.customer, key), body, format="json"), before, "amount")


def test_a_contract_cannot_end_before_it_starts(company, api, book):
    client = api(company.rep)
    url = tab_url(book.customer, "contracts")
    before = counts()
    body = contract_body(starts_on="2025-03-01", ends_on="2025-02-28")
    refused(client.post(url, body, format="json"), before, "ends_on")

    contract = book.rows["contracts"]
    row = tab_url(book.customer, "contracts", contract.pk)
    assert client.patch(row, {"starts_on": "2025-03-01"}, format="json").status_code == 200
    # Only the end is sent: it is checked against the start already stored.
    refused(client.patch(row, {"ends_on": "2025-02-01"}, format="json"), before, "ends_on")
    refused(client.patch(row, {"starts_on": "2025-04-01", "ends_on": "2025-03-31"}), before)
    assert Contract.objects.get(pk=contract.pk).ends_on is None
    same_day = client.patch(row, {"ends_on": "2025-03-01"}, format="json")
    assert same_day.status_code == 200


def test_a_quote_cannot_expire_before_its_date(company, api, book):
    client = api(company.rep)
    before = counts()
    body = quote_body(date="2025-05-01", valid_until="2025-04-30")
    refused(client.post(tab_url(book.customer, "quotes"), body, format="json"), before)
    quote = book.rows["quotes"]  # dated 2025-01-10
    row = tab_url(book.customer, "quotes", quote.pk)
    refused(client.patch(row, {"valid_until": "2025-01-09"}, format="json"), before)
    assert Quote.objects.get(pk=quote.pk).valid_until is None
    assert client.patch(row, {"valid_until": "2025-01-10"}, format="json").status_code == 200


@pytest.mark.parametrize(
    "lines",
    [
        [],
        None,  # no lines at all
        [line(quantity="0")],
        [line(quantity="-1")],
        [line(discount="-1")],
        [line(discount="-0.01")],
        [line(discount="100.01")],
        [line(discount="150")],
        [line(product="")],
        [line(), line(quantity="0")],  # one bad line spoils the quote
    ],
    ids=[
        "empty",
        "missing",
        "quantity 0",
        "quantity -1",
        "discount -1",
        "discount -0.01",
        "discount 100.01",
        "discount 150",
        "no product",
        "second line bad",
    ],
)
def test_bad_quote_lines_are_refused(company, api, book, lines):
    client = api(company.rep)
    before = counts()
    body = quote_body()
    if lines is None:
        del body["lines"]
    else:
        body["lines"] = lines
    refused(client.post(tab_url(book.customer, "quotes"), body, format="json"), before, "lines")

    quote = book.rows["quotes"]
    if lines is not None:
        row = tab_url(book.customer, "quotes", quote.pk)
        refused(client.patch(row, {"lines": lines}, format="json"), before, "lines")
    assert [x.product for x in Quote.objects.get(pk=quote.pk).lines.all()] == ["zqbook product"]
    assert Quote.objects.get(pk=quote.pk).total == Decimal("20.00")


def test_a_full_discount_is_allowed(company, api, book):
    response = api(company.rep).post(
        tab_url(book.customer, "quotes"), quote_body([line(discount="100")]), format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["total"] == "0.00"


def test_payments_may_reach_but_not_pass_what_is_owed(company, api, book):
    client = api(company.rep)
    contract_id = new_contract(book.customer, company.rep).pk
    url = tab_url(book.customer, "payments")

    def pay(amount):
        body = {"contract": contract_id, "received_on": "2025-06-01", "amount": amount}
        return client.post(url, body, format="json")

    before = counts()
    body = refused(pay("1000.01"), before, "amount")
    assert "1000.00" in body["detail"], body  # says what is still owed
    first = pay("600.00")
    assert first.status_code == 201
    before = counts()
    body = refused(pay("400.01"), before, "amount")
    assert "400.00" in body["detail"], body
    assert pay("400.00").status_code == 201  # exactly what is owed
    before = counts()
    refused(pay("0.01"), before, "amount")
    assert Contract.objects.get(pk=contract_id).outstanding == Decimal("0.00")

    # Changing a payment counts it once: 600 may not become 600.01, may become 599.99.
    row = tab_url(book.customer, "payments", first.json()["id"])
    refused(client.patch(row, {"amount": "600.01"}, format="json"), before, "amount")
    assert client.patch(row, {"amount": "599.99"}, format="json").status_code == 200
    shown = client.get(tab_url(book.customer, "contracts", contract_id)).json()
    assert (shown["received"], shown["outstanding"]) == ("999.99", "0.01")

    # Nor may the contract's amount drop below what was received.
    contract_row = tab_url(book.customer, "contracts", contract_id)
    refused(client.patch(contract_row, {"amount": "999.98"}, format="json"), before, "amount")
    assert client.patch(contract_row, {"amount": "999.99"}, format="json").status_code == 200


@pytest.mark.parametrize("status", ["draft", "completed", "terminated"])
def test_receivables_are_planned_only_for_executing_contracts(company, api, book, status):
    client = api(company.rep)
    contract_id = new_contract(book.customer, company.rep, status=status).pk
    body = {"contract": contract_id, "due_on": "2025-06-01", "amount": "10.00"}
    before = counts()
    refused(client.post(tab_url(book.customer, "receivables"), body), before, "contract")
    # Moving an existing receivable onto such a contract is refused too.
    receivable = book.rows["receivables"]
    row = tab_url(book.customer, "receivables", receivable.pk)
    refused(client.patch(row, {"contract": contract_id}), before, "contract")
    executing = client.patch(
        tab_url(book.customer, "contracts", contract_id), {"status": "executing"}
    )
    assert executing.status_code == 200
    assert client.post(tab_url(book.customer, "receivables"), body).status_code == 201


@pytest.mark.parametrize("whose", ["other", "foreign"])
def test_rows_of_another_customer_cannot_be_linked_in(company, api, book, whose):
    client = api(company.rep)
    theirs = book.other_rows if whose == "other" else book.foreign_rows
    mine = book.rows
    before = counts()
    attempts = [
        ("contracts", contract_body(opportunity=theirs["opportunities"].pk), "opportunity"),
        ("contracts", contract_body(quote=theirs["quotes"].pk), "quote"),
        ("quotes", quote_body(opportunity=theirs["opportunities"].pk), "opportunity"),
        (
            "receivables",
            {"contract": theirs["contracts"].pk, "due_on": "2025-06-01", "amount": "1.00"},
            "contract",
        ),
        (
            "payments",
            {"contract": theirs["contracts"].pk, "received_on": "2025-06-01", "amount": "1.00"},
            "contract",
        ),
    ]
    for key, body, field in attempts:
        response = client.post(tab_url(book.customer, key), body, format="json")
        refused(response, before, field)
    changes = [
        ("contracts", mine["contracts"], {"opportunity": theirs["opportunities"].pk}),
        ("contracts", mine["contracts"], {"quote": theirs["quotes"].pk}),
        ("quotes", mine["quotes"], {"opportunity": theirs["opportunities"].pk}),
        ("receivables", mine["receivables"], {"contract": theirs["contracts"].pk}),
        ("payments", mine["payments"], {"contract": theirs["contracts"].pk}),
    ]
    for key, row, body in changes:
        response = client.patch(tab_url(book.customer, key, row.pk), body, format="json")
        refused(response, before)
        fresh = type(row).objects.get(pk=row.pk)
        field = next(iter(body))
        assert getattr(fresh, f"{field}_id") == getattr(row, f"{field}_id"), key


@pytest.mark.parametrize(
    ("key", "body"),
    [
        ("contracts", contract_body(starts_on="2025-02-30")),
        ("contracts", contract_body(signed_on="yesterday")),
        ("quotes", quote_body(date="2025-13-01")),
        ("quotes", quote_body(date="")),
        ("payments", {"received_on": "31/12/2025", "amount": "1.00"}),
        ("receivables", {"due_on": "2025-00-10", "amount": "1.00"}),
        ("opportunities", {"name": "Deal", "expected_close": "soon"}),
    ],
)
def test_malformed_dates_are_refused(company, api, book, key, body):
    if key in ("payments", "receivables"):
        body = {**body, "contract": book.rows["contracts"].pk}
    before = counts()
    response = api(company.rep).post(tab_url(book.customer, key), body, format="json")
    refused(response, before)


def test_a_contract_with_payments_is_not_deleted_and_the_refusal_is_clear(company, api, book):
    """Payments point at their contract (PROTECT): deleting it must be refused with a
    message, not end in a server error."""
    contract = book.rows["contracts"]
    before = counts()
    response = api(company.rep).delete(tab_url(book.customer, "contracts", contract.pk))
    assert response.status_code in (400, 409), (response.status_code, response.content[:200])
    assert response.json()["detail"]
    assert counts() == before


# ---------------------------------------------------------------- (c) derived values


def test_a_quote_total_is_exact_decimal_arithmetic(company, api, book):
    client = api(company.rep)
    lines = [
        {"product": "Cable", "quantity": "3", "unit_price": "19.99", "discount": "15"},
        {"product": "Clip", "quantity": "1", "unit_price": "0.10"},
    ]
    response = client.post(tab_url(book.customer, "quotes"), quote_body(lines), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    # 3 × 19.99 = 59.97; less 15 % = 50.9745 → 50.97; plus 0.10.
    assert [x["amount"] for x in body["lines"]] == ["50.97", "0.10"]
    assert body["total"] == "51.07"
    quote = Quote.objects.get(pk=body["id"])
    assert quote.total == Decimal("51.07")

    # New lines replace the old ones and the total follows; half a cent rounds up
    # (0.5 × 2.01 = 1.005 → 1.01; binary floating point would give 1.00).
    row = tab_url(book.customer, "quotes", quote.pk)
    new_lines = [
        {"product": "Half", "quantity": "0.5", "unit_price": "2.01"},
        {"product": "Cheap", "quantity": "1", "unit_price": "0.05", "discount": "50"},
    ]
    changed = client.patch(row, {"lines": new_lines}, format="json")
    assert changed.status_code == 200, changed.content
    assert [x["amount"] for x in changed.json()["lines"]] == ["1.01", "0.03"]
    assert changed.json()["total"] == "1.04"
    assert Quote.objects.get(pk=quote.pk).lines.count() == 2

    # Changing only the header keeps lines and total.
    assert client.patch(row, {"notes": "call first"}, format="json").status_code == 200
    assert client.get(row).json()["total"] == "1.04"


def test_a_total_sent_by_the_client_is_ignored(company, api, book):
    body = {**quote_body([line(unit_price="5.00")]), "total": "999.00", "number": "Q-FAKE"}
    response = api(company.rep).post(tab_url(book.customer, "quotes"), body, format="json")
    assert response.status_code == 201
    assert response.json()["total"] == "5.00"
    assert response.json()["number"] != "Q-FAKE"


def test_contract_outstanding_is_amount_less_payments(company, api, book):
    client = api(company.rep)
    contract_id = new_contract(book.customer, company.rep).pk
    payments = [
        client.post(
            tab_url(book.customer, "payments"),
            {"contract": contract_id, "received_on": "2025-06-01", "amount": amount},
            format="json",
        )
        for amount in ("250.50", "100.25")
    ]
    assert [p.status_code for p in payments] == [201, 201]

    def shown():
        one = client.get(tab_url(book.customer, "contracts", contract_id)).json()
        tab = client.get(tab_url(book.customer, "contracts")).json()["results"]
        listed = client.get("/api/contracts/", {"page_size": 200}).json()["results"]
        for rows in (tab, listed):
            row = next(r for r in rows if r["id"] == contract_id)
            assert (row["received"], row["outstanding"]) == (one["received"], one["outstanding"])
        return one["received"], one["outstanding"]

    assert shown() == ("350.75", "649.25")
    assert Contract.objects.get(pk=contract_id).outstanding == Decimal("649.25")
    first = payments[0].json()["id"]
    assert client.delete(tab_url(book.customer, "payments", first)).status_code == 204
    assert shown() == ("100.25", "899.75")
    # Another contract's payments do not count (the book's contract has 100.00 paid).
    assert book.rows["contracts"].outstanding == Decimal("900.00")


def test_generated_numbers_are_unique_and_well_formed(company, api, book):
    client = api(company.rep)
    years = {timezone.now().year, timezone.localtime().year}
    numbers = {"Q": [], "C": []}
    for index in range(3):
        quote = client.post(tab_url(book.customer, "quotes"), quote_body(), format="json")
        contract = client.post(tab_url(book.customer, "contracts"), contract_body())
        assert quote.status_code == 201 and contract.status_code == 201
        numbers["Q"].append(quote.json()["number"])
        numbers["C"].append(contract.json()["number"])
        if index == 0:  # a deleted number is not handed out again
            client.delete(tab_url(book.customer, "quotes", quote.json()["id"]))
    existing = {book.rows["quotes"].number, book.other_rows["quotes"].number}
    existing |= {book.rows["contracts"].number, book.other_rows["contracts"].number}
    for prefix, found in numbers.items():
        for number in found:
            match = re.fullmatch(rf"{prefix}-(\d{{4}})-(\d{{6}})", number)
            assert match, number
            assert int(match.group(1)) in years, number
        assert len(set(found)) == 3, found
        assert not set(found) & existing
    stored = list(Quote.objects.values_list("number", flat=True))
    stored += list(Contract.objects.values_list("number", flat=True))
    assert len(stored) == len(set(stored))
    assert not [n for n in stored if n.startswith("new-")]


def test_numbers_carry_the_year_of_the_company_s_calendar(
    company, api, book, monkeypatch, settings
):
    """01:30 on 1 January in Shanghai is still 31 December in UTC: a quote made then
    belongs to the new year."""
    settings.TIME_ZONE = "Asia/Shanghai"
    moment = dt.datetime(2026, 12, 31, 17, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    response = api(company.rep).post(tab_url(book.customer, "quotes"), quote_body())
    assert response.status_code == 201, response.content[:300]
    assert response.json()["number"].startswith("Q-2027-"), response.json()["number"]


def test_payments_keep_their_customer(company, api, book):
    """Rows are created on the customer in the URL, whatever the body says."""
    body = {
        "contract": book.rows["contracts"].pk,
        "received_on": "2025-06-01",
        "amount": "1.00",
        "customer": book.other.pk,
    }
    response = api(company.rep).post(tab_url(book.customer, "payments"), body, format="json")
    assert response.status_code == 201
    assert Payment.objects.get(pk=response.json()["id"]).customer_id == book.customer.pk
    assert Payment.objects.filter(customer=book.other).count() == 1


def test_the_new_owner_collects_what_the_old_contract_still_owes(company, api, book):
    """A contract stays with its customer: its next owner takes the payments still owed
    on it (1000.00 contracted, 100.00 paid)."""
    customer, contract = book.customer, book.rows["contracts"]
    assert ownership.assign(company.rep, [customer.pk], [company.deputy]).done == [customer.pk]
    body = {"contract": contract.pk, "received_on": "2025-04-01", "amount": "900.00"}
    paid = api(company.deputy).post(tab_url(customer, "payments"), body, format="json")
    assert paid.status_code == 201, paid.content
    assert Contract.objects.get(pk=contract.pk).outstanding == Decimal("0.00")
    late = api(company.rep).post(tab_url(customer, "payments"), body, format="json")
    assert late.status_code == 404


# ---------------------------------------------------------------- nothing past a column's bounds


def test_a_quote_whose_lines_add_up_past_what_it_can_hold_is_refused(company, api, book):
    """The largest quantity times the largest price is valid line by line, but their total
    does not fit the quote's column: refused with the reason, nothing stored, and the quote
    lists still answer (SQLite kept such a row and every list of quotes broke on it)."""
    client = api(company.rep)
    huge = line(quantity="9999999999.99", unit_price="999999999999.99")
    before = counts()
    body = refused(
        client.post(tab_url(book.customer, "quotes"), quote_body([huge]), format="json"),
        before,
        "lines",
    )
    assert "999999999999.99" in body["detail"], body
    quote = book.rows["quotes"]
    refused(
        client.patch(
            tab_url(book.customer, "quotes", quote.pk), {"lines": [huge, line()]}, format="json"
        ),
        before,
        "lines",
    )
    assert client.get("/api/quotes/").status_code == 200
    assert client.get(tab_url(book.customer, "quotes")).status_code == 200


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [
        ("quotes", "total", "1000000000000.00"),
        ("contracts", "amount", "-1.00"),
        ("payments", "amount", "1000000000000.00"),
        ("quoteline", "discount", "100.01"),
        ("quoteline", "quantity", "0"),
    ],
)
def test_the_database_refuses_money_its_columns_cannot_hold(book, model, field, value):
    """What the services bound is bounded again in the database: by a CHECK where the
    column does not (SQLite keeps any number in a decimal column; PostgreSQL's numeric
    column refuses too many digits itself)."""
    from django.db import DataError, IntegrityError, transaction

    from sales.models import QuoteLine

    rows = {"quoteline": QuoteLine.objects.filter(quote=book.rows["quotes"])}
    rows.update({key: type(row).objects.filter(pk=row.pk) for key, row in book.rows.items()})
    assert rows[model].exists()
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        rows[model].update(**{field: Decimal(value)})


def test_moving_a_payment_to_another_contract_checks_what_that_one_still_owes(company, api, book):
    client = api(company.rep)
    big = new_contract(book.customer, company.rep, amount="100.00")
    small = new_contract(book.customer, company.rep, amount="10.00")
    url = tab_url(book.customer, "payments")
    body = {"contract": big.pk, "received_on": "2025-06-01", "amount": "80.00"}
    payment = client.post(url, body, format="json")
    assert payment.status_code == 201, payment.content
    row = tab_url(book.customer, "payments", payment.json()["id"])
    before = counts()
    answer = refused(client.patch(row, {"contract": small.pk}, format="json"), before, "contract")
    assert "10.00" in answer["detail"], answer
    assert Payment.objects.get(pk=payment.json()["id"]).contract_id == big.pk
    assert Contract.objects.get(pk=small.pk).outstanding == Decimal("10.00")
    # A payment that fits moves.
    fits = client.patch(row, {"contract": small.pk, "amount": "10.00"}, format="json")
    assert fits.status_code == 200, fits.content
    assert Contract.objects.get(pk=big.pk).outstanding == Decimal("100.00")


def test_a_contract_with_receivables_is_not_deleted_with_them(company, api, book):
    """It used to go, and its receivables silently with it."""
    client = api(company.rep)
    contract = book.rows["contracts"]
    assert contract.receivables.exists()
    before = counts()
    body = refused(client.delete(tab_url(book.customer, "contracts", contract.pk)), before)
    assert "receivables" in body["detail"].lower(), body
    assert Contract.objects.filter(pk=contract.pk).exists()
