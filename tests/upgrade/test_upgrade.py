"""Upgrades (issue 19): the database each past release left behind (tests/upgrade/releases/)
migrates forward to this one on SQLite and on PostgreSQL, and keeps its rows, its owners,
its pools, its money and its audit trail; its people then use the main pages.

Each test takes the test database back to a release's migrations (MigrationExecutor), loads
the release's rows through the models of that state, migrates forward, and leaves the
database at the latest migrations for the tests after it."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations import RunPython
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.models import Sum

from audit.models import AuditEntry
from customers import querysets
from customers.models import Customer, OwnershipEvent, Pool
from customers.services.history import ownership_entries
from org.models import User
from sales.models import Contract
from tests.upgrade.release import RELEASES as RELEASES_FOLDER
from tests.upgrade.release import empty, load, project_models, releases

RELEASES = releases()
DEMO_PASSWORD = "poolcrm-demo"  # scripts/release_fixture.py cuts from the demo company

# Rows a data migration adds or removes on purpose, by release and model, naming the
# migration: {"0.1.0": {"settings_app.dictionaryitem": 48}}  # settings_app 0010 adds 5
CHANGED_BY_DATA_MIGRATIONS = {}


@pytest.fixture
def migrator(transactional_db):
    """A migration executor on the test database, which it leaves at the latest migrations
    whatever the test did (the tests after this one in the process expect them)."""
    executor = MigrationExecutor(connection)
    yield executor
    loader = executor.loader
    loader.build_graph()
    if executor.migration_plan(loader.graph.leaf_nodes()):  # the test stopped half-way
        applied = [node for node in loader.applied_migrations if node in loader.graph.nodes]
        empty(loader.project_state(applied).apps, connection)
        executor.migrate(loader.graph.leaf_nodes())


def project_apps():
    return {config.label for config, _models in project_models(apps) if config.label != "auth"}


def node_of(loader, app, name):
    """The graph's node for a migration a release applied: itself, or the squashed migration
    that replaced it when it was the last one squashed."""
    if (app, name) in loader.graph.nodes:
        return (app, name)
    for key, squashed in loader.replacements.items():
        if (app, name) in squashed.replaces:
            if squashed.replaces[-1] == (app, name):
                return key
            pytest.fail(
                f"{app}.{name}, where a release stopped, was squashed into {key[1]} with the "
                "migrations after it: keep the squashed ones until no supported release needs "
                "them, so a database of that release can migrate from where it is."
            )
    pytest.fail(f"{app}.{name} is not a migration any more (test_shipped_migrations_exist)")


def release_targets(loader, leaves):
    """Every app at its leaf of `leaves` ({app: migration}); an app that came later, at none."""
    apps_now = {app for app, _name in loader.graph.nodes}
    return [
        node_of(loader, app, leaves[app]) if app in leaves else (app, None)
        for app in sorted(apps_now)
    ]


def irreversible(plan):
    """The operations of a backwards plan that cannot be undone, named for a person."""
    return [
        f"{migration.app_label}.{migration.name}: {operation.describe()}"
        for migration, backwards in plan
        if backwards
        for operation in migration.operations
        if not operation.reversible
    ]


def go_back(executor, targets, why):
    """Unapply, on an emptied database, down to `targets`; return the migration state of the
    database then."""
    empty(apps, connection)  # unapplying is quicker and surer on empty tables
    plan = executor.migration_plan(targets)
    blocked = irreversible(plan)
    assert not blocked, (
        f"Cannot go back to {why}: these migrations cannot be unapplied:\n  "
        + "\n  ".join(blocked)
        + "\nGive each a reverse (RunPython(forwards, RunPython.noop) when there is nothing "
        "to undo, RunSQL with reverse_sql), or the upgrade test cannot rebuild the databases "
        "of the releases before it."
    )
    executor.migrate(targets, plan=plan)
    executor.loader.build_graph()
    loader = executor.loader
    applied = [node for node in loader.applied_migrations if node in loader.graph.nodes]
    state = loader.project_state(applied).apps
    empty(state, connection)  # the rows a data migration put back on the way down
    return state


def own(graph, node):
    """The migrations of `node`'s app up to `node`, in order."""
    return [key for key in graph.forwards_plan(node) if key[0] == node[0]]


def go_forward(executor):
    executor.loader.build_graph()
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    executor.migrate(executor.loader.graph.leaf_nodes())
    return plan


def counts_now(labels):
    return {label: apps.get_model(label)._base_manager.count() for label in labels}


def rows_of(rows, label):
    return [row for row in rows if row["model"] == label]


