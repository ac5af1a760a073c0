from django.conf import settings
from django.db import models


class LiveRecords(models.Manager):
    """Rows not in the recycle bin."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class CustomerRecord(models.Model):
    """A row of a customer's working record. It belongs to the customer, not to a person:
    when the customer changes owner, the record stays and the new owner works it.

    A deleted row goes to the recycle bin (`deleted_at`), from which its owner brings it back
    (records.services). `objects` holds the live rows only and is the default manager, so
    every read, reverse relation (contract.payments), form choice and serializer lookup
    leaves deleted rows out without saying so; `everything` is for the recycle bin."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="%(app_label)s_%(class)ss"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Counts the edits: an edit made from an older version is refused (core.concurrency).
    version = models.PositiveIntegerField(default=1, editable=False)
    # Rows deleted together (a contract and its payments) share one time, and come back
    # together.
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = LiveRecords()
    everything = models.Manager()  # noqa: DJ012 (a manager, which ruff takes for a field)

    class Meta:
        abstract = True
