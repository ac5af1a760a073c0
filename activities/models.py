from django.db import models
from django.utils.translation import gettext_lazy as _

from records.models import CustomerRecord
from settings_app.models import dictionary_field


class Interaction(CustomerRecord):
    """交往记录 / 日程 (SPEC §9): a call, visit or meeting, and the next follow-up."""

    happened_at = models.DateTimeField(_("when"), db_index=True)
    kind = dictionary_field("interaction", _("type"))
    subject = models.CharField(_("subject"), max_length=200)
    content = models.TextField(_("content"), blank=True, max_length=20_000)
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    next_follow_up = models.DateField(_("next follow-up"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-happened_at", "-id"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")

    def __str__(self):
        return self.subject
