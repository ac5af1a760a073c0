"""An import of customers from a file, from upload to its counts (SPEC B2)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def stored_name(instance, filename):
    """A generated name under imports/: the client's name is kept in `filename` only."""
    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Job:
    """What an import and an export have alike: a file's name, and rows done of a total
    while the job is queued or running."""

    def __str__(self):
        return self.filename

    @property
    def is_active(self):
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def percent(self):
        return min(int(self.done * 100 / self.total), 100) if self.total else 0


class ImportJob(Job, models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("waiting for your choices")
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("importing")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")
        FAILED = "failed", _("failed")

    class Target(models.TextChoices):
        POOL = "pool", _("the customer pool")
        MINE = "mine", _("my customers")
        SPREAD = "spread", _("spread evenly over chosen salespeople")

    class OnDuplicate(models.TextChoices):
        SKIP = "skip", _("skip it")
        FILL = "fill", _("fill the empty fields of the existing customer, if it is in the pool")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file = models.FileField(upload_to=stored_name, max_length=200)
    filename = models.CharField(_("file"), max_length=255)
    encoding = models.CharField(max_length=20, blank=True)
    mapping = models.JSONField(default=list)  # the field of each column, "" for none
    target = models.CharField(max_length=10, choices=Target.choices, default=Target.POOL)
    assignees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    on_duplicate = models.CharField(
        max_length=10, choices=OnDuplicate.choices, default=OnDuplicate.SKIP
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    total = models.PositiveIntegerField(default=0)  # data rows in the file
    done = models.PositiveIntegerField(default=0)  # rows handled, in file order
    imported = models.PositiveIntegerField(default=0)
    filled = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)  # last chunk committed
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")


class NotImported(models.Model):
    """A row of an import's file that was refused or skipped, and why."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="not_imported")
    line = models.PositiveIntegerField(null=True)  # None: not a row's own refusal
    name = models.CharField(max_length=300, blank=True)
    reason = models.CharField(max_length=500)

    class Meta:
        ordering = ["job", "id"]

    def __str__(self):
        return f"{self.line}: {self.reason}"


def export_stored_name(instance, filename):
    """A generated name under exports/: the name the person sees is kept in `filename`."""
    return f"exports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class ExportJob(Job, models.Model):
    """A list too long to stream, written to a file by a background job (issue 16): the
    export view, its arguments and query string, replayed for its requester, who alone
    may download the file until `expires_at`."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("exporting")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")
        EXPIRED = "expired", _("expired")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    list_name = models.CharField(max_length=40)  # "pool", "mine", "contracts", "audit" …
    # The export view by its URL name, with its URL arguments ({"module": "contracts"}) and
    # the list's query string (search, filters, order), as the person asked for it.
    route = models.CharField(max_length=100)
    route_kwargs = models.JSONField(default=dict)
    query = models.TextField(blank=True)
    language = models.CharField(max_length=10)  # of the column titles and values
    format = models.CharField(max_length=4, choices=Format.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)  # rows of the list, counted by the worker
    done = models.PositiveIntegerField(default=0)  # rows written
    file = models.FileField(upload_to=export_stored_name, max_length=200, blank=True)
    filename = models.CharField(_("file"), max_length=255)
    heartbeat_at = models.DateTimeField(null=True, blank=True)  # last progress written
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)  # the file is deleted then
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "expires_at"], name="export_expiry")]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    @property
    def is_expired(self):
        """Expired, or past its time and not yet purged (transfers.export_jobs.purge)."""
        if self.state == self.State.EXPIRED:
            return True
        return self.state == self.State.DONE and self.expires_at <= timezone.now()

    @property
    def is_downloadable(self):
        return self.state == self.State.DONE and not self.is_expired

    @property
    def percent(self):
        if self.state in (self.State.DONE, self.State.EXPIRED):
            return 100
        return super().percent
