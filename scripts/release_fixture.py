"""Cut a release fixture: the database a release leaves behind, for the upgrade test.

    .venv/bin/python scripts/release_fixture.py NAME [--customers N]

Migrates a fresh SQLite database in a temporary folder, loads a small demo company
(`manage.py demo_data`) and a few rows of every model the demo leaves empty, then writes
tests/upgrade/releases/NAME/: migrations.json (each app's leaf migration), data.json.gz
(every row of the project's apps) and manifest.json (the rows per model). NAME is the
release's version, pyproject.toml's. tests/upgrade/README.md says when to cut one.
"""

import argparse
import datetime
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("name", help="the release, e.g. 0.1.0")
    parser.add_argument("--customers", type=int, default=24, help="demo customers (default 24)")
    parser.add_argument("--force", action="store_true", help="replace the release's fixture")
    args = parser.parse_args()
    if not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z._-]*", args.name):
        parser.error(f"{args.name!r}: a release is named like 0.1.0 or 2026.12")
    folder = ROOT / "tests" / "upgrade" / "releases" / args.name
    if folder.exists() and not args.force:
        parser.error(f"{folder} exists: a release's fixture is cut once (--force to replace)")
    with tempfile.TemporaryDirectory(prefix="release-fixture-") as scratch:
        # A database of its own, never the site's, and uploads kept with it.
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/release.sqlite3"
        os.environ["POOLCRM_VAR_DIR"] = scratch
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        made = build(args.customers)
        write(folder, args.name)
    print(made)
    print(f"Wrote {folder.relative_to(ROOT)}")


def build(customers):
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("demo_data", customers=customers, stdout=io.StringIO())
    return extras()


