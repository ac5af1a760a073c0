from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """When a background-job worker last ran the heartbeat job (ops.tasks.heartbeat), read
    by /readyz. One row, shared by every app server and worker through the database."""

    name = models.CharField(primary_key=True, max_length=20, default="worker")
    seen_at = models.DateTimeField(_("seen at"))
    worker = models.CharField(_("worker"), max_length=200, blank=True)  # host and pid

    class Meta:
        verbose_name = _("worker heartbeat")

    def __str__(self):
        return f"{self.name} {self.seen_at:%Y-%m-%d %H:%M:%S} {self.worker}"
