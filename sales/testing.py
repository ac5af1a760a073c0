"""Examples of the sales records for the generated working-record tests (records.testing),
and helpers of the sales tests.

Quotes and contracts are stored directly as set-up (numbered "Q-SET-…", "C-SET-…"): the
numbering and total rules are tested on their own, through the API and the pages, and a
fault there should fail those tests, not every set-up."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from records.testing import ModuleExample, serial
from settings_app.models import DictionaryItem

from .models import Contract, Expense, Opportunity, Payment, Quote, QuoteLine, Receivable
from .services import expenses, opportunities, payments, receivables


def quote_form(lines, **header):
    """The quote page's form data: its header and `lines` ({field: value} each)."""
    data = {
        "date": "2025-05-01",
        "valid_until": "2025-05-31",
        "status": "draft",
        "opportunity": "",
        "notes": "",
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "1000",
        **header,
    }
    for index, line in enumerate(lines):
        for name, value in line.items():
            data[f"lines-{index}-{name}"] = value
    return data


class OpportunityExample(ModuleExample):
    change = {"name": "changed deal"}

    def make(self, user, customer, tag, made):
        data = {"name": f"{tag} opportunity", "expected_amount": Decimal("500.00")}
        return opportunities.create(user, customer, data)

    def body(self, tag, made):
        return {"name": f"{tag} deal", "expected_amount": "120.00"}, "json"

    def form(self, tag, made):
        return {
            "name": f"{tag} deal",
            "expected_amount": "120.00",
            "probability": "50",
            "status": "open",
        }

    def shown(self, row):
        return row.name

    def planted(self, tag, row):
        return {f"{tag} opportunity"}

    def bulk(self, user, customer, count):
        stage, _ = DictionaryItem.objects.get_or_create(kind="opportunity_stage", name="Lead")
        Opportunity.objects.bulk_create(
            Opportunity(customer=customer, created_by=user, name=f"deal {i}", stage=stage)
            for i in range(count)
        )


class QuoteExample(ModuleExample):
    change = {"notes": "changed notes"}
    counted = {"quote lines": QuoteLine}

    def make(self, user, customer, tag, made):
        quote = Quote.objects.create(
            customer=customer,
            created_by=user,
            number=f"Q-SET-{serial():06d}",
            date=dt.date(2025, 1, 10),
            notes=f"{tag} quote notes",
            total=Decimal("20.00"),
        )
        QuoteLine.objects.create(
            quote=quote, product=f"{tag} product", quantity=Decimal("2"), unit_price=Decimal("10")
        )
        return quote

    def body(self, tag, made):
        line = {"product": f"{tag} widget", "quantity": "1", "unit_price": "9.99"}
        return {"date": "2025-05-01", "lines": [line]}, "json"

    def form(self, tag, made):
        line = {"product": f"{tag} widget", "quantity": "1", "unit_price": "9.99", "discount": ""}
        return quote_form([line], notes=f"{tag} quote notes")

    def shown(self, row):
        return row.number

    def planted(self, tag, row):
        return {f"{tag} product", f"{tag} quote notes", row.number}

    def bulk(self, user, customer, count):
        batch = serial()
        quotes = Quote.objects.bulk_create(
            Quote(
                customer=customer,
                created_by=user,
                number=f"T-{batch}-{i}",
                date=timezone.localdate(),
            )
            for i in range(count)
        )
        QuoteLine.objects.bulk_create(
            QuoteLine(quote=q, product="p", quantity=1, unit_price=1) for q in quotes
        )


class ContractExample(ModuleExample):
    change = {"title": "changed title"}

    def make(self, user, customer, tag, made):
        return Contract.objects.create(
            customer=customer,
            created_by=user,
            number=f"C-SET-{serial():06d}",
            title=f"{tag} contract",
            amount=Decimal("1000.00"),
            status="executing",
            quote=made.get("quotes"),
            opportunity=made.get("opportunities"),
        )

    def body(self, tag, made):
        return {"title": f"{tag} contract", "amount": "50.00"}, "json"

    def form(self, tag, made):
        return {"title": f"{tag} contract", "amount": "250.00", "status": "draft"}

    def shown(self, row):
        return row.title

    def planted(self, tag, row):
        # Its money too: 1000.00 contracted, 900.00 outstanding once the payment is made.
        return {f"{tag} contract", row.number, "1000.00", "1,000.00", "900.00"}

    def bulk(self, user, customer, count):
        batch = serial()
        contracts = Contract.objects.bulk_create(
            Contract(
                customer=customer,
                created_by=user,
                number=f"T-{batch}-{i}",
                title=f"contract {i}",
                amount=Decimal("100"),
                status="executing",
            )
            for i in range(count)
        )
        Payment.objects.bulk_create(
            Payment(
                customer=customer,
                contract=c,
                received_on=timezone.localdate(),
                amount=Decimal("1"),
            )
            for c in contracts
        )


