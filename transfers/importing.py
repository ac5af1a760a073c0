"""Customers from a file into the pool, into my customers, or spread evenly over chosen
salespeople (SPEC B2, the manual's case 2), through the customer services: every
customer gets its creation event, its history and its audit rows as if keyed in.

An import is a job: `prepare` stores the file and guesses its columns, `preview` shows
what will be stored and every duplicate, `start` queues it, and `run` (in a worker)
handles the rows in chunks. Each chunk commits with the job's counters, so a worker
stopped mid-import leaves a job the next worker resumes after the last committed chunk,
and no row is handled twice: the same name is never imported twice anyway (the live-name
key is unique, SPEC C3)."""

import csv
import functools
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import EmailValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import trail
from audit.models import Action
from core.errors import NotAllowed, ServiceError
from customers import rules
from customers.models import Contact, Customer
from customers.normalize import fold, name_key
from customers.services import details, ownership
from notifications.models import Kind
from notifications.services import notify
from settings_app.models import DictionaryItem

from . import columns
from .exporting import neutralised
from .models import ImportJob, NotImported
from .reading import Table

PREVIEW_ROWS = 10
PREVIEW_DUPLICATES = 100
Target = ImportJob.Target


# ---------------------------------------------------------------------------- who may


def refuse_target(user, target, assignees=()):
    """Why `user` may not import to `target`, or None. Anyone may import into their own
    customers (new and claimed, M2); the pool and spreading are for pool managers (P2, P6)."""
    if target == Target.MINE:
        return None
    if not user.is_pool_manager:
        return _("Only pool managers may import into the pool or spread customers over people.")
    if target == Target.SPREAD:
        if not assignees:
            return _("Choose the salespeople to spread the customers over.")
        return rules.refuse_receivers(assignees)
    return None


# ---------------------------------------------------------------------------- one row


@dataclass
class Row:
    line: int
    customer: dict = field(default_factory=dict)
    contact: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)
    unknown: dict = field(default_factory=dict)  # dictionary field → value not in it

    @property
    def name(self):
        return self.customer.get("name", "")

    @functools.cached_property
    def key(self):
        """The name's duplicate key (customers.normalize.name_key): "" for no name."""
        return name_key(self.name)


class Dictionary:
    """The data dictionary's items by kind and folded name, in either language."""

    def __init__(self):
        self.items = {kind: {} for kind in columns.DICTIONARY_FIELDS}
        for item in DictionaryItem.objects.filter(kind__in=columns.DICTIONARY_FIELDS):
            for name in filter(None, (item.name, item.name_zh_hans)):  # either language
                self.items[item.kind].setdefault(fold(name), item)

    def find(self, kind, value):
        return self.items[kind].get(fold(value))


def _limit(model, name):
    return model._meta.get_field(name).max_length


def convert(line, cells, mapping, dictionary):
    """A Row: the fields of `cells` as they would be stored, and what is wrong with them."""
    row = Row(line)
    for index, target in enumerate(mapping):
        value = cells[index].strip() if index < len(cells) else ""
        if not target or not value:
            continue
        if target in columns.DICTIONARY_FIELDS:
            item = dictionary.find(target, value)
            if item is None:
                row.unknown[target] = value
            else:
                row.customer[target] = item
        elif target in columns.CONTACT_FIELDS:
            row.contact[columns.CONTACT_FIELDS[target]] = value
        else:
            row.customer[target] = value
    _check(row)
    return row


def _check(row):
    if not row.key:
        row.problems.append(_("no customer name"))
    for model, values in ((Customer, row.customer), (Contact, row.contact)):
        for name_, value in values.items():
            limit = _limit(model, name_) if isinstance(value, str) else None
            if limit and len(value) > limit:
                label = model._meta.get_field(name_).verbose_name
                row.problems.append(
                    _("%(field)s is %(length)d characters long; at most %(limit)d")
                    % {"field": label, "length": len(value), "limit": limit}
                )
    if row.contact and not row.contact.get("name"):
        row.problems.append(_("contact details without a contact name"))
    email = row.contact.get("email")
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            row.problems.append(_("%(email)s is not an email address") % {"email": email})


# ---------------------------------------------------------------------------- preparing


