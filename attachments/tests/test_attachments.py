"""Attachments (SPEC §9): uploads checked against the settings and stored under generated
names, downloads served only to those who may read the customer, through the API and the
pages."""

import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from attachments.models import Attachment
from attachments.services import attachments, display_name
from attachments.testing import download_bytes, upload
from core.errors import ServiceError
from customers.services import ownership
from records.testing import counts, refused, tab_url
from settings_app.models import SystemSettings

pytestmark = pytest.mark.django_db


def stored_files(media):
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


# ---------------------------------------------------------------- uploads


def post_file(client, customer, name, content, content_type="application/octet-stream"):
    return client.post(
        tab_url(customer, "attachments"),
        {"file": upload(name, content, content_type)},
        format="multipart",
    )


def post_raw_file(client, customer, filename, content):
    """A multipart body written by hand, so the file name arrives exactly as given."""
    boundary = "zqBoundary7MA4YWxkTrZu0gW"
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()
    body = head + content + f"\r\n--{boundary}--\r\n".encode()
    return client.post(
        tab_url(customer, "attachments"),
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def test_an_upload_over_the_limit_is_refused_and_nothing_is_kept(company, api, book, media):
    settings = SystemSettings.load()
    settings.attachment_max_mb = 1
    settings.save()
    files_before = stored_files(media)
    before = counts()
    response = post_file(api(company.rep), book.customer, "big.pdf", b"x" * (1536 * 1024))
    body = refused(response, before, "file")
    assert "1 MB" in body["detail"], body  # names the limit
    assert stored_files(media) == files_before

    exact = post_file(
        api(company.rep), book.customer, "limit.pdf", b"%PDF-" + b"x" * (1024 * 1024 - 5)
    )
    assert exact.status_code == 201, exact.content  # at most 1 MB: 1 MB itself is fine


@pytest.mark.parametrize(
    "name", ["setup.exe", "SETUP.EXE", "Setup.Exe", "report.pdf.exe", "run.bat", "tool.exe."]
)
def test_blocked_file_types_are_refused(company, api, book, media, name):
    files_before = stored_files(media)
    before = counts()
    response = post_file(api(company.rep), book.customer, name, b"MZ binary")
    body = refused(response, before, "file")
    assert ".exe" in body["detail"] or ".bat" in body["detail"], body
    assert stored_files(media) == files_before


def test_an_empty_file_is_refused(company, api, book, media):
    files_before = stored_files(media)
    before = counts()
    refused(post_file(api(company.rep), book.customer, "empty.txt", b""), before, "file")
    assert stored_files(media) == files_before


def test_a_missing_file_is_refused(company, api, book):
    before = counts()
    response = api(company.rep).post(tab_url(book.customer, "attachments"), {}, format="multipart")
    refused(response, before, "file")


def assert_stored_safely(attachment, media, expected_name):
    assert attachment.original_name == expected_name
    assert "/" not in attachment.original_name and "\\" not in attachment.original_name
    path = Path(attachment.file.path).resolve()
    assert path.is_relative_to((media / "attachments").resolve()), path
    assert path.is_file()
    assert re.fullmatch(r"[0-9a-f]{32}(\.[a-z0-9]+)?", path.name), path.name
    assert expected_name not in str(attachment.file.name) or expected_name == "file"


@pytest.mark.parametrize(
    ("client_name", "kept_as"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("/etc/passwd", "passwd"),
    ],
)
def test_a_path_like_name_never_reaches_the_disk_or_the_download(
    company, api, client, book, media, client_name, kept_as
):
    response = post_raw_file(api(company.rep), book.customer, client_name, b"root:x:0:0")
    if response.status_code != 201:  # refusing is fine, as long as nothing is kept
        assert response.status_code == 400
        assert not Attachment.objects.filter(customer=book.customer, size=10).exists()
        return
    attachment = Attachment.objects.get(pk=response.json()["id"])
    assert response.json()["original_name"] == kept_as
    assert_stored_safely(attachment, media, kept_as)
    client.force_login(company.rep)
    download = client.get(f"/attachments/{attachment.pk}/download/")
    assert download.status_code == 200
    assert download_bytes(download) == b"root:x:0:0"
    disposition = download["Content-Disposition"]
    assert f'filename="{kept_as}"' in disposition, disposition
    assert "/" not in disposition and "\\" not in disposition and ".." not in disposition


@pytest.mark.parametrize(
    ("client_name", "kept_as"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\windows\\win.txt", "win.txt"),
        ("C:\\Users\\me\\报价单.txt", "报价单.txt"),
        ("a\x00b\r\nc.txt", "a_b__c.txt"),
        ("...", "file"),
    ],
)
def test_the_service_itself_strips_paths_from_names(company, book, media, client_name, kept_as):
    """Below the HTTP parser (which already drops directories): the service keeps only the
    name, without control characters, and stores under a generated name."""
    assert display_name(client_name) == kept_as
    if "." not in kept_as:  # no extension: not a kind of file accepted
        with pytest.raises(ServiceError):
            attachments.create(
                company.rep, book.customer, {"file": ContentFile(b"content", name=client_name)}
            )
        return
    attachment = attachments.create(
        company.rep, book.customer, {"file": ContentFile(b"content", name=client_name)}
    )
    assert_stored_safely(attachment, media, kept_as)


def test_a_non_ascii_name_downloads_under_that_name(company, api, client, book):
    response = post_file(
        api(company.rep), book.customer, "报价单.pdf", b"%PDF-1.4", "application/pdf"
    )
    assert response.status_code == 201
    client.force_login(company.rep)
    download = client.get(f"/attachments/{response.json()['id']}/download/")
    assert download.status_code == 200
    assert "filename*=utf-8''%E6%8A%A5%E4%BB%B7%E5%8D%95.pdf" in download["Content-Disposition"]
    assert download_bytes(download) == b"%PDF-1.4"


def test_a_deleted_attachment_keeps_its_file_until_restored(company, api, client, book, media):
    """Deleting moves it to the recycle bin: the file stays, nobody downloads it meanwhile,
    and a restore serves it again."""
    attachment = book.rows["attachments"]
    path = Path(attachment.file.path)
    download_url = f"/attachments/{attachment.pk}/download/"
    response = api(company.rep).delete(tab_url(book.customer, "attachments", attachment.pk))
    assert response.status_code == 204
    assert path.is_file()
    client.force_login(company.rep)
    assert client.get(download_url).status_code == 404
    restore = f"{tab_url(book.customer, 'attachments', attachment.pk)}restore/"
    assert api(company.rep).post(restore).status_code == 200
    assert client.get(download_url).status_code == 200


def test_an_upload_through_the_page_is_stored_and_downloads(company, browser, alpha):
    client = browser(company.rep)
    response = client.post(
        f"/customers/{alpha.pk}/attachments/new/", {"file": upload("minutes.txt", b"agenda")}
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get(original_name="minutes.txt")
    download = client.get(f"/attachments/{attachment.pk}/download/")
    assert download.status_code == 200 and download_bytes(download) == b"agenda"

    blocked = client.post(
        f"/customers/{alpha.pk}/attachments/new/", {"file": upload("virus.EXE", b"MZ")}
    )
    assert blocked.status_code == 200 and ".exe" in blocked.content.decode()
    assert not Attachment.objects.filter(original_name="virus.EXE").exists()


def test_the_tables_link_each_name_to_its_download(company, browser, alpha):
    attachment = alpha.rows["attachments"]
    client = browser(company.rep)
    link = f'<a href="/attachments/{attachment.pk}/download/">{attachment.original_name}</a>'
    for url in (f"/customers/{alpha.pk}/?tab=attachments", "/records/attachments/"):
        assert link in client.get(url).content.decode(), url


# ---------------------------------------------------------------- downloads


def test_readers_download_the_file_under_its_own_name(world, client):
    for persona, label in [
        ("rep", "alpha"),
        ("deputy", "alpha"),
        ("manager", "alpha"),
        ("ceo", "alpha"),
        ("peer", "delta"),  # a department sharee
        ("peer", "own"),
    ]:
        attachment = world.rows[label]["attachments"]
        client.force_login(world.user(persona))
        response = client.get(f"/attachments/{attachment.pk}/download/")
        where = (persona, label)
        assert response.status_code == 200, where
        assert download_bytes(response) == f"bytes of zq{label}".encode(), where
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;"), where
        assert f'filename="zq{label}-file.txt"' in disposition, where


def test_others_get_404_for_the_download(world, client):
    for persona, label in [
        ("peer", "alpha"),
        ("deputy", "delta"),
        ("junior", "alpha"),
        ("marketer", "alpha"),
        ("admin", "alpha"),
        ("rep", "returned"),  # no longer the owner's
        ("rep", "own"),
    ]:
        attachment = world.rows[label]["attachments"]
        client.force_login(world.user(persona))
        response = client.get(f"/attachments/{attachment.pk}/download/")
        assert response.status_code == 404, (persona, label)
        assert b"bytes of" not in response.content, (persona, label)


def test_download_needs_a_login(world, client):
    attachment = world.rows["alpha"]["attachments"]
    response = client.get(f"/attachments/{attachment.pk}/download/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_new_owner_downloads_the_files_the_old_one_uploaded(company, book, client):
    customer, attachment = book.customer, book.rows["attachments"]
    assert ownership.assign(company.rep, [customer.pk], [company.deputy]).done == [customer.pk]
    client.force_login(company.deputy)
    response = client.get(f"/attachments/{attachment.pk}/download/")
    assert response.status_code == 200
    assert download_bytes(response) == b"bytes of zqbook"
    client.force_login(company.rep)
    assert client.get(f"/attachments/{attachment.pk}/download/").status_code == 404


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("logo.svg", b"<svg onload='alert(1)'/>"),
        ("page.xhtml", b"<html/>"),
        ("run.hta", b"<hta/>"),
        ("shell.php", b"<?php system($_GET['c']); ?>"),
        ("tool.py", b"import os"),
        ("invoice.pdf", b"<html><script>alert(1)</script></html>"),  # not what it says
        ("photo.png", b"GIF89a...."),
        ("notes.txt", b"\x00\x01binary\x00"),
    ],
)
def test_only_listed_kinds_whose_content_is_what_their_name_says(
    company, api, book, media, name, content
):
    before = counts()
    body = refused(post_file(api(company.rep), book.customer, name, content), before, "file")
    assert body["detail"]


def test_the_stored_type_is_what_the_content_is_not_what_the_client_claimed(
    company, api, client, book, media
):
    response = post_file(api(company.rep), book.customer, "offer.pdf", b"%PDF-1.7 ok", "text/html")
    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get(pk=response.json()["id"])
    assert attachment.content_type == "application/pdf"
    client.force_login(company.rep)
    download = client.get(f"/attachments/{attachment.pk}/download/")
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment")


def test_a_body_over_the_limit_is_refused_before_it_is_read(company, api, browser, book):
    """413 from the Content-Length alone: the body is never read (300 MB were spooled)."""
    huge = str(300 * 1024 * 1024)
    answer = api(company.rep).generic(
        "POST",
        tab_url(book.customer, "attachments"),
        b"not read",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=huge,
    )
    assert answer.status_code == 413 and "at most 20 MB" in answer.json()["detail"]
    page = browser(company.rep).generic(
        "POST", f"/customers/{book.customer.pk}/attachments/new/", b"x", CONTENT_LENGTH=huge
    )
    assert page.status_code == 413


def test_a_chunked_body_without_its_length_is_refused_whole(company, api, book, media):
    """Sent in chunks with no Content-Length, an upload would be read as empty: it is refused
    with 411 and nothing is stored."""
    before = counts()
    answer = api(company.rep).generic(
        "POST",
        tab_url(book.customer, "attachments"),
        b"",
        content_type="multipart/form-data; boundary=x",
        HTTP_TRANSFER_ENCODING="chunked",
        CONTENT_LENGTH="",
    )
    assert answer.status_code == 411 and "Content-Length" in answer.json()["detail"]
    assert counts() == before
