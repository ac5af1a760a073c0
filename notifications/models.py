from django.conf import settings
from django.db import models
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    DUE = "due", _("due to return")
    RETURNED = "returned", _("returned by the pool rules")
    ASSIGNED = "assigned", _("assigned to you")
    SHARED = "shared", _("shared with you")
    IMPORTED = "imported", _("import finished")


def _names(params):
    """The customers a notification names (the first few), as a list in the language."""
    names = params.get("names") or []
    separator = "、" if (get_language() or "").startswith("zh") else ", "
    more = params.get("count", len(names)) > len(names)
    return separator.join(names) + ("…" if more else "")


class Notification(models.Model):
    """Something a person should know (issue 17), shown by the bell in the top bar and
    listed at /notifications/. The sentence is made when shown, from `kind` and `params`,
    so it reads in the reader's language. `key`, when set, makes a notification one of a
    kind: the warning of one customer's one due date is given once, however often the
    sweep runs."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)
    key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="notification_user_new"),
            models.Index(
                fields=["user"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~models.Q(key=""), name="notification_once"
            )
        ]

    def __str__(self):
        return self.text

    @property
    def text(self):
        p = self.params
        count = p.get("count", 1)
        if self.kind == Kind.DUE:
            return ngettext(
                "%(names)s returns to the pool in %(days)d day unless you follow it up.",
                "%(names)s returns to the pool in %(days)d days unless you follow it up.",
                p.get("days", 0),
            ) % {"names": _names(p), "days": p.get("days", 0)}
        if self.kind == Kind.RETURNED:
            return ngettext(
                "%(count)d of your customers went back to the pool by the pool rules: %(names)s",
                "%(count)d of your customers went back to the pool by the pool rules: %(names)s",
                count,
            ) % {"count": count, "names": _names(p)}
        if self.kind == Kind.ASSIGNED:
            return ngettext(
                "%(by)s gave you %(count)d customer: %(names)s",
                "%(by)s gave you %(count)d customers: %(names)s",
                count,
            ) % {"by": p.get("by", ""), "count": count, "names": _names(p)}
        if self.kind == Kind.SHARED:
            return ngettext(
                "%(by)s shared %(count)d customer with you: %(names)s",
                "%(by)s shared %(count)d customers with you: %(names)s",
                count,
            ) % {"by": p.get("by", ""), "count": count, "names": _names(p)}
        return ngettext(
            "Your import of %(file)s is finished: %(count)d customer imported.",
            "Your import of %(file)s is finished: %(count)d customers imported.",
            count,
        ) % {"file": p.get("file", ""), "count": count}