class ContractMoneyExample(ModuleExample):
    """Receivables and payments: an amount against the customer's contract."""

    model = None
    service = None
    day = ""  # the row's date field
    noun = ""  # in its notes
    amount = Decimal("0")
    made_on = dt.date(2025, 1, 1)
    change = {"notes": "changed notes"}

    def make(self, user, customer, tag, made):
        data = {
            "contract": made["contracts"],
            self.day: self.made_on,
            "amount": self.amount,
            "notes": f"{tag} {self.noun}",
        }
        return self.service.create(user, customer, data)

    def body(self, tag, made):
        return {"contract": made["contracts"].pk, self.day: "2025-06-01", "amount": "10.00"}, "json"

    def form(self, tag, made):
        data, _format = self.body(tag, made)
        return {**data, "notes": f"{tag} {self.noun}"}

    def shown(self, row):
        return row.notes

    def planted(self, tag, row):
        return {f"{tag} {self.noun}"}

    def bulk(self, user, customer, count):
        contract = Contract.objects.create(
            customer=customer,
            created_by=user,
            number=f"T-{serial()}",
            title="base",
            amount=Decimal("100000"),
            status="executing",
        )
        self.model.objects.bulk_create(
            self.model(
                customer=customer,
                created_by=user,
                contract=contract,
                amount=Decimal("1"),
                **{self.day: timezone.localdate()},
            )
            for _ in range(count)
        )


class ReceivableExample(ContractMoneyExample):
    model = Receivable
    service = receivables
    day = "due_on"
    noun = "receivable"
    amount = Decimal("300.00")
    made_on = dt.date(2025, 3, 1)

    def planted(self, tag, row):
        return {*super().planted(tag, row), "300.00"}


class PaymentExample(ContractMoneyExample):
    model = Payment
    service = payments
    day = "received_on"
    noun = "payment"
    amount = Decimal("100.00")
    made_on = dt.date(2025, 2, 1)

    def form(self, tag, made):
        return {**super().form(tag, made), "method": "transfer"}


class ExpenseExample(ModuleExample):
    change = {"payee": "changed payee"}

    def travel(self):
        return DictionaryItem.objects.get_or_create(kind="expense_type", name="Travel")[0]

    def make(self, user, customer, tag, made):
        data = {
            "spent_on": dt.date(2025, 4, 2),
            "type": self.travel(),
            "amount": Decimal("88.00"),
            "payee": f"{tag} airline",
            "notes": f"{tag} expense notes",
        }
        return expenses.create(user, customer, data)

    def body(self, tag, made):
        return {"spent_on": "2025-05-01", "amount": "12.50", "payee": f"{tag} taxi"}, "json"

    def form(self, tag, made):
        return {"spent_on": "2025-05-01", "amount": "12.50", "payee": f"{tag} taxi", "notes": ""}

    def shown(self, row):
        return row.payee

    def planted(self, tag, row):
        return {f"{tag} airline", f"{tag} expense notes"}

    def bulk(self, user, customer, count):
        travel = self.travel()
        Expense.objects.bulk_create(
            Expense(
                customer=customer,
                created_by=user,
                spent_on=timezone.localdate(),
                type=travel,
                amount=Decimal("1"),
                payee=f"payee {i}",
            )
            for i in range(count)
        )


EXAMPLES = {
    "opportunities": OpportunityExample(),
    "quotes": QuoteExample(),
    "contracts": ContractExample(),
    "receivables": ReceivableExample(),
    "payments": PaymentExample(),
    "expenses": ExpenseExample(),
}
