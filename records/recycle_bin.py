"""A customer's recycle bin of working records: the rows deleted from its tabs, newest first,
with whether the person may bring each back (records.services.RecordService.restore)."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from . import access, registry


@dataclass
class DeletedRecord:
    module: object
    record: object
    label: str | None  # None where the person may not read the record (C2)
    may_restore: bool

    @property
    def deleted_at(self):
        return self.record.deleted_at

    @property
    def deleted_by(self):
        return self.record.deleted_by.label if self.record.deleted_by_id else None


def deleted_records(user, customer, readable=True):
    """Every deleted row of `customer`'s working record. `readable`: whether `user` may read
    the customer's full record; a pool manager restoring a customer nobody owns sees each
    row's kind and number only."""
    entries = []
    for module in registry.modules():
        rows = module.model.everything.filter(customer=customer, deleted_at__isnull=False)
        rows = list(rows.select_related("customer", "deleted_by", *module.related))
        if not rows:
            continue
        writer = access.writer(user, customer, module.service.write_rule)
        for record in rows:
            entries.append(
                DeletedRecord(
                    module=module,
                    record=record,
                    label=str(record) if readable else _("#%(id)d") % {"id": record.pk},
                    may_restore=access.refuse_restore(user, writer, record) is None,
                )
            )
    entries.sort(key=lambda entry: entry.deleted_at, reverse=True)
    return entries
