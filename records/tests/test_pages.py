"""The working record's pages through Django's test client (SPEC M8, §9, case 4): the
customer's tabs, new/edit/delete forms, module pages, the quote form with its lines, the
quote print page, my schedule, and bounded queries on the lists."""

import datetime as dt
import itertools
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from activities.models import Interaction
from activities.services import interactions
from attachments.models import Attachment
from customers.services import ownership
from customers.testing import ContactFactory, CustomerFactory, ShareFactory
from sales.models import Contract, Opportunity, Payment, Quote, QuoteLine, Receivable
from settings_app.models import DictionaryItem

from . import MODULES, counts, download_bytes, fill, models_by_module, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def alpha(company):
    """rep's customer, shared with deputy, with one row of every module."""
    customer = CustomerFactory(name="Pages Alpha", owner=company.rep)
    ShareFactory(customer=customer, user=company.deputy, shared_by=company.rep)
    customer.rows = fill(company.rep, customer, "zqpage")
    return customer


def shown_text(key, row):
    """What identifies `row` in a table of its module."""
    return {
        "interactions": lambda: row.subject,
        "opportunities": lambda: row.name,
        "quotes": lambda: row.number,
        "contracts": lambda: row.title,
        "receivables": lambda: row.notes,
        "payments": lambda: row.notes,
        "attachments": lambda: row.original_name,
    }[key]()


def tab(customer, key, **params):
    query = "".join(f"&{k}={v}" for k, v in params.items())
    return f"/customers/{customer.pk}/?tab={key}{query}"


def text(response):
    return response.content.decode()


# ---------------------------------------------------------------- the owner


@pytest.mark.parametrize("key", MODULES)
def test_owner_opens_the_tab_the_forms_and_the_module_page(company, browser, alpha, key):
    client = browser(company.rep)
    row = alpha.rows[key]
    page = client.get(tab(alpha, key))
    assert page.status_code == 200
    body = text(page)
    assert f'data-testid="records-{key}"' in body
    assert f'data-testid="new-{key}"' in body
    assert shown_text(key, row) in body
    assert f"/customers/{alpha.pk}/{key}/{row.pk}/delete/" in body

    form = client.get(f"/customers/{alpha.pk}/{key}/new/")
    assert form.status_code == 200 and 'data-testid="record-form"' in text(form)
    if key != "attachments":  # attachments are replaced, not edited
        edit = client.get(f"/customers/{alpha.pk}/{key}/{row.pk}/edit/")
        assert edit.status_code == 200 and 'data-testid="record-form"' in text(edit)

    listing = client.get(f"/records/{key}/")
    assert listing.status_code == 200
    assert shown_text(key, row) in text(listing) and alpha.name in text(listing)


def test_an_unknown_module_is_404(company, browser, alpha):
    client = browser(company.rep)
    assert client.get("/records/widgets/").status_code == 404
    assert client.get(f"/customers/{alpha.pk}/widgets/new/").status_code == 404


def test_owner_adds_changes_and_deletes_through_the_pages(company, browser, alpha):
    client = browser(company.rep)
    created = client.post(
        f"/customers/{alpha.pk}/contracts/new/",
        {"title": "Page contract", "amount": "250.00", "status": "draft"},
    )
    assert created.status_code == 302
    assert created["Location"] == f"/customers/{alpha.pk}/?tab=contracts"
    contract = Contract.objects.get(title="Page contract")
    assert (contract.customer_id, contract.created_by_id) == (alpha.pk, company.rep.pk)
    assert re.fullmatch(r"C-\d{4}-\d{6}", contract.number)

    changed = client.post(
        f"/customers/{alpha.pk}/contracts/{contract.pk}/edit/",
        {"title": "Page contract v2", "amount": "260.00", "status": "executing"},
    )
    assert changed.status_code == 302
    contract.refresh_from_db()
    assert (contract.title, contract.amount, contract.status) == (
        "Page contract v2",
        Decimal("260.00"),
        "executing",
    )

    bad = client.post(
        f"/customers/{alpha.pk}/contracts/new/",
        {
            "title": "Backwards",
            "amount": "1.00",
            "status": "draft",
            "starts_on": "2025-03-01",
            "ends_on": "2025-01-01",
        },
    )
    assert bad.status_code == 400
    assert "cannot end before it starts" in text(bad)
    assert not Contract.objects.filter(title="Backwards").exists()

    deleted = client.post(f"/customers/{alpha.pk}/contracts/{contract.pk}/delete/")
    assert deleted.status_code == 302
    assert not Contract.objects.filter(pk=contract.pk).exists()


