"""One audit trail: who did what to which object, when, from where, and what changed
(Zulip's RealmAuditLog is the model). A service writes its row in the same transaction as
the change it traces; a refusal is written when the refused request is answered."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    DELETE = "delete", _("deleted")
    RESTORE = "restore", _("restored")
    OWNERSHIP = "ownership", _("ownership")
    REFUSED = "refused", _("refused")
    LOGIN = "login", _("signed in")
    LOGIN_FAILED = "login_failed", _("sign-in failed")
    LOGOUT = "logout", _("signed out")
    EXPORT = "export", _("exported")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # Null for what no signed-in person did (a failed sign-in); never deleted (PROTECT).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices, db_index=True)
    # What it was done to: "sales.payment" 42, "settings_app.systemsettings" 1 …
    object_type = models.CharField(_("object type"), max_length=60, db_index=True)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    object_label = models.CharField(_("object"), max_length=200, blank=True)
    # The customer whose record it belongs to, for the customer's history tab. Customers
    # go to the recycle bin, not away; were one erased, object_id still names it.
    customer = models.ForeignKey(
        "customers.Customer", null=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    # {field: [before, after]} for a change; the values as they were shown.
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    request_id = models.CharField(_("request"), max_length=32, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    # The name typed at a failed sign-in, which may match no one.
    username = models.CharField(_("username"), max_length=150, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        indexes = [
            models.Index(fields=["customer", "at"], name="audit_customer_at"),
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type} {self.object_id}"
