"""Imports end to end, through the real job backend (the database) and a real worker
process (`manage.py db_worker`) on the suite's database:

- the manual's case 2 from a file: 周敏-like marketer uploads a list, the preview names its
  duplicates, she spreads it over three salespeople, the progress reaches 100 %, and each
  of them holds their share and none of the others';
- a worker killed mid-import: the next worker finishes it, with no customer twice."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect

from customers import querysets
from customers.models import Customer
from tests.e2e.conftest import login
from transfers import importing
from transfers.models import ImportJob

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
WORKER = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
CHUNK_ROWS = 100  # the worker's chunks: the first commits long before the last
WORKER += ["--interval", "0.1"]


def database_url():
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] or "postgres"
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(settings, tmp_path):
    """`worker()` starts `manage.py db_worker` on the suite's database (stopped at the end
    of the test, or by the test)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    env = {**os.environ, "DATABASE_URL": database_url(), "POOLCRM_VAR_DIR": str(tmp_path)}
    env["POOLCRM_IMPORT_CHUNK_ROWS"] = str(CHUNK_ROWS)
    started = []

    def start(*extra):
        process = subprocess.Popen(
            [*WORKER, *extra],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


def wait_for(predicate, seconds=60, what="it"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {seconds} s")


@pytest.mark.browser
def test_case_2_from_a_file(company, page, worker, tmp_path):
    Customer.objects.create(name="已有客户甲", owner=company.peer, phone="PRIVATE-PHONE")
    lines = ["客户名称,电话,联系人"]
    lines += [f"展会客户{i:02d},021-{i:04d},联系人{i}" for i in range(12)]
    lines += ["展会客户03,,", "已有客户甲,,"]  # one repeated in the file, one already a customer
    path = tmp_path / "展会名单.csv"
    path.write_text("\n".join(lines) + "\n", encoding="gb18030")  # as Chinese Excel saves it
    worker()

    login(page, "marketer")
    page.goto("/imports/new/")
    page.set_input_files("#id_file", str(path))
    with page.expect_navigation():
        page.get_by_role("button", name="Upload and preview").click()
    duplicates = page.get_by_test_id("duplicates")
    expect(duplicates).to_contain_text("展会客户03")
    expect(duplicates).to_contain_text("已有客户甲")
    expect(duplicates).to_contain_text("Peer Pan")
    expect(page.locator("body")).not_to_contain_text("PRIVATE-PHONE")
    page.get_by_label("spread evenly over chosen salespeople").check()
    people = [company.rep, company.deputy, company.junior]
    page.select_option("#id_assignees", value=[str(person.pk) for person in people])
    with page.expect_navigation():
        page.get_by_test_id("start-import").click()
    progress = page.get_by_test_id("import-progress")
    expect(progress).to_have_attribute("data-state", "done", timeout=60_000)
    expect(page.get_by_test_id("import-percent")).to_have_attribute("value", "100")
    expect(page.get_by_test_id("count-imported")).to_have_text("12")
    expect(page.get_by_test_id("count-skipped")).to_have_text("2")

    shares = [set(querysets.mine(person).values_list("name", flat=True)) for person in people]
    assert sorted(len(share) for share in shares) == [4, 4, 4]
    assert set().union(*shares) == {f"展会客户{i:02d}" for i in range(12)}
    for person, share in zip(people, shares, strict=True):
        login(page, person.username)
        page.goto("/mine/")
        listed = page.locator("main")
        for name in share:
            expect(listed).to_contain_text(name)
        for name in set().union(*shares) - share:  # nobody else's share in my customers
            expect(listed).not_to_contain_text(name)


def test_a_killed_worker_leaves_an_import_the_next_one_finishes(company, worker):
    rows = 1000
    data = ("名称\n" + "".join(f"批量客户{i:05d}\n" for i in range(rows))).encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    job = importing.prepare(company.marketer, SimpleUploadedFile("big.csv", data))
    first = worker()
    importing.start(company.marketer, job, target="pool")

    def some_done():
        job.refresh_from_db()
        return job.done >= CHUNK_ROWS

    wait_for(some_done, what="the first chunk")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    job.refresh_from_db()
    assert job.state == ImportJob.State.RUNNING and job.done < rows
    assert Customer.live.count() == job.imported  # nothing half-written outside a chunk

    # Time passes: the import has been silent too long, and its page is looked at.
    ImportJob.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - timezone.timedelta(minutes=5)
    )
    from transfers.tasks import resume_stalled

    assert resume_stalled() == 1
    worker()

    def finished():
        job.refresh_from_db()
        return job.state == ImportJob.State.DONE

    wait_for(finished, seconds=120, what="the import")
    assert (job.done, job.imported, job.skipped, job.refused) == (rows, rows, 0, 0)
    assert Customer.live.count() == rows
    assert Customer.live.values("name_key").distinct().count() == rows
