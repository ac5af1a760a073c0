from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OwnershipAction(models.TextChoices):
    CREATE = "create", _("created")
    CLAIM = "claim", _("claimed")
    RETURN = "return", _("returned")
    RECLAIM = "reclaim", _("reclaimed")
    ASSIGN = "assign", _("assigned")
    SHARE = "share", _("shared")
    UNSHARE = "unshare", _("share removed")
    DELETE = "delete", _("deleted")
    RESTORE = "restore", _("restored")
    LOCK = "lock", _("locked")
    UNLOCK = "unlock", _("unlocked")
    MOVE = "move", _("moved to another pool")


class OwnershipEvent(models.Model):
    """Who did what to a customer's ownership, when, from whom, to whom, why (SPEC H1).
    Written by the ownership service in the same transaction as the change."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(max_length=20, choices=OwnershipAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    to_department = models.ForeignKey(
        "org.Department", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A move between pools (issue 17): the pool it went to; none is the company pool.
    to_pool = models.ForeignKey(
        "customers.Pool", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    # A return's reason from the data dictionary (issue 17); `reason` adds words of one's own.
    reason_item = models.ForeignKey(
        "settings_app.DictionaryItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "return_reason"},
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["customer", "at"], name="event_customer_at"),
            # A person's claims today, counted against the daily claim limit (issue 17).
            models.Index(fields=["actor", "action", "at"], name="event_actor_action_at"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} #{self.customer_id}"
