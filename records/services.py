"""Create, change and delete rows of a customer's working record. Each module's service
subclasses RecordService and adds its own rules in `check` (dates in order, no
overpayment …); who may write is decided in records.access for all of them."""

import datetime

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from audit import trail
from core import concurrency
from core.errors import ServiceError
from customers.services.results import BatchResult

from . import access

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

    def delete(self, user, record):
        access.ensure_can_write(user, record.customer, self.write_rule, record)
        try:
            with transaction.atomic():
                trail.deleted(user, record, customer_id=record.customer_id)
                record.delete()
                self.after_delete(record)
        except ProtectedError as error:
            kinds = sorted({str(row._meta.verbose_name_plural) for row in error.protected_objects})
            raise ServiceError(
                _("Other records depend on it (%(kinds)s); remove those first.")
                % {"kinds": ", ".join(kinds)}
            ) from None

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
