import uuid
from pathlib import PurePath

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from records.models import CustomerRecord


def stored_name(instance, filename):
    """A generated name under attachments/YYYY/MM/: the client's name and path are never
    used on disk (only its extension, lower-cased)."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(CustomerRecord):
    file = models.FileField(_("file"), upload_to=stored_name, max_length=200)
    original_name = models.CharField(_("name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        """The download, served only to those who may read the customer."""
        return reverse("attachments:download", args=[self.pk])
