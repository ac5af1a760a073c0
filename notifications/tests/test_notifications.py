"""The notification centre (issue 17): who is told what — due to return, returned by the
rules, assigned, shared, import finished — the bell's count, the list, marking read, the
API, and email where the installation sends it."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import override
from freezegun import freeze_time

from customers.services import due, ownership
from customers.services.pool_rules import save_pool_rules
from customers.testing import CustomerFactory
from notifications.models import Kind, Notification
from notifications.services import notify
from transfers import importing
from transfers.models import ImportJob

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


def told(user, kind=None):
    rows = Notification.objects.filter(user=user)
    return list(rows.filter(kind=kind) if kind else rows)


# ------------------------------------------------------------------- who is told what


def test_a_person_given_customers_is_told_by_whom(company):
    rows = [CustomerFactory(name=f"Acme {n}") for n in range(7)]
    ownership.assign(company.marketer, [c.pk for c in rows], [company.rep])
    (note,) = told(company.rep, Kind.ASSIGNED)
    assert note.text == (
        "Marketer Mo gave you 7 customers: Acme 0, Acme 1, Acme 2, Acme 3, Acme 4…"
    )
    assert note.url == "/mine/" and note.read_at is None
    with override("zh-hans"):
        assert note.text.startswith("Marketer Mo 分配给您 7 个客户：Acme 0、Acme 1")
    assert told(company.marketer) == []


def test_spreading_tells_each_person_what_they_got(company):
    rows = [CustomerFactory(name=f"Beta {n}") for n in range(4)]
    ownership.assign(company.marketer, [c.pk for c in rows], [company.rep, company.deputy])
    for person in (company.rep, company.deputy):
        (note,) = told(person, Kind.ASSIGNED)
        assert note.params["count"] == 2


def test_sharing_tells_the_colleague_and_the_department_but_not_the_sharer(company):
    (acme,) = [CustomerFactory(name="Acme", owner=company.rep)]
    ownership.share(company.rep, [acme.pk], users=[company.peer], departments=[company.sales])
    for person in (company.peer, company.manager, company.deputy, company.junior):
        (note,) = told(person, Kind.SHARED)
        assert note.text == "Rep Li shared 1 customer with you: Acme"
    assert told(company.rep) == []
    ownership.share(company.rep, [acme.pk], users=[company.peer])  # already shared
    assert len(told(company.peer, Kind.SHARED)) == 1


def test_the_rules_warn_once_then_tell_of_the_return(company):
    with freeze_time(START) as clock:
        save_pool_rules(
            company.admin,
            {
                "auto_return": True,
                "no_contact_days": 5,
                "warning_days": 3,
                "warn_supervisors": True,
            },
        )
        acme = CustomerFactory(name="Acme")
        ownership.claim(company.rep, [acme.pk])
        assert due.warn() == 0
        clock.tick(DAY * 3)
        assert due.warn() == 1
        assert due.warn() == 1  # run again: nobody is told twice
        (note,) = told(company.rep, Kind.DUE)
        assert note.text == "Acme returns to the pool in 2 days unless you follow it up."
        assert note.url == f"/customers/{acme.pk}/"
        assert len(told(company.manager, Kind.DUE)) == 1  # the rep's supervisor
        with override("zh-hans"):
            assert "2 天后退回客户池" in note.text
        clock.tick(DAY * 2)
        ownership.sweep()
        (returned,) = told(company.rep, Kind.RETURNED)
        assert returned.text == "1 of your customers went back to the pool by the pool rules: Acme"


def test_an_import_tells_its_importer_when_it_is_done(company, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = "客户名称\n甲公司\n乙公司\n".encode()
    job = importing.prepare(company.marketer, SimpleUploadedFile("list.csv", data))
    importing.start(company.marketer, job, target=ImportJob.Target.POOL)
    importing.run(job.pk)
    (note,) = told(company.marketer, Kind.IMPORTED)
    assert note.text == "Your import of list.csv is finished: 2 customers imported."
    assert note.url == f"/imports/{job.pk}/"


# ------------------------------------------------------------------- the pages


def test_the_bell_counts_the_unread_and_the_list_marks_them_read(company, browser):
    notify([company.rep.pk], Kind.ASSIGNED, names=["Acme"], by="Marketer Mo", url="/mine/")
    notify([company.rep.pk], Kind.SHARED, names=["Beta"], by="Peer Pan", url="/shared/")
    client = browser(company.rep)
    page = client.get("/pool/").content.decode()
    assert 'data-testid="unread-count">2' in page
    listing = client.get("/notifications/").content.decode()
    assert "Marketer Mo gave you 1 customer: Acme" in listing and "notification-unread" in listing
    first = Notification.objects.get(kind=Kind.ASSIGNED)
    response = client.post(f"/notifications/{first.pk}/read/")
    assert response.status_code == 302 and response["Location"] == "/mine/"
    assert 'data-testid="unread-count">1' in client.get("/pool/").content.decode()
    client.post("/notifications/read-all/")
    assert 'data-testid="unread-count"' not in client.get("/pool/").content.decode()
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


def test_no_one_reads_or_marks_another_s_notification(company, browser, api):
    (note,) = notify([company.rep.pk], Kind.SHARED, names=["Acme"], by="Peer Pan")
    assert browser(company.peer).post(f"/notifications/{note.pk}/read/").status_code == 404
    assert "Acme" not in browser(company.peer).get("/notifications/").content.decode()
    assert api(company.peer).post(f"/api/notifications/{note.pk}/read/").status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_a_notification_never_leads_off_the_site(company, browser):
    (note,) = notify(
        [company.rep.pk], Kind.SHARED, names=["Acme"], by="x", url="https://evil.example/"
    )
    response = browser(company.rep).post(f"/notifications/{note.pk}/read/")
    assert response["Location"] == "/notifications/"


def test_an_empty_centre_says_what_will_come(company, browser):
    assert (
        'data-testid="no-notifications"'
        in browser(company.rep).get("/notifications/").content.decode()
    )


# ------------------------------------------------------------------- the API and email


def test_the_api_lists_and_marks_them(company, api):
    for n in range(3):
        notify([company.rep.pk], Kind.ASSIGNED, names=[f"C{n}"], by="Mo")
    notify([company.peer.pk], Kind.ASSIGNED, names=["Not yours"], by="Mo")
    client = api(company.rep)
    body = client.get("/api/notifications/", {"page_size": 2}).json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
    assert body["results"][0]["text"] == "Mo gave you 1 customer: C2"  # newest first
    read = client.post(f"/api/notifications/{body['results'][0]['id']}/read/").json()
    assert read["read_at"] is not None
    assert client.post("/api/notifications/read-all/").json() == {"marked_read": 2}
    assert api().get("/api/notifications/").status_code == 401


def test_email_where_the_installation_sends_it(
    company, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.NOTIFICATION_EMAILS = True
    settings.SITE_URL = "https://crm.example.com"
    company.rep.email = "rep@example.com"
    company.rep.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            [company.rep.pk, company.peer.pk], Kind.ASSIGNED, names=["Acme"], by="Mo", url="/mine/"
        )
    (message,) = mail.outbox  # the peer has no address
    assert message.to == ["rep@example.com"]
    assert "Mo gave you 1 customer: Acme" in message.subject
    assert "https://crm.example.com/mine/" in message.body


def test_no_email_unless_the_installation_says(company, django_capture_on_commit_callbacks):
    company.rep.email = "rep@example.com"
    company.rep.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify([company.rep.pk], Kind.ASSIGNED, names=["Acme"], by="Mo")
    assert mail.outbox == []
