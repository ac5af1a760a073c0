"""Shared set-up of the working-record tests (SPEC §9, M8, case 4).

`fill` writes one row of every module on a customer through the services, as its owner
would; the tests then read and write them through the API and the pages."""

import datetime as dt
import itertools
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

MODULES = (
    "interactions",
    "opportunities",
    "quotes",
    "contracts",
    "receivables",
    "payments",
    "attachments",
)


def upload(name="notes.txt", content=b"hello", content_type="text/plain"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def models_by_module():
    from activities.models import Interaction
    from attachments.models import Attachment
    from sales.models import Contract, Opportunity, Payment, Quote, Receivable

    return {
        "interactions": Interaction,
        "opportunities": Opportunity,
        "quotes": Quote,
        "contracts": Contract,
        "receivables": Receivable,
        "payments": Payment,
        "attachments": Attachment,
    }


def counts():
    """How many rows each module (and quote lines) holds, to compare before and after."""
    from sales.models import QuoteLine

    found = {key: model.objects.count() for key, model in models_by_module().items()}
    found["quote lines"] = QuoteLine.objects.count()
    return found


_serial = itertools.count(1)


def fill(user, customer, tag):
    """One row of every module on `customer`, written by `user`; `tag` makes each text
    unique, so a test can look for it anywhere. Returns {module: row}.

    Quotes and contracts are stored directly (numbered "Q-SET-…", "C-SET-…"), as test
    set-up: the numbering and total rules are tested on their own, through the API and the
    pages, and a fault there should fail those tests, not every set-up."""
    from activities.services import interactions
    from attachments.services import attachments
    from sales.models import Contract, Quote, QuoteLine
    from sales.services import opportunities, payments, receivables

    opportunity = opportunities.create(
        user, customer, {"name": f"{tag} opportunity", "expected_amount": Decimal("500.00")}
    )
    quote = Quote.objects.create(
        customer=customer,
        created_by=user,
        number=f"Q-SET-{next(_serial):06d}",
        date=dt.date(2025, 1, 10),
        notes=f"{tag} quote notes",
        total=Decimal("20.00"),
    )
    QuoteLine.objects.create(
        quote=quote, product=f"{tag} product", quantity=Decimal("2"), unit_price=Decimal("10")
    )
    contract = Contract.objects.create(
        customer=customer,
        created_by=user,
        number=f"C-SET-{next(_serial):06d}",
        title=f"{tag} contract",
        amount=Decimal("1000.00"),
        status="executing",
        quote=quote,
        opportunity=opportunity,
    )
    receivable = receivables.create(
        user,
        customer,
        {
            "contract": contract,
            "due_on": dt.date(2025, 3, 1),
            "amount": Decimal("300.00"),
            "notes": f"{tag} receivable",
        },
    )
    payment = payments.create(
        user,
        customer,
        {
            "contract": contract,
            "received_on": dt.date(2025, 2, 1),
            "amount": Decimal("100.00"),
            "notes": f"{tag} payment",
        },
    )
    interaction = interactions.create(
        user,
        customer,
        {
            "happened_at": timezone.now() - dt.timedelta(days=1),
            "subject": f"{tag} subject",
            "content": f"{tag} content",
        },
    )
    attachment = attachments.create(
        user, customer, {"file": upload(f"{tag}-file.txt", f"bytes of {tag}".encode())}
    )
    return {
        "interactions": interaction,
        "opportunities": opportunity,
        "quotes": quote,
        "contracts": contract,
        "receivables": receivable,
        "payments": payment,
        "attachments": attachment,
    }


def new_row(key, contract, tag="new"):
    """A valid body to create a row of `key` (attachments are uploaded, see `create`);
    receivables and payments go against `contract`."""
    if key in ("receivables", "payments"):
        day = "due_on" if key == "receivables" else "received_on"
        return {"contract": contract.pk, day: "2025-06-01", "amount": "10.00"}
    return {
        "interactions": {"happened_at": "2025-05-01T09:30:00+08:00", "subject": f"{tag} call"},
        "opportunities": {"name": f"{tag} deal", "expected_amount": "120.00"},
        "quotes": {
            "date": "2025-05-01",
            "lines": [{"product": f"{tag} widget", "quantity": "1", "unit_price": "9.99"}],
        },
        "contracts": {"title": f"{tag} contract", "amount": "50.00"},
    }[key]


# A valid change of each module's row; attachments cannot be changed, only replaced.
CHANGE = {
    "interactions": {"subject": "changed subject"},
    "opportunities": {"name": "changed deal"},
    "quotes": {"notes": "changed notes"},
    "contracts": {"title": "changed title"},
    "receivables": {"notes": "changed notes"},
    "payments": {"notes": "changed notes"},
    "attachments": {},
}


def tab_url(customer, key, pk=None):
    base = f"/api/customers/{customer.pk}/{key}/"
    return f"{base}{pk}/" if pk is not None else base


def create(client, customer, key, contract, tag="new"):
    """POST a new row of `key` to the customer's tab through the API."""
    if key == "attachments":
        return client.post(
            tab_url(customer, key),
            {"file": upload(f"{tag}.txt", b"new bytes")},
            format="multipart",
        )
    return client.post(tab_url(customer, key), new_row(key, contract, tag), format="json")


def ids(response):
    assert response.status_code == 200, (response.status_code, response.content[:300])
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    return {row["id"] for row in rows}


def download_bytes(response):
    """The whole body of a streamed download. Reading it to the end closes the file; the
    test client's wrapper does that without closing the test's database connection."""
    return b"".join(response.streaming_content)
