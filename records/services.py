"""Create, change and delete rows of a customer's working record. Each module's service
subclasses RecordService and adds its own rules in `check` (dates in order, no
overpayment …); who may write is decided in records.access for all of them."""

import datetime

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from audit import trail
from audit.models import Action
from core import concurrency
from core.errors import NotAllowed, NotVisible, ServiceError
from customers.services.results import BatchResult

from . import access, registry
from .models import CustomerRecord

# Dates a working record can hold: 0001-01-01 was taken, and sorted every list oddly.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2200


def check_dates(data):
    """Refuses a date or time outside EARLIEST_YEAR..LATEST_YEAR, naming its field."""
    for field, value in data.items():
        if isinstance(value, datetime.date) and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
            raise ServiceError(
                _("A date from %(first)d to %(last)d, please.")
                % {"first": EARLIEST_YEAR, "last": LATEST_YEAR},
                field=field,
            )


class HasDependents(ServiceError):
    """A deletion that would leave other rows without what they belong to; `rows` names
    them, so the person can choose to delete them too."""

    def __init__(self, rows):
        kinds = sorted({str(row._meta.verbose_name_plural) for row in rows})
        super().__init__(
            _(
                "Other records depend on it (%(kinds)s). Delete it on its own to choose "
                "whether they go to the recycle bin with it."
            )
            % {"kinds": ", ".join(kinds)}
        )
        self.rows = rows
        self.described = [(capfirst(row._meta.verbose_name), str(row)) for row in rows]


class RecordService:
    model = None
    write_rule = access.OWNER
    editable = True  # False: rows are never changed once made (update() refuses)

    def check(self, customer, data, instance=None):
        """Refuse data that breaks a business rule (raise core.errors.ServiceError)."""

    def after_save(self, record, created):
        """Keep derived values in step (totals, last-contacted time …)."""

    def create(self, user, customer, data):
        access.ensure_can_write(user, customer, self.write_rule)
        check_dates(data)
        self.check(customer, data)
        with transaction.atomic():
            record = self.model(customer=customer, created_by=user, **data)
            record.save()
            self.after_save(record, created=True)
            trail.created(user, record, customer_id=customer.pk)
        return record

    def update(self, user, record, data, version=None):
        """`version`: the version the person edited, when they said (core.concurrency)."""
        access.ensure_can_write(user, record.customer, self.write_rule, record)
        check_dates(data)
        self.check(record.customer, data, instance=record)
        with transaction.atomic():
            stored = concurrency.check_version(record, version)
            before = trail.snapshot(stored) if stored is not None else {}
            for field, value in data.items():
                setattr(record, field, value)
            record.save()
            self.after_save(record, created=False)
            trail.updated(user, record, before, customer_id=record.customer_id)
        return record

    def delete(self, user, record, *, with_dependents=False):
        """Moves `record` to the recycle bin. Rows that cannot be without it (a contract's
        receivables and payments) are never removed silently: the deletion is refused,
        naming them, unless `with_dependents` says they go to the bin with it. Returns the
        rows that went with it."""
        access.ensure_can_write(user, record.customer, self.write_rule, record)
        along = dependents(record)
        if along and not with_dependents:
            raise HasDependents(along)
        deleted_at = timezone.now()
        with transaction.atomic():
            for row in [record, *along]:
                # One conditional UPDATE: of two deletions at once, one finds it gone.
                moved = (
                    type(row)
                    .objects.filter(pk=row.pk)
                    .update(deleted_at=deleted_at, deleted_by=user, version=F("version") + 1)
                )
                if not moved:
                    raise NotVisible(_("It has already been deleted."))
                row.deleted_at, row.deleted_by = deleted_at, user
                trail.deleted(user, row, customer_id=row.customer_id)
                service_of(row).after_delete(row)
        return along

    def restore(self, user, record):
        """Brings `record` back from the recycle bin, with the rows deleted together with it
        (a contract's payments). The owner of the customer (for interaction records, also
        the colleague who wrote it) restores; so does a pool manager when the customer is
        nobody's."""
        writer = access.writer(user, record.customer, self.write_rule)
        reason = access.refuse_restore(user, writer, record)
        if reason:
            raise NotAllowed(reason)
        if record.deleted_at is None:
            raise ServiceError(_("This record is not in the recycle bin."))
        needed = missing_requirement(record)
        if needed is not None:
            # Not named: a pool manager restoring may not read it (C2); its owner sees it
            # in the same recycle bin.
            raise ServiceError(
                _("Restore its %(kind)s first: it is in the recycle bin too.")
                % {"kind": needed._meta.verbose_name}
            )
        rows, deleted_at = [record, *dependents(record, record.deleted_at)], record.deleted_at
        with transaction.atomic():
            for row in rows:
                restored = (
                    type(row)
                    .everything.filter(pk=row.pk, deleted_at=deleted_at)
                    .update(deleted_at=None, deleted_by=None, version=F("version") + 1)
                )
                if not restored:
                    raise ServiceError(_("This record is not in the recycle bin."))
                row.deleted_at = row.deleted_by = None
                trail.record(user, Action.RESTORE, row, customer_id=row.customer_id)
            for row in rows:  # once all are back: a payment is checked against its contract
                service_of(row).check_restore(row)
                service_of(row).after_save(row, created=False)
        return record

    def check_restore(self, record):
        """Refuse (raise ServiceError) a restored row that breaks a business rule now."""

    def delete_many(self, user, customer, ids):
        """Delete the rows `ids` of `customer`'s record, each on its own: what one refuses
        (not this customer's, not theirs to change, still referred to) stays, with the
        reason, and the others go (SPEC L7). A BatchResult keyed by row id."""
        result = BatchResult()
        rows = self.model.objects.filter(customer=customer, pk__in=ids).in_bulk()
        for pk in dict.fromkeys(ids):
            record = rows.get(pk)
            if record is None:
                result.refuse(pk, f"#{pk}", _("This customer has no such record."))
                continue
            try:
                self.delete(user, record)
            except ServiceError as error:
                result.refuse(pk, str(record), error.message)
            else:
                result.done.append(pk)
        return result

    def after_delete(self, record):
        """Keep derived values in step after a row is gone."""


def service_of(row):
    """The service of the module `row` belongs to."""
    return registry.module_of(type(row)).service


def dependents(record, deleted_at=None):
    """The rows that cannot be without `record` (a PROTECT reference to it), and theirs:
    the live ones (`deleted_at` None), or those that went to the recycle bin with it (its
    `deleted_at`)."""
    rows = []
    for relation in record._meta.related_objects:
        if relation.on_delete is models.PROTECT and issubclass(
            relation.related_model, CustomerRecord
        ):
            found = relation.related_model.everything.filter(
                **{relation.field.name: record, "deleted_at": deleted_at}
            )
            for row in found:
                rows += [row, *dependents(row, deleted_at)]
    return rows


def missing_requirement(record):
    """The row `record` cannot be without (the contract of a payment) if that one is in
    the recycle bin, else None."""
    for field in record._meta.concrete_fields:
        if (
            field.is_relation
            and field.remote_field.on_delete is models.PROTECT
            and issubclass(field.related_model, CustomerRecord)
        ):
            required = getattr(record, field.name)
            if required is not None and required.deleted_at is not None:
                return required
    return None