def prepare(user, upload, encoding=""):
    """A draft import of the uploaded file, its columns guessed. Raises ServiceError for a
    file that cannot be imported at all (writes nothing then)."""
    table = Table(upload.read(), upload.name, encoding)
    job = ImportJob(
        created_by=user,
        filename=upload.name[:255],
        encoding=table.encoding,
        mapping=columns.guess(table.header),
        total=len(table.rows),
    )
    upload.seek(0)
    with transaction.atomic():
        job.file.save("upload", ContentFile(upload.read()), save=False)
        job.save()
        trail.record(user, Action.CREATE, job, changes={"file": [None, job.filename]})
    return job


def table_of(job):
    with job.file.open("rb") as stored:
        return Table(stored.read(), job.filename, job.encoding)


def set_mapping(job, mapping):
    """The field of each column, as the person chose; each field at most once."""
    known = set(columns.FIELDS)
    chosen = [value if value in known else "" for value in mapping]
    doubled = {value for value in chosen if value and chosen.count(value) > 1}
    if doubled:
        labels = ", ".join(str(columns.FIELDS[value][0]) for value in sorted(doubled))
        raise ServiceError(_("Each field may come from one column only: %s") % labels)
    job.mapping = chosen


def preview(job, table=None):
    """What the import would do: the first rows as they will be stored, the rows refused
    and why, values not in the data dictionary, and every duplicate — in the file, and
    against live customers (of a claimed one only its name and owner: C2)."""
    table = table or table_of(job)
    mapping = (job.mapping + [""] * len(table.header))[: len(table.header)]
    dictionary = Dictionary()
    rows = [convert(line, cells, mapping, dictionary) for line, cells in table.rows]
    first_line = {}
    in_file = []
    for row in rows:
        key = row.key
        if not key:
            continue
        if key in first_line:
            in_file.append((row, first_line[key]))
        else:
            first_line[key] = row.line
    existing = _existing(first_line)
    unknown = _unknown(rows)
    return {
        "header": table.header,
        "mapping": mapping,
        "rows": rows[:PREVIEW_ROWS],
        "refused": [row for row in rows if row.problems],
        "in_file": in_file,
        "existing": [
            (row, existing[row.key])
            for row in rows
            if row.key in existing and first_line.get(row.key) == row.line
        ],
        "unknown": {
            str(columns.FIELDS[target][0]): sorted(values) for target, values in unknown.items()
        },
        "has_name": "name" in mapping,
    }


def _unknown(rows):
    """{dictionary field: the values of `rows` not in the data dictionary}."""
    unknown = {}
    for row in rows:
        for target, value in row.unknown.items():
            unknown.setdefault(target, set()).add(value)
    return unknown


def add_unknown_values(user, job):
    """Adds the file's values not in the data dictionary to it (administrators), each
    under its name in the language it is written in, so the rows get them. Part of the
    caller's transaction: one refused value refuses them all. Returns how many."""
    from settings_app import services as dictionary

    table = table_of(job)
    mapping = (job.mapping + [""] * len(table.header))[: len(table.header)]
    known = Dictionary()
    rows = (convert(line, cells, mapping, known) for line, cells in table.rows)
    added = 0
    for kind, values in sorted(_unknown(rows).items()):
        for value in sorted(values):
            language = "name" if value.isascii() else "name_zh_hans"
            try:
                dictionary.add_item(user, kind, **{language: value})
            except ServiceError as error:
                label = columns.FIELDS[kind][0]
                raise ServiceError(f"{label} “{value[:50]}”: {error.message}") from None
            added += 1
    return added


def _existing(keys):
    """{name key: live customer (owner loaded)} for the keys that exist."""
    found = {}
    keys = list(keys)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        for customer in Customer.live.filter(name_key__in=chunk).select_related("owner"):
            found[customer.name_key] = customer
    return found


def shown(preview):
    """(labels, rows) of the preview table: the mapped fields in the order of the form,
    and for each of the first rows its line, each field's value as stored, its problems."""
    fields = [name for name in columns.FIELDS if name in preview["mapping"]]
    rows = []
    for row in preview["rows"]:
        values = {**row.customer, **row.unknown}
        values.update({f"contact_{key}": value for key, value in row.contact.items()})
        rows.append(
            {
                "line": row.line,
                "cells": [values.get(name, "") for name in fields],
                "problems": row.problems,
            }
        )
    return [columns.FIELDS[name][0] for name in fields], rows