def extras():
    """Rows of the models the demo company leaves empty or nearly so, written by the
    services as people would: an import, an export, an attachment, moves of every kind,
    edits, a pool card opened under a quota, a worker's heartbeat, the dashboard's counts."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from activities.services import interactions
    from attachments.services import attachments
    from customers.models import Customer, Pool
    from customers.services import contacts, details, due, ownership, pool_views
    from customers.services.pool_rules import save_pool_rules
    from customers.services.pools import save_pool
    from dashboard import snapshots
    from ops.tasks import heartbeat
    from org.models import User
    from org.services import save_user
    from sales.models import Contract
    from sales.services import payments, receivables
    from settings_app.models import DictionaryItem
    from settings_app.services import add_item, save_settings
    from transfers import importing
    from transfers.models import ExportJob, ImportJob

    people = {user.username: user for user in User.objects.all()}
    admin, marketer, boss = people["admin"], people["marketer"], people["boss"]
    rep, other = people["east_rep1"], people["east_rep2"]

    # The people: a limit of one's own, a time zone, an inactive one who owns nothing.
    save_user({"customer_limit": 40, "time_zone": "Asia/Shanghai"}, rep, actor=admin)
    leaver = save_user(
        {
            "username": "left_rep",
            "display_name": "Left Rep",
            "department": rep.department,
            "supervisor": people["east_mgr"],
            "password": "poolcrm-demo",
        },
        actor=admin,
    )
    save_user({"is_active": False}, leaver, actor=admin)

    # Settings and the dictionary: a changed setting, an item added, one switched off.
    save_settings(admin, {"attachment_max_mb": 20})
    add_item(admin, "industry", name="Logistics", name_zh_hans="物流")
    retired = DictionaryItem.objects.filter(kind="source").order_by("pk").last()
    retired.is_active = False
    retired.save()
    category = DictionaryItem.objects.filter(kind="category").order_by("pk").first()
    save_pool_rules(
        admin,
        {"pool_view_quota": 50, "daily_claim_limit": 30},
        categories={category: {"no_contact_days": 90, "no_deal_days": None}},
    )

    # Moves of every kind: claim, assign, share and unshare, lock, reclaim, delete, restore,
    # of leads the marketer keys into the company pool (the demo moved its own to a pool).
    first, second, third, fourth, fifth = (
        ownership.create(marketer, {"name": name, "region": region}).pk
        for name, region in [
            ("升级测试一号有限公司", DictionaryItem.objects.filter(kind="region").first()),
            ("Upgrade Two Ltd.", None),
            ("升级测试三号 Trading", None),
            ("Upgrade Four GmbH", None),
            ("Upgrade Five LLC", None),
        ]
    )
    ownership.claim(rep, [first])
    ownership.assign(boss, [second], [other])
    ownership.share(rep, [first], users=[other])
    ownership.unshare(rep, [first], users=[other])
    ownership.share(rep, [first], users=[people["north_rep1"]])
    ownership.lock(people["east_mgr"], [first], reason="key account")
    ownership.reclaim(boss, [second], reason="rebalance")
    ownership.delete(marketer, [third], reason="duplicate")
    ownership.restore(marketer, [third])
    east = Pool.objects.get()
    ownership.move_to_pool(marketer, [fourth], east)
    # A member of its own besides the department: a North rep who covers the East too.
    save_pool(
        admin,
        east,
        {},
        {
            "members": [people["north_rep2"]],
            "departments": [rep.department],
            "managers": [people["east_mgr"]],
        },
    )

    # A contract paid in two parts, due in two.
    contract = Contract.objects.filter(status="executing").order_by("pk").first()
    receivables.create(
        contract.created_by,
        contract.customer,
        {"contract": contract, "due_on": timezone.localdate(), "amount": Decimal("100.00")},
    )
    payments.create(
        contract.created_by,
        contract.customer,
        {"contract": contract, "received_on": timezone.localdate(), "amount": Decimal("100.00")},
    )

    # The claimed customer's record: an edit (history), a contact and a relation, an
    # interaction, an attachment (its row only: the file stays in the scratch folder).
    customer = Customer.objects.get(pk=first)
    details.update(rep, customer, {"notes": "Upgrade fixture: edited once", "phone": "010-1"})
    contact = contacts.add(rep, customer, {"name": "王芳", "mobile": "13800000000"})
    relation = DictionaryItem.objects.filter(kind="relation").first()
    contacts.add_relation(rep, customer, contact, {"relation_type": relation, "person_name": "李"})
    interactions.create(
        rep,
        customer,
        {"happened_at": timezone.now(), "kind": None, "subject": "First call", "content": ""},
    )
    pdf = SimpleUploadedFile("offer.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n")
    attachments.create(rep, customer, {"file": pdf})

    # A pool card opened under the quota.
    pool_views.count_view(other, Customer.objects.get(pk=fifth), readable=False)

    # An import spread over two people, one row refused; an export's job.
    csv = b"name,phone\nImported One Ltd.,010-1\nImported Two Ltd.,010-2\n,010-3\n"
    job = importing.prepare(marketer, SimpleUploadedFile("leads.csv", csv))
    job = importing.start(marketer, job, target=ImportJob.Target.SPREAD, assignees=[rep, other])
    importing.run(job.pk)
    ExportJob.objects.create(
        created_by=rep,
        list_name="mine",
        route="customers:mine",
        query="ordering=name",
        language="zh-hans",
        format=ExportJob.Format.XLSX,
        state=ExportJob.State.DONE,
        total=10,
        done=10,
        filename="my-customers.xlsx",
        finished_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )

    # A worker's heartbeat, and the dashboard's counts, as the periodic jobs keep them.
    heartbeat.call()
    due.refresh_all()  # the category's own days, as the job the rules queued would
    snapshots.take()
    return f"A demo company of {Customer.objects.count()} customers"


def write(folder, name):
    from django.apps import apps
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    from tests.upgrade import release

    loader = MigrationLoader(connection)
    leaves = {}
    for app, migration in sorted(loader.graph.leaf_nodes()):
        if app in leaves:
            sys.exit(f"{app} has two leaf migrations ({leaves[app]}, {migration}): merge them")
        if (app, migration) not in loader.applied_migrations:
            sys.exit(f"{app}.{migration} is not applied")
        leaves[app] = migration
    rows, counts = release.dump(apps)
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / "migrations.json").write_text(json.dumps(leaves, indent=2) + "\n")
    release.write_rows(folder / "data.json.gz", rows)
    manifest = {
        "release": name,
        "cut_from": commit + (" with uncommitted changes" if dirty else ""),
        "rows": len(rows),
        "counts": counts,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


if __name__ == "__main__":
    main()
