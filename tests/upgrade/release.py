"""A release fixture: the database a release left behind, kept in tests/upgrade/releases/NAME/.

- migrations.json: each app's leaf migration, as applied when the fixture was cut;
- data.json.gz: every row of the project's apps (and auth's groups), one object per line in
  the layout of Django's serializers, read back with the models of that migration state;
- manifest.json: the rows of each model (many-to-many tables too), and where the fixture came
  from.

scripts/release_fixture.py writes one; tests/upgrade/test_upgrade.py loads each into the
schema of its release and migrates it forward.
"""

import datetime
import decimal
import gzip
import io
import json
from pathlib import Path

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist
from django.core.management.color import no_style
from django.core.serializers import python
from django.db import transaction
from django.db.models import CompositePrimaryKey

ROOT = Path(__file__).resolve().parents[2]
RELEASES = Path(__file__).resolve().parent / "releases"

# migrate makes these rows anew in every database (post_migrate), with ids of its own: rows
# refer to them by natural key, and they are not dumped. Every other row keeps its primary
# key, so the fixture loads without lookups.
REMADE = (ContentType, Permission)


def project_models(apps):
    """The models whose rows a release fixture keeps, from an app registry: those of the
    project's own apps (not of installed packages) and auth's groups (users refer to them)."""
    chosen = []
    for config in apps.get_app_configs():
        path = Path(config.path)
        ours = path.is_relative_to(ROOT) and not path.is_relative_to(ROOT / ".venv")
        if ours:
            chosen.append((config, [m for m in config.get_models() if m._meta.managed]))
        elif config.label == "auth":
            chosen.append((config, [config.get_model("Group")]))
    return chosen


def table_models(models):
    """The models and their many-to-many tables (auto-created), each one table."""
    tables = []
    for model in models:
        tables.append(model)
        for field in model._meta.local_many_to_many:
            if field.remote_field.through._meta.auto_created:
                tables.append(field.remote_field.through)
    return tables


class RowSerializer(python.Serializer):
    """Django's serializer with natural keys for the rows migrate remakes, primary keys for
    the rest."""

    def handle_fk_field(self, obj, field):
        self.use_natural_foreign_keys = issubclass(field.related_model, REMADE)
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        self.use_natural_foreign_keys = issubclass(field.related_model, REMADE)
        super().handle_m2m_field(obj, field)


def _encode(value):
    # Full precision, unlike DjangoJSONEncoder, which cuts microseconds to milliseconds.
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} {value!r} to a release fixture")


def dump(apps):
    """(rows, counts): every row of the project's models, model after model in dependency
    order and by primary key; and the rows of each model and many-to-many table."""
    rows, counts = [], {}
    chosen = project_models(apps)
    for model in serializers.sort_dependencies(chosen, allow_cycles=True):
        pk = model._meta.pk
        order = [f.name for f in pk] if isinstance(pk, CompositePrimaryKey) else ["pk"]
        queryset = model._base_manager.order_by(*order)
        rows += RowSerializer().serialize(queryset.iterator(chunk_size=2000))
    for model in table_models(m for _config, models in chosen for m in models):
        counts[model._meta.label_lower] = model._base_manager.count()
    return rows, dict(sorted(counts.items()))


def write_rows(path, rows):
    """One JSON object a line, gzipped without a time stamp, so cutting the same data twice
    writes the same bytes."""
    text = "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False, default=_encode) for r in rows)
    with open(path, "wb") as file, gzip.GzipFile("", "wb", 9, file, mtime=0) as packed:
        packed.write((text + "\n]\n").encode())


class Release:
    def __init__(self, folder):
        self.folder = Path(folder)
        self.name = self.folder.name

    def __repr__(self):
        return f"Release({self.name})"

    @property
    def leaves(self):
        """{app label: the migration the release had applied last}."""
        return json.loads((self.folder / "migrations.json").read_text())

    @property
    def manifest(self):
        return json.loads((self.folder / "manifest.json").read_text())

    @property
    def rows(self):
        with gzip.open(self.folder / "data.json.gz", "rb") as packed:
            return json.load(io.TextIOWrapper(packed, encoding="utf-8"))


def releases():
    return sorted(
        (Release(folder) for folder in RELEASES.iterdir() if folder.is_dir()),
        key=lambda release: release.name,
    )


class Missing(Exception):
    """A row names a model or field the schema being loaded does not have."""


def _related(field, value, using):
    """A reference's value: a natural key (a list) is looked up, a primary key kept."""
    if isinstance(value, list):
        # Through today's content types and permissions: a historical permission's manager
        # looks its content type up through today's model anyway, and Django's own two
        # tables are the same in the older schemas.
        remade = next(m for m in REMADE if m._meta.label == field.related_model._meta.label)
        return remade._default_manager.db_manager(using).get_by_natural_key(*value).pk
    target = field.related_model._meta.pk if field.many_to_many else field.target_field
    return target.to_python(value)


def load(rows, state_apps, connection, *, partial=False):
    """Write `rows` (a release fixture's) into the database through the models of a migration
    state (`state_apps`), field by field, never through today's models, whose columns the
    older schema may lack. Refuses a model or field the state does not know, unless
    `partial` (loading into a state older than the fixture: left out then, and a field the
    rows lack takes its default). Returns the rows written per model label."""
    per_model, links, written = {}, {}, {}
    for row in rows:
        label = row["model"]
        try:
            model = state_apps.get_model(label)
        except LookupError:
            if partial:
                continue
            raise Missing(f"the schema has no model {label}") from None
        instance = model()
        pk = model._meta.pk
        if not isinstance(pk, CompositePrimaryKey):
            setattr(instance, pk.attname, pk.to_python(row["pk"]))
        for name, value in row["fields"].items():
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                if partial:
                    continue
                raise Missing(f"the schema's {label} has no field {name}") from None
            if field.many_to_many:
                through = field.remote_field.through
                source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
                links.setdefault(through, []).extend(
                    through(
                        **{
                            f"{source}_id": instance.pk,
                            f"{target}_id": _related(field, item, connection.alias),
                        }
                    )
                    for item in value
                )
            elif field.is_relation:
                related = None if value is None else _related(field, value, connection.alias)
                setattr(instance, field.attname, related)
            else:
                setattr(instance, field.attname, field.to_python(value))
        per_model.setdefault(model, []).append(instance)
    with transaction.atomic(using=connection.alias):
        # Foreign keys are checked at commit (Django makes them deferrable), so the order of
        # the models does not matter.
        for model, instances in [*per_model.items(), *links.items()]:
            model._base_manager.using(connection.alias).bulk_create(instances, batch_size=500)
            written[model._meta.label_lower] = len(instances)
        # The rows came with their ids: new ones must be numbered after them (PostgreSQL).
        statements = connection.ops.sequence_reset_sql(no_style(), [*per_model, *links])
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    return written


def empty(state_apps, connection):
    """Delete every row of a migration state's tables but the content types and permissions
    that migrate made (the test database may hold rows a data migration or a test left)."""
    kept = {ContentType._meta.db_table, Permission._meta.db_table}
    tables = {
        model._meta.db_table
        for model in state_apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    existing = set(connection.introspection.table_names())
    statements = connection.ops.sql_flush(
        no_style(), sorted((tables & existing) - kept), reset_sequences=True, allow_cascade=False
    )
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
