"""Every write traced in the same transaction as the change, every refusal and sign-in
traced when answered (issue: 0 audit rows for money edits, refusals, roles, settings,
logins): who, what, which object, before/after, reason, request id and address."""

import pytest

from audit.models import Action, AuditEntry
from customers.services import ownership
from customers.testing import CustomerFactory, ShareFactory
from org.services import set_pool_manager
from records.testing import tab_url
from settings_app.models import DictionaryItem

pytestmark = pytest.mark.django_db


def newest(**where):
    return AuditEntry.objects.filter(**where).order_by("-id").first()


def test_a_money_record_is_traced_when_made_changed_and_deleted(company, api, book):
    client = api(company.rep)
    contract = book.rows["contracts"]
    url = tab_url(book.customer, "payments")
    body = {"contract": contract.pk, "received_on": "2025-06-01", "amount": "10.00"}
    made = client.post(url, body, format="json")
    assert made.status_code == 201, made.content
    pk = str(made.json()["id"])
    row = newest(object_type="sales.payment", object_id=pk)
    assert row.action == Action.CREATE and row.actor == company.rep
    assert row.customer_id == book.customer.pk and row.changes["amount"] == [None, "10.00"]
    assert row.request_id and row.ip == "127.0.0.1"

    assert (
        client.patch(tab_url(book.customer, "payments", pk), {"amount": "7.50"}).status_code == 200
    )
    row = newest(object_type="sales.payment", object_id=pk)
    assert row.action == Action.UPDATE and row.changes == {"amount": ["10.00", "7.50"]}

    assert client.delete(tab_url(book.customer, "payments", pk)).status_code == 204
    row = newest(object_type="sales.payment", object_id=pk)
    assert row.action == Action.DELETE and row.changes["amount"] == ["7.50", None]


def test_a_refused_change_leaves_a_refusal_and_no_change(company, api):
    customer = CustomerFactory(name="Guarded", owner=company.rep)
    ShareFactory(customer=customer, user=company.deputy, shared_by=company.rep)
    refused = api(company.deputy).patch(f"/api/customers/{customer.pk}/", {"notes": "mine now"})
    assert refused.status_code == 403
    row = newest(action=Action.REFUSED)
    assert row.actor == company.deputy and row.changes == {"status": 403}
    assert f"PATCH /api/customers/{customer.pk}/" == row.object_label and row.reason
    assert not AuditEntry.objects.filter(action=Action.UPDATE, customer=customer).exists()

    answer = api(company.peer).post(
        "/api/customers/reclaim/", {"ids": [customer.pk]}, format="json"
    )
    assert answer.json()["refused"]
    row = newest(action=Action.REFUSED, customer=customer)
    assert row.actor == company.peer and row.changes == {"action": "reclaim"}


def test_ownership_actions_are_traced_with_the_event(company, api):
    customer = ownership.create(company.marketer, {"name": "Traced Lead"}, claim=False)
    api(company.rep).post("/api/customers/claim/", {"ids": [customer.pk]}, format="json")
    row = newest(action=Action.OWNERSHIP, customer=customer)
    assert row.actor == company.rep
    assert row.changes == {
        "event": "claim",
        "customers": [customer.pk],
        "to_user": company.rep.pk,
        "to_department": None,
    }
    others = [ownership.create(company.marketer, {"name": f"Lead {i}"}).pk for i in range(3)]
    spread = api(company.marketer).post(
        "/api/customers/assign/", {"ids": others, "to": [company.rep.pk]}, format="json"
    )
    assert spread.json()["done"] == others
    row = newest(action=Action.OWNERSHIP)  # one row for the batch, naming each customer
    assert row.changes["customers"] == others and row.customer_id is None


def test_sign_ins_and_failed_sign_ins_on_every_way_in(company, client, api):
    company.rep.set_password("right-one")
    company.rep.save()
    client.post("/login/", {"username": "rep", "password": "wrong"})
    assert newest(action=Action.LOGIN_FAILED).username == "rep"
    client.post("/login/", {"username": "rep", "password": "right-one"})
    assert newest(action=Action.LOGIN).actor == company.rep
    anonymous = api(None)
    anonymous.post("/api/auth/token/", {"username": "nobody", "password": "x"}, format="json")
    assert newest(action=Action.LOGIN_FAILED).username == "nobody"
    anonymous.post("/api/auth/token/", {"username": "rep", "password": "right-one"}, format="json")
    row = newest(action=Action.LOGIN)
    assert row.actor == company.rep and row.reason == "API token"


def test_settings_dictionary_and_roles_are_traced(company, api):
    admin = api(company.admin)
    changed = admin.patch("/api/settings/", {"force_hierarchical_sharing": False}, format="json")
    assert changed.status_code == 200, changed.content
    row = newest(object_type="settings_app.systemsettings")
    assert row.actor == company.admin and row.changes == {
        "force_hierarchical_sharing": [True, False]
    }

    item = DictionaryItem.objects.create(kind="category", name="VIP")
    item.name = "重点客户"
    item.save()
    row = newest(object_type="settings_app.dictionaryitem", object_id=str(item.pk))
    assert row.action == Action.UPDATE and row.changes == {"name": ["VIP", "重点客户"]}

    set_pool_manager(company.deputy, True)
    row = newest(object_type="org.user", object_id=str(company.deputy.pk))
    assert row.changes["roles"][1]