def test_deleting_a_contract_with_payments_from_its_tab_is_refused_with_a_message(
    company, browser, alpha
):
    """Payments point at their contract (PROTECT): the page must say why it cannot be
    deleted (a message after the redirect, or a 400/409 page), not fail with a 500."""
    client = browser(company.rep)
    client.raise_request_exception = False
    contract = alpha.rows["contracts"]
    before = counts()
    response = client.post(f"/customers/{alpha.pk}/contracts/{contract.pk}/delete/")
    assert response.status_code in (302, 400, 409), response.status_code
    assert counts() == before
    if response.status_code == 302:
        page = text(client.get(response["Location"]))
        assert "payment" in page.lower() and contract.title in page


def test_an_upload_through_the_page_is_stored_and_downloads(company, browser, alpha):
    client = browser(company.rep)
    response = client.post(
        f"/customers/{alpha.pk}/attachments/new/", {"file": upload("minutes.txt", b"agenda")}
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get(original_name="minutes.txt")
    download = client.get(f"/attachments/{attachment.pk}/download/")
    assert download.status_code == 200 and download_bytes(download) == b"agenda"

    refused = client.post(
        f"/customers/{alpha.pk}/attachments/new/", {"file": upload("virus.EXE", b"MZ")}
    )
    assert refused.status_code == 400 and ".exe" in text(refused)
    assert not Attachment.objects.filter(original_name="virus.EXE").exists()


# ---------------------------------------------------------------- the contracts tab filter


def test_the_contracts_tab_filters_by_status(company, browser, alpha):
    for status in ("draft", "executing", "completed", "terminated"):
        Contract.objects.create(
            customer=alpha,
            created_by=company.rep,
            number=f"C-TAB-{status}",
            title=f"zq {status} deal",
            amount=Decimal("10.00"),
            status=status,
        )
    client = browser(company.rep)
    everything = text(client.get(tab(alpha, "contracts")))
    for status in ("draft", "executing", "completed", "terminated"):
        assert f"zq {status} deal" in everything

    executing = client.get(tab(alpha, "contracts", status="executing"))
    assert executing.status_code == 200
    body = text(executing)
    assert "zq executing deal" in body and "zqpage contract" in body  # both executing
    for status in ("draft", "completed", "terminated"):
        assert f"zq {status} deal" not in body
    assert re.search(r'<option value="executing"\s+selected', body)

    drafts = text(client.get(tab(alpha, "contracts", status="draft")))
    assert "zq draft deal" in drafts and "zq executing deal" not in drafts

    unknown = text(client.get(tab(alpha, "contracts", status="bogus")))
    assert "zq draft deal" in unknown and "zq executing deal" in unknown


# ---------------------------------------------------------------- sharees and supervisors


def test_a_sharee_may_add_only_interactions(company, browser, alpha):
    client = browser(company.deputy)
    for key in MODULES:
        page = client.get(tab(alpha, key))
        assert page.status_code == 200, key
        body = text(page)
        assert shown_text(key, alpha.rows[key]) in body, key
        assert (f'data-testid="new-{key}"' in body) is (key == "interactions"), key
        if key != "interactions":  # no edit or delete buttons on the owner's rows
            assert f"/{key}/{alpha.rows[key].pk}/delete/" not in body, key
            assert f"/{key}/{alpha.rows[key].pk}/edit/" not in body, key
        new_form = client.get(f"/customers/{alpha.pk}/{key}/new/")
        assert new_form.status_code == (200 if key == "interactions" else 403), key


def test_a_supervisor_reads_the_tabs_without_new_buttons(company, browser, alpha):
    client = browser(company.manager)
    for key in MODULES:
        page = client.get(tab(alpha, key))
        assert page.status_code == 200, key
        assert shown_text(key, alpha.rows[key]) in text(page), key
        assert f'data-testid="new-{key}"' not in text(page), key
        assert client.get(f"/customers/{alpha.pk}/{key}/new/").status_code == 403, key


def test_a_sharee_records_an_interaction_through_the_page(company, browser, alpha):
    client = browser(company.deputy)
    response = client.post(
        f"/customers/{alpha.pk}/interactions/new/",
        {"happened_at": "2025-06-01T10:00", "subject": "Deputy visit", "content": "went well"},
    )
    assert response.status_code == 302
    note = Interaction.objects.get(subject="Deputy visit")
    assert (note.customer_id, note.created_by_id) == (alpha.pk, company.deputy.pk)
    page = text(client.get(tab(alpha, "interactions")))
    assert f"/interactions/{note.pk}/edit/" in page  # their own row is theirs to change


def test_a_sharee_is_offered_edit_and_delete_only_on_interactions_they_wrote(
    company, browser, alpha
):
    """The owner's interaction answers 403 to the sharee's edit and delete, so the tab
    should not offer those buttons on it (records/tab.html)."""
    own = interactions.create(
        company.deputy, alpha, {"happened_at": timezone.now(), "subject": "zq by deputy"}
    )
    owners = alpha.rows["interactions"]
    client = browser(company.deputy)
    body = text(client.get(tab(alpha, "interactions")))
    assert f"/interactions/{own.pk}/edit/" in body
    assert f"/interactions/{own.pk}/delete/" in body
    assert client.get(f"/customers/{alpha.pk}/interactions/{owners.pk}/edit/").status_code == 403
    assert f"/interactions/{owners.pk}/edit/" not in body
    assert f"/interactions/{owners.pk}/delete/" not in body


def test_the_owner_is_offered_edit_and_delete_on_rows_others_wrote(company, browser, alpha):
    """The owner may change every row of the record, also those a sharee or a former
    owner wrote, and the tab offers what the service allows (records.access)."""
    by_sharee = interactions.create(
        company.deputy, alpha, {"happened_at": timezone.now(), "subject": "zq by deputy"}
    )
    ownership.assign(company.rep, [alpha.pk], [company.junior])
    client = browser(company.junior)
    for key in MODULES:
        row = alpha.rows[key]
        body = text(client.get(tab(alpha, key)))
        assert f"/{key}/{row.pk}/delete/" in body, key
        assert (f"/{key}/{row.pk}/edit/" in body) is (key != "attachments"), key
    body = text(client.get(tab(alpha, "interactions")))
    assert f"/interactions/{by_sharee.pk}/edit/" in body
    assert f"/interactions/{by_sharee.pk}/delete/" in body
    changed = client.post(
        f"/customers/{alpha.pk}/interactions/{by_sharee.pk}/edit/",
        {"happened_at": "2025-06-01T10:00", "subject": "zq by junior"},
    )
    assert changed.status_code == 302
    assert Interaction.objects.get(pk=by_sharee.pk).subject == "zq by junior"


@pytest.mark.parametrize("persona", ["deputy", "manager"])
def test_forged_posts_of_readers_are_403_and_store_nothing(company, browser, alpha, persona):
    client = browser(getattr(company, persona))
    contract = alpha.rows["contracts"]
    before = counts()
    forged = client.post(
        f"/customers/{alpha.pk}/contracts/new/",
        {"title": "Forged", "amount": "1.00", "status": "draft"},
    )
    assert forged.status_code == 403
    assert 'data-testid="refusal"' in text(forged)
    edit = client.post(
        f"/customers/{alpha.pk}/contracts/{contract.pk}/edit/",
        {"title": "Forged edit", "amount": "1.00", "status": "draft"},
    )
    assert edit.status_code == 403
    for key in MODULES:
        row = alpha.rows[key]
        response = client.post(f"/customers/{alpha.pk}/{key}/{row.pk}/delete/")
        assert response.status_code == 403, key
    assert counts() == before
    assert not Contract.objects.filter(title__startswith="Forged").exists()
    assert Contract.objects.get(pk=contract.pk).title == contract.title


# ---------------------------------------------------------------- outsiders


@pytest.mark.parametrize("persona", ["peer", "marketer"])
def test_outsiders_get_404_on_every_page_of_the_record(company, browser, alpha, persona):
    client = browser(getattr(company, persona))
    before = counts()
    for key in MODULES:
        row = alpha.rows[key]
        where = (persona, key)
        assert client.get(tab(alpha, key)).status_code == 404, where
        assert client.get(f"/customers/{alpha.pk}/{key}/new/").status_code == 404, where
        assert client.post(f"/customers/{alpha.pk}/{key}/new/", {}).status_code == 404, where
        edit = f"/customers/{alpha.pk}/{key}/{row.pk}/edit/"
        assert client.get(edit).status_code == 404, where
        assert client.post(edit, {}).status_code == 404, where
        delete = f"/customers/{alpha.pk}/{key}/{row.pk}/delete/"
        assert client.post(delete).status_code == 404, where
        listing = client.get(f"/records/{key}/")
        assert listing.status_code == 200
        assert shown_text(key, row) not in text(listing), where
    quote = alpha.rows["quotes"]
    assert client.get(f"/customers/{alpha.pk}/quotes/{quote.pk}/print/").status_code == 404
    download = client.get(f"/attachments/{alpha.rows['attachments'].pk}/download/")
    assert download.status_code == 404
    assert client.get(f"/customers/{alpha.pk}/contracts/new/").status_code == 404
    assert counts() == before


def test_pages_of_the_record_need_a_login(client, alpha):
    for url in [
        tab(alpha, "contracts"),
        f"/customers/{alpha.pk}/contracts/new/",
        "/records/contracts/",
        "/schedule/",
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url


# ---------------------------------------------------------------- quotes


def quote_form(lines, **header):
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
        for field, value in line.items():
            data[f"lines-{index}-{field}"] = value
    return data


def test_the_quote_form_saves_its_lines_and_total(company, browser, alpha):
    client = browser(company.rep)
    form = client.get(f"/customers/{alpha.pk}/quotes/new/")
    assert 'name="lines-TOTAL_FORMS"' in text(form) and 'name="lines-0-product"' in text(form)
    lines = [
        {"product": "Cable", "quantity": "3", "unit_price": "19.99", "discount": "15"},
        {"product": "Clip", "quantity": "1", "unit_price": "0.10", "discount": ""},
    ]
    response = client.post(f"/customers/{alpha.pk}/quotes/new/", quote_form(lines, notes="zq q"))
    assert response.status_code == 302, text(response)[:2000]
    quote = Quote.objects.get(notes="zq q")
    assert quote.total == Decimal("51.07")
    saved = [(x.product, x.quantity, x.unit_price, x.discount) for x in quote.lines.all()]
    assert saved == [
        ("Cable", Decimal("3"), Decimal("19.99"), Decimal("15")),
        ("Clip", Decimal("1"), Decimal("0.10"), Decimal("0")),
    ]
    assert re.fullmatch(r"Q-\d{4}-\d{6}", quote.number)

    printed = client.get(f"/customers/{alpha.pk}/quotes/{quote.pk}/print/")
    assert printed.status_code == 200
    body = text(printed)
    assert re.search(r'data-testid="quote-total">\s*51\.07\s*<', body), body
    assert quote.number in body and "Cable" in body and "50.97" in body

    # Editing: one line replaced, one removed; the total follows.
    edit = quote_form(
        [
            {"product": "Cable", "quantity": "1", "unit_price": "19.99", "discount": "0"},
        ]
    )
    changed = client.post(f"/customers/{alpha.pk}/quotes/{quote.pk}/edit/", edit)
    assert changed.status_code == 302, text(changed)[:2000]
    quote.refresh_from_db()
    assert quote.total == Decimal("19.99")
    assert quote.lines.count() == 1


@pytest.mark.parametrize(
    "lines",
    [
        [],
        [{"product": "Cable", "quantity": "0", "unit_price": "1.00", "discount": ""}],
        [{"product": "Cable", "quantity": "1", "unit_price": "1.00", "discount": "150"}],
        [{"product": "Cable", "quantity": "1", "unit_price": "-1.00", "discount": ""}],
    ],
    ids=["no lines", "quantity 0", "discount 150", "negative price"],
)
def test_a_bad_quote_form_is_shown_again_and_stores_nothing(company, browser, alpha, lines):
    client = browser(company.rep)
    before = counts()
    response = client.post(f"/customers/{alpha.pk}/quotes/new/", quote_form(lines, notes="bad"))
    assert response.status_code == 400
    assert 'data-testid="record-form"' in text(response)
    assert counts() == before


def test_a_quote_dated_after_it_expires_is_refused_on_the_form(company, browser, alpha):
    client = browser(company.rep)
    before = counts()
    lines = [{"product": "Cable", "quantity": "1", "unit_price": "1.00", "discount": ""}]
    data = quote_form(lines, date="2025-05-01", valid_until="2025-04-01")
    response = client.post(f"/customers/{alpha.pk}/quotes/new/", data)
    assert response.status_code == 400
    assert "cannot expire before its date" in text(response)
    assert counts() == before


# ---------------------------------------------------------------- my schedule


def follow_up(user, customer, subject, days):
    today = timezone.localdate()
    return interactions.create(
        user,
        customer,
        {
            "happened_at": timezone.now() - dt.timedelta(days=1),
            "subject": subject,
            "next_follow_up": today + dt.timedelta(days=days) if days is not None else None,
        },
    )


@pytest.fixture
def schedule(company):
    mine = CustomerFactory(name="Schedule Mine", owner=company.rep)
    theirs = CustomerFactory(name="Schedule Theirs", owner=company.peer)
    follow_up(company.rep, mine, "zq due today", 0)
    follow_up(company.rep, mine, "zq due soon", 3)
    follow_up(company.rep, mine, "zq was due", -1)
    follow_up(company.rep, mine, "zq no follow-up", None)
    follow_up(company.peer, theirs, "zq peer call", 1)
    return mine


def test_my_schedule_lists_my_upcoming_follow_ups_only(company, browser, schedule):
    page = browser(company.rep).get("/schedule/")
    assert page.status_code == 200
    body = text(page)
    assert "zq due today" in body and "zq due soon" in body
    assert body.index("zq due today") < body.index("zq due soon")  # soonest first
    for absent in ("zq was due", "zq no follow-up", "zq peer call"):
        assert absent not in body, absent

    peer = text(browser(company.peer).get("/schedule/"))
    assert "zq peer call" in peer and "zq due today" not in peer


def test_a_sharee_schedule_holds_their_follow_ups_on_the_shared_customer(
    company, browser, schedule
):
    ShareFactory(customer=schedule, user=company.deputy, shared_by=company.rep)
    follow_up(company.deputy, schedule, "zq deputy calls back", 2)
    body = text(browser(company.deputy).get("/schedule/"))
    assert "zq deputy calls back" in body
    assert "zq was due" not in body and "zq peer call" not in body


def test_a_supervisor_schedule_is_not_filled_with_subordinates_follow_ups(
    company, browser, schedule
):
    """activities.views.ScheduleView: follow-ups "on customers I own or that are shared with
    me". The manager neither owns rep's customer nor has it shared."""
    body = text(browser(company.manager).get("/schedule/"))
    assert "zq due today" not in body and "zq due soon" not in body


# ---------------------------------------------------------------- bounded queries


_batches = itertools.count(1)


def add_rows(key, customer, user, count):
    """`count` more rows of `key` on `customer`, with the relations their tables show."""
    today = timezone.localdate()
    serial = f"{customer.pk}-{next(_batches)}"  # numbers stay unique and short
    if key == "interactions":
        kind, _ = DictionaryItem.objects.get_or_create(kind="interaction", name="Visit")
        contact = ContactFactory(customer=customer)
        Interaction.objects.bulk_create(
            Interaction(
                customer=customer,
                created_by=user,
                happened_at=timezone.now(),
                kind=kind,
                contact=contact,
                subject=f"visit {i}",
                next_follow_up=today,
            )
            for i in range(count)
        )
    elif key == "opportunities":
        stage, _ = DictionaryItem.objects.get_or_create(kind="opportunity_stage", name="Lead")
        Opportunity.objects.bulk_create(
            Opportunity(customer=customer, created_by=user, name=f"deal {i}", stage=stage)
            for i in range(count)
        )
    elif key == "quotes":
        quotes = Quote.objects.bulk_create(
            Quote(customer=customer, created_by=user, number=f"T-{serial}-{i}", date=today)
            for i in range(count)
        )
        QuoteLine.objects.bulk_create(
            QuoteLine(quote=q, product="p", quantity=1, unit_price=1) for q in quotes
        )
    elif key == "contracts":
        contracts = Contract.objects.bulk_create(
            Contract(
                customer=customer,
                created_by=user,
                number=f"T-{serial}-{i}",
                title=f"contract {i}",
                amount=Decimal("100"),
                status="executing",
            )
            for i in range(count)
        )
        Payment.objects.bulk_create(
            Payment(customer=customer, contract=c, received_on=today, amount=Decimal("1"))
            for c in contracts
        )
    elif key in ("receivables", "payments"):
        contract = Contract.objects.create(
            customer=customer,
            created_by=user,
            number=f"T-{serial}",
            title="base",
            amount=Decimal("100000"),
            status="executing",
        )
        model, day = (Receivable, "due_on") if key == "receivables" else (Payment, "received_on")
        model.objects.bulk_create(
            model(
                customer=customer,
                created_by=user,
                contract=contract,
                amount=Decimal("1"),
                **{day: today},
            )
            for _ in range(count)
        )
    elif key == "attachments":
        Attachment.objects.bulk_create(
            Attachment(
                customer=customer,
                created_by=user,
                file=f"attachments/t/{serial}-{i}.txt",
                original_name=f"file {i}.txt",
                size=1,
            )
            for i in range(count)
        )


@pytest.mark.parametrize("key", MODULES)
def test_list_pages_make_a_bounded_number_of_queries(
    company, browser, key, django_assert_max_num_queries
):
    customer = CustomerFactory(name="Busy Customer", owner=company.rep)
    client = browser(company.rep)
    urls = [f"/records/{key}/?page_size=50", tab(customer, key)]
    if key == "interactions":
        urls.append("/schedule/?page_size=50")
    add_rows(key, customer, company.rep, 5)
    for url in urls:  # warm up: settings row, sessions …
        assert client.get(url).status_code == 200

    few = {}
    for url in urls:
        with django_assert_max_num_queries(30) as captured:
            assert client.get(url).status_code == 200
        few[url] = len(captured.captured_queries)

    add_rows(key, customer, company.rep, 25)
    model = models_by_module()[key]
    assert model.objects.filter(customer=customer).count() == 30
    for url in urls:
        with django_assert_max_num_queries(few[url]) as captured:
            page = client.get(url)
        assert page.status_code == 200
        assert len(captured.captured_queries) == few[url], url
        body = text(page)
        if url.startswith("/records/") or url.startswith("/schedule/"):
            rows = body.count(f'href="/customers/{customer.pk}/?tab={key}"')
        else:
            rows = len(re.findall(rf"/customers/{customer.pk}/{key}/\d+/delete/", body))
        assert rows == 30, (url, rows)
