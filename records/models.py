from django.conf import settings
from django.db import models


class CustomerRecord(models.Model):
    """A row of a customer's working record. It belongs to the customer, not to a person:
    when the customer changes owner, the record stays and the new owner works it."""

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

    class Meta:
        abstract = True