def test_every_response_names_its_request(company, api):
    response = api(company.rep).get("/api/me/")
    assert len(response["X-Request-ID"]) == 32


def test_the_customers_history_shows_what_was_done_to_its_records(company, api, browser, book):
    client = api(company.rep)
    interaction = book.rows["interactions"]
    url = tab_url(book.customer, "interactions", interaction.pk)
    assert client.patch(url, {"subject": "Second visit"}, format="json").status_code == 200
    entries = client.get(f"/api/customers/{book.customer.pk}/history/").json()["results"]
    edit = next(e for e in entries if e["kind"] == "record" and e["action"] == "edit")
    assert edit["actor"] == "Rep Li" and edit["object"].startswith("Interaction: ")
    assert {"field": "subject", "old": interaction.subject, "new": "Second visit"} in edit[
        "changes"
    ]
    page = browser(company.rep).get(f"/customers/{book.customer.pk}/", {"tab": "history"})
    assert 'data-testid="history-object"' in page.content.decode()
    assert "Second visit" in page.content.decode()
    found = client.get(
        f"/api/customers/{book.customer.pk}/history/", {"search": "second visit"}
    ).json()
    assert found["count"] == 1


def test_administrators_read_filter_and_export_the_trail(company, api, client):
    customer = ownership.create(company.marketer, {"name": "Audited"}, claim=False)
    api(company.rep).post("/api/customers/claim/", {"ids": [customer.pk]}, format="json")
    admin = api(company.admin)
    listed = admin.get("/api/audit/", {"action": "ownership", "actor": company.rep.pk})
    assert listed.status_code == 200, listed.content
    rows = listed.json()["results"]
    assert rows and all(r["actor"]["id"] == company.rep.pk for r in rows)
    assert admin.get("/api/audit/", {"customer": customer.pk}).json()["count"] >= 2
    assert admin.get("/api/audit/", {"search": "Audited"}).json()["count"] >= 1
    assert admin.get("/api/audit/", {"at_after": "not a date"}).status_code == 400
    for person in (company.rep, company.marketer, company.manager):
        assert api(person).get("/api/audit/").status_code == 403

    client.force_login(company.admin)
    page = client.get("/admin/audit/auditentry/", {"action__exact": "ownership"})
    assert page.status_code == 200 and b"Audited" in page.content
    ids = list(AuditEntry.objects.filter(customer=customer).values_list("pk", flat=True))
    exported = client.post(
        "/admin/audit/auditentry/", {"action": "export_csv", "_selected_action": ids}
    )
    assert exported["Content-Type"].startswith("text/csv")
    text = exported.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("at,actor,action") and "Audited" in text
    assert client.get(f"/admin/audit/auditentry/{ids[0]}/delete/").status_code == 403


def test_an_edit_on_a_page_is_traced_with_what_it_was_before(company, browser, book):
    """The page's form writes the new values on the object before the service sees it;
    the trail's 'before' comes from the database."""
    from records.testing import example

    interaction = book.rows["interactions"]
    old_subject = interaction.subject
    page = browser(company.rep).post(
        f"/customers/{book.customer.pk}/interactions/{interaction.pk}/edit/",
        example("interactions").form("edited", book.rows),
    )
    assert page.status_code == 302
    row = newest(object_type="activities.interaction", object_id=str(interaction.pk))
    assert row.action == Action.UPDATE and row.changes["subject"][0] == old_subject
    customer_page = browser(company.rep).post(
        f"/customers/{book.customer.pk}/edit/", {"name": book.customer.name, "notes": "new"}
    )
    assert customer_page.status_code == 302
    row = newest(object_type="customers.customer", action=Action.UPDATE)
    assert row.changes["notes"] == [book.customer.notes or None, "new"]


def test_a_log_line_names_the_request_the_person_and_the_address(company, api, caplog):
    import logging

    from audit.context import RequestLogFilter

    customer = CustomerFactory(name="Not Yours", owner=company.peer)
    caplog.handler.addFilter(RequestLogFilter())
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = api(company.rep).get(f"/api/customers/{customer.pk}/")
    assert response.status_code == 404
    (line,) = [r for r in caplog.records if r.name == "django.request"]
    assert line.user == "rep" and line.ip == "127.0.0.1"
    assert line.request_id == response["X-Request-ID"]


def test_nothing_written_after_a_request_is_taken_for_its_person(company, api, book):
    """A row written outside any request names no one (a stale request once lent its
    person to the next test's writes, whose person no longer existed)."""
    from audit import trail
    from records.testing import tab_url

    attachment = book.rows["attachments"]
    url = f"{tab_url(book.customer, 'attachments', attachment.pk)}"
    api(company.rep).get(url)
    row = trail.record(None, Action.UPDATE, object_type="test.outside")
    assert row.actor_id is None and row.request_id == "" and row.ip is None