def pace(job):
    """(rows a second, seconds left) of a running import, or None before it can tell."""
    if job.state != ImportJob.State.RUNNING or not job.started_at or not job.done:
        return None
    seconds = (timezone.now() - job.started_at).total_seconds()
    rate = job.done / seconds if seconds > 0 else 0
    return (round(rate), round((job.total - job.done) / rate)) if rate else None


# ---------------------------------------------------------------------------- starting


def start(
    user,
    job,
    *,
    target,
    assignees=(),
    on_duplicate=ImportJob.OnDuplicate.SKIP,
    add_unknown=False,
):
    """Queue the import. Refused (nothing queued) when the person may not import there,
    when no column holds the name, or when the job already ran. `add_unknown`: first add
    the file's values not in the data dictionary to it (administrators only)."""
    from .tasks import run_import

    if job.created_by_id != user.pk:
        raise NotAllowed(_("Only the person who uploaded the file may start its import."))
    if job.state != ImportJob.State.DRAFT:
        raise ServiceError(_("This import has already been started."))
    if "name" not in job.mapping:
        raise ServiceError(_("Choose the column that holds the customer's name."), field="mapping")
    reason = refuse_target(user, target, assignees)
    if reason:
        raise NotAllowed(reason)
    if on_duplicate not in ImportJob.OnDuplicate.values:
        raise ServiceError(_("Choose what to do with duplicates."), field="on_duplicate")
    if add_unknown and not user.is_administrator:
        raise NotAllowed(_("Only administrators may add values to the data dictionary."))
    with transaction.atomic():
        added = add_unknown_values(user, job) if add_unknown else 0
        job.target, job.on_duplicate = target, on_duplicate
        job.state = ImportJob.State.QUEUED
        job.save()
        job.assignees.set(assignees if target == Target.SPREAD else [])
        trail.record(
            user,
            Action.UPDATE,
            job,
            changes={
                "state": ["draft", "queued"],
                "target": [None, target],
                **({"dictionary items added": [None, added]} if added else {}),
            },
        )
        transaction.on_commit(lambda: run_import.enqueue(job.pk))
    return job


def cancel(user, job):
    if job.created_by_id != user.pk and not user.is_pool_manager:
        raise NotAllowed(_("Only the person who started the import may cancel it."))
    with transaction.atomic():
        updated = ImportJob.objects.filter(
            pk=job.pk,
            state__in=[ImportJob.State.DRAFT, ImportJob.State.QUEUED, ImportJob.State.RUNNING],
        ).update(state=ImportJob.State.CANCELLED, finished_at=timezone.now())
        if not updated:
            raise ServiceError(_("This import has already finished."))
        trail.record(user, Action.UPDATE, job, changes={"state": [job.state, "cancelled"]})
    job.refresh_from_db()
    return job


# ---------------------------------------------------------------------------- running


def run(job_id):
    """Handle the rows of a queued or interrupted import from where it stopped."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.state not in (ImportJob.State.QUEUED, ImportJob.State.RUNNING):
        return
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.RUNNING, started_at=job.started_at or timezone.now()
    )
    try:
        table = table_of(job)
        _run(job, table)
    except Exception as error:  # the job says it failed, and why; the worker goes on
        ImportJob.objects.filter(pk=job.pk).update(
            state=ImportJob.State.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise


def _run(job, table):
    user = job.created_by
    mapping = (job.mapping + [""] * len(table.header))[: len(table.header)]
    assignees = list(job.assignees.order_by("pk"))
    dictionary = Dictionary()
    seen = {}
    for line, cells in table.rows[: job.done]:  # the rows of chunks already committed
        row = convert(line, cells, mapping, dictionary)
        if not row.problems:  # as _import_chunk counted them: a refused row names nothing
            seen.setdefault(row.key, line)
    while True:
        with transaction.atomic():
            locked = ImportJob.objects.select_for_update().get(pk=job.pk)
            if locked.state != ImportJob.State.RUNNING or locked.done >= len(table.rows):
                break
            chunk = table.rows[locked.done : locked.done + settings.IMPORT_CHUNK_ROWS]
            rows = [convert(line, cells, mapping, dictionary) for line, cells in chunk]
            locked.pending_notes = []
            _import_chunk(user, locked, rows, seen, assignees)
            NotImported.objects.bulk_create(locked.pending_notes)
            locked.done += len(chunk)
            locked.heartbeat_at = timezone.now()
            locked.save()
    with transaction.atomic():
        finished = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.RUNNING).update(
            state=ImportJob.State.DONE, finished_at=timezone.now()
        )
        if finished:
            job.refresh_from_db()
            notify(
                [job.created_by_id],
                Kind.IMPORTED,
                count=job.imported,
                file=job.filename,
                url=reverse("transfers:import", args=[job.pk]),
            )
            trail.record(
                user,
                Action.UPDATE,
                job,
                changes={
                    "state": ["running", "done"],
                    "imported": [None, job.imported],
                    "filled": [None, job.filled],
                    "skipped": [None, job.skipped],
                    "refused": [None, job.refused],
                },
            )


def _refuse(job, row, reason):
    job.refused += 1
    _note(job, row.line, row.name, reason)


def _note(job, line, name, reason):
    """A row not imported, written with the chunk's counters."""
    job.pending_notes.append(NotImported(job=job, line=line, name=name[:300], reason=reason[:500]))