def check_the_records(rows, client, settings):
    """Spot checks through today's models and services, against the release's own rows."""
    # A claimed customer keeps its owner and its ownership history.
    customers = {row["pk"]: row["fields"] for row in rows_of(rows, "customers.customer")}
    events = rows_of(rows, "customers.ownershipevent")
    claimed_pk, claimed = next(
        (pk, fields)
        for pk, fields in customers.items()
        if fields["owner"] and not fields["deleted_at"]
    )
    customer = Customer.objects.get(pk=claimed_pk)
    assert customer.owner_id == claimed["owner"] and customer.name == claimed["name"]
    its_events = sorted(row["pk"] for row in events if row["fields"]["customer"] == claimed_pk)
    assert its_events, "the fixture's claimed customer has no ownership history"
    kept = OwnershipEvent.objects.filter(customer=customer).order_by("pk")
    assert list(kept.values_list("pk", flat=True)) == its_events
    assert len(ownership_entries(customer)) == len(its_events)

    # Each pool keeps its people, and a member sees its customers.
    for row in rows_of(rows, "customers.pool"):
        pool = Pool.objects.get(pk=row["pk"])
        for relation in ("members", "departments", "managers"):
            kept = sorted(getattr(pool, relation).values_list("pk", flat=True))
            assert kept == sorted(row["fields"].get(relation, kept)), (pool, relation)
        in_pool = [pk for pk, fields in customers.items() if fields.get("pool") == pool.pk]
        if row["fields"].get("members") and in_pool:
            member = User.objects.get(pk=row["fields"]["members"][0])
            assert querysets.pool(member).filter(pk__in=in_pool).exists(), (pool, member)

    # Each contract keeps what is due and what was paid.
    for label, related in (("sales.receivable", "receivables"), ("sales.payment", "payments")):
        expected = {}
        for row in rows_of(rows, label):
            contract = row["fields"]["contract"]
            expected[contract] = expected.get(contract, 0) + Decimal(row["fields"]["amount"])
        for contract_pk, total in expected.items():
            kept = getattr(Contract.objects.get(pk=contract_pk), related).aggregate(s=Sum("amount"))
            assert kept["s"] == total, (label, contract_pk)

    # The audit trail: every entry, by whom and of what.
    audit = {
        row["pk"]: (row["fields"]["actor"], row["fields"]["action"], row["fields"]["object_id"])
        for row in rows_of(rows, "audit.auditentry")
    }
    kept = AuditEntry.objects.values_list("pk", "actor", "action", "object_id")
    assert {pk: (actor, action, object_id) for pk, actor, action, object_id in kept} == audit

    # The owner signs in with the password of the release and works as before.
    owner = User.objects.get(pk=claimed["owner"])
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    assert owner.check_password(DEMO_PASSWORD), "the release's password hash no longer works"
    client.force_login(owner)
    home = client.get("/", follow=True)
    assert home.status_code == 200, home
    pool_list = client.get("/pool/")
    assert pool_list.status_code == 200
    detail = client.get(f"/customers/{claimed_pk}/")
    assert detail.status_code == 200
    assert customer.name in detail.content.decode()
    assert client.get("/mine/").status_code == 200


# --------------------------------------------------------------------------------- the tests


@pytest.mark.parametrize("release", RELEASES, ids=str)
def test_shipped_migrations_exist(release):
    """A release's database has these migrations applied; deleting or squashing one away
    leaves such a database unable to migrate."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    replaced = {key for squashed in loader.replacements.values() for key in squashed.replaces}
    missing = [
        f"{app}.{name}"
        for app, name in sorted(release.leaves.items())
        if (app, name) not in loader.disk_migrations and (app, name) not in replaced
    ]
    assert not missing, (
        f"Release {release.name} shipped with these migrations, which no longer exist: "
        f"{', '.join(missing)}. A database of that release could not migrate to this one. "
        "Bring them back (a squashed migration must keep naming them in `replaces`), or, "
        f"when release {release.name} is no longer supported, delete "
        f"tests/upgrade/releases/{release.name}/."
    )


@pytest.mark.parametrize("release", RELEASES, ids=str)
def test_a_release_database_migrates_to_this_one(release, migrator, client, settings):
    rows = release.rows
    targets = release_targets(migrator.loader, release.leaves)
    state = go_back(migrator, targets, f"release {release.name}")
    at_release = {node_of(migrator.loader, app, name) for app, name in release.leaves.items()}
    assert at_release <= set(migrator.loader.applied_migrations)
    load(rows, state, connection)
    go_forward(migrator)

    expected = {**release.manifest["counts"], **CHANGED_BY_DATA_MIGRATIONS.get(release.name, {})}
    assert counts_now(expected) == expected
    check_the_records(rows, client, settings)


def test_migrating_from_one_migration_back_migrates_the_rows(migrator, client, settings):
    """The newest release's schema is this one's until a migration is added. So that the
    test above is seen to migrate rows, every project app goes one migration back from the
    release (and what depends on that goes too), the rows load into that older schema (what
    it has of them: a model or field added since is left out) and migrate forward."""
    release = RELEASES[-1]
    graph = migrator.loader.graph
    leaves = {app: node_of(migrator.loader, app, name) for app, name in release.leaves.items()}
    # Each project app's last migration goes, and with it whatever depends on it.
    stepped_back = {app for app in project_apps() & set(leaves) if len(own(graph, leaves[app])) > 1}
    assert {"customers", "org", "sales"} <= stepped_back
    gone = {node for app in stepped_back for node in graph.backwards_plan(leaves[app])}
    targets = []
    for app in sorted({app for app, _name in graph.nodes}):
        kept = (
            [node for node in own(graph, leaves[app]) if node not in gone] if app in leaves else []
        )
        targets.append(kept[-1] if kept else (app, None))

    state = go_back(migrator, targets, "one migration before the release")
    written = load(release.rows, state, connection, partial=True)
    forward = go_forward(migrator)

    applied_again = {(migration.app_label, migration.name) for migration, _b in forward}
    assert {leaves[app] for app in stepped_back} <= applied_again
    counts = release.manifest["counts"]
    assert counts_now(counts) == {label: written.get(label, 0) for label in counts}
    assert written["customers.customer"] == counts["customers.customer"]
    assert written["customers.ownershipevent"] == counts["customers.ownershipevent"]
    loaded = [row for row in release.rows if row["model"] in written]
    check_the_records(loaded, client, settings)


def test_an_irreversible_migration_is_named():
    class Migration:
        app_label, name = "customers", "0099_fill"
        operations = [RunPython(print)]

    assert irreversible([(Migration, True)]) == ["customers.0099_fill: Raw Python operation"]
    assert irreversible([(Migration, False)]) == []


def test_there_is_a_release_to_upgrade_from():
    assert RELEASES, f"no release fixture under {RELEASES_FOLDER}"