def _import_chunk(user, job, rows, seen, assignees):
    existing = _existing({row.key for row in rows if row.key})
    fresh = []
    for row in rows:
        key = row.key
        if row.problems:
            _refuse(job, row, "; ".join(row.problems))
        elif key in seen:
            job.skipped += 1
            _note(job, row.line, row.name, _("same name as line %d") % seen[key])
        elif key in existing:
            seen[key] = row.line
            _duplicate(user, job, row, existing[key])
        else:
            seen[key] = row.line
            fresh.append(row)
    created = _create(user, job, fresh)
    job.imported += len(created)
    if job.target == Target.SPREAD and created:
        _spread(user, job, [customer.pk for customer in created], assignees)


def _create(user, job, rows):
    """The new customers of `rows`, written together; when a name was taken meanwhile (the
    batch is refused as a whole), one by one, refusing only that row."""
    claim = job.target == Target.MINE
    pairs = [({**row.customer, "name": row.name.strip()}, row.contact or None) for row in rows]
    try:
        with transaction.atomic():
            return ownership.create_many(user, pairs, claim=claim)
    except ServiceError:
        created = []
        for row, pair in zip(rows, pairs, strict=True):
            try:
                with transaction.atomic():
                    created += ownership.create_many(user, [pair], claim=claim)
            except ServiceError as error:
                _refuse(job, row, error.message)
        return created


def _duplicate(user, job, row, customer):
    """A row whose name a live customer has: skipped, or (when asked) its empty fields filled
    while it is in the pool."""
    if job.on_duplicate != ImportJob.OnDuplicate.FILL:
        job.skipped += 1
        _note(job, row.line, row.name, _("already a customer (id %d)") % customer.pk)
        return
    empty = {
        name: value
        for name, value in row.customer.items()
        if name != "name" and name in details.POOL_EDITABLE_FIELDS and not getattr(customer, name)
    }
    if customer.owner_id is not None:
        job.skipped += 1
        owner = customer.owner.label
        _note(job, row.line, row.name, _("already a customer of %s: left as it is") % owner)
        return
    try:
        if empty:
            details.update_in_pool(user, customer, empty)
    except ServiceError as error:
        _refuse(job, row, error.message)
        return
    job.filled += 1


def _spread(user, job, ids, assignees):
    """Deal the new customers out in turn, continuing the turn across chunks, so every
    person gets the same number give or take one (P6), through the assign service."""
    turns = {}
    first = job.imported - len(ids)
    for offset, customer_id in enumerate(ids):
        person = assignees[(first + offset) % len(assignees)]
        turns.setdefault(person, []).append(customer_id)
    for person, customer_ids in turns.items():
        result = ownership.assign(user, customer_ids, [person], reason=_("import"))
        for refused in result.refused:
            _note(job, None, refused["name"] or "", refused["reason"])


# ---------------------------------------------------------------------------- the result


def refusals_csv(job):
    """The refused and skipped rows with their reasons, as CSV for Excel (UTF-8 with BOM)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_("Line"), _("Customer name"), _("Reason")])
    for line, name, reason in job.not_imported.values_list("line", "name", "reason"):
        writer.writerow([line or "", neutralised(name), neutralised(reason)])
    return out.getvalue()
