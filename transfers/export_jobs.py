"""Exports too long to stream (issue 16). A list of at most EXPORT_STREAM_MAX_ROWS rows
streams at once (transfers.exporting); a longer one is written to a file by a background
job, with its progress, which only the person who asked for it may download, for
EXPORT_KEEP_HOURS after it is ready: then the file is deleted (`purge`).

The job replays the export as it was asked for: the export view (by its URL name), its
URL arguments and the list's query string, set up for a GET by the requester, in their
language and time zone. The view's own rows and columns decide what is written, so the
file holds what streaming it would have: the same rows in the same order, the private
fields of the same rows left empty or out."""

import functools
import tempfile
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import resolve, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit import trail
from audit.models import Action
from core.counting import capped_total
from core.views import refusal

from . import exporting
from .models import ExportJob
from .tasks import resume_stalled_exports, run_export

PROGRESS_EVERY = 2000  # rows written between two updates of a job's `done`
State = ExportJob.State


@dataclass(frozen=True)
class Listing:
    """What an export view exports for one request: the list's name, its rows as searched
    and filtered (a queryset, to count), every row in the list's order with what its
    columns show (an iterable, read when `items` is called), and the columns."""

    name: str
    rows: Any
    items: Callable[[], Iterable]
    columns: Any


# ---------------------------------------------------------------------------- asking


def answer(request, listing, file_format, queued):
    """The answer to an export of `listing`: the file, streamed, when the list has at most
    EXPORT_STREAM_MAX_ROWS rows; else `queued(job)`, of the job queued to write it."""
    if request.method == "HEAD":  # what a GET would answer, without writing or recording it
        return HttpResponse(content_type=exporting.CONTENT_TYPES[file_format])
    query = request.GET.copy()
    query.pop("format", None)
    query = query.urlencode()
    if not capped_total(listing.rows, settings.EXPORT_STREAM_MAX_ROWS).is_capped:
        rows, columns = listing.items(), listing.columns
        return exporting.export(request.user, listing.name, rows, columns, file_format, query)
    return queued(queue(request, listing.name, file_format, query))


def queue(request, list_name, file_format, query):
    """A job writing the export the request asks for, queued when it is committed with its
    audit row."""
    purge()
    match = request.resolver_match
    job = ExportJob(
        created_by=request.user,
        list_name=list_name,
        route=match.view_name,
        route_kwargs=match.kwargs,
        query=query,
        language=translation.get_language(),
        format=file_format,
        filename=exporting.file_name(list_name, file_format),
    )
    with transaction.atomic():
        job.save()
        exporting.record(request.user, list_name, file_format, query, job)
        transaction.on_commit(lambda: run_export.enqueue(job.pk))
    return job


# ---------------------------------------------------------------------------- writing


def run(job_id):
    """Write the file of a queued export (the task's body). A failure marks the job failed,
    with the error, and is raised for the worker to log."""
    taken = ExportJob.objects.filter(pk=job_id, state=State.QUEUED)
    if not taken.update(state=State.RUNNING, heartbeat_at=timezone.now()):
        return  # another worker took it, or it is gone
    job = ExportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        with translation.override(job.language), timezone.override(_time_zone(job.created_by)):
            _write(job)
    except Exception as error:
        ExportJob.objects.filter(pk=job.pk).update(
            state=State.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise


def _time_zone(user):
    """The person's own time zone, as their pages show times (core.middleware); None for
    the site's."""
    return zoneinfo.ZoneInfo(user.time_zone) if user.time_zone else None


def replay(job):
    """The Listing the job's export view gives its requester for the job's query: the view
    set up (its public `setup`) for a GET of that query by that person."""
    path = reverse(job.route, kwargs=job.route_kwargs)
    match = resolve(path)
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.GET = QueryDict(job.query)
    request.user = job.created_by
    request.resolver_match = match
    view = match.func.view_class(**match.func.view_initkwargs)
    view.setup(request, **match.kwargs)
    return view.replayed_listing()


def _write(job):
    listing = replay(job)
    ExportJob.objects.filter(pk=job.pk).update(total=listing.rows.order_by().count())
    written = _Counter(job)
    with tempfile.TemporaryFile() as out:
        exporting.write(
            out, job.format, listing.columns, written.counting(listing.items()), listing.name
        )
        out.seek(0)
        job.file.save(job.filename, File(out, name=job.filename), save=False)
    finished = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(
        state=State.DONE,
        file=job.file.name,
        total=written.count,
        done=written.count,
        finished_at=finished,
        expires_at=finished + timedelta(hours=settings.EXPORT_KEEP_HOURS),
    )


class _Counter:
    """Counts the rows written; every PROGRESS_EVERY rows the job's `done` is updated (a
    plain UPDATE, committed at once: the progress page reads it meanwhile)."""

    def __init__(self, job):
        self.job, self.count = job, 0

    def counting(self, rows):
        for row in rows:
            yield row
            self.count += 1
            if self.count % PROGRESS_EVERY == 0:
                ExportJob.objects.filter(pk=self.job.pk).update(
                    done=self.count, heartbeat_at=timezone.now()
                )


# ---------------------------------------------------------------------------- the file


def own(user, pk):
    """The person's own export (anyone else's, an administrator's too, is not found),
    queued again first if its worker stopped while writing it."""
    job = get_object_or_404(ExportJob, pk=pk, created_by=user)
    if resume_stalled_exports(ExportJob.objects.filter(pk=job.pk)):
        job.refresh_from_db()
    return job


def download(request, job):
    """The job's file as an attachment, for the person's own job (the views find it among
    theirs only); while it is not ready, after it failed or once it is deleted, a page (or
    JSON) saying so."""
    if job.is_active:
        return refusal(request, _("This export is still being prepared: try again soon."), 409)
    if job.state == State.FAILED:
        return refusal(request, _("This export stopped on an error: export the list again."), 409)
    if job.is_expired:
        return refusal(request, expired_message(), 410)
    try:
        stored = job.file.open("rb")
    except FileNotFoundError:  # removed from the server by hand
        return refusal(request, expired_message(), 410)
    return FileResponse(
        stored,
        as_attachment=True,
        filename=job.filename,
        content_type=exporting.CONTENT_TYPES[job.format],
    )


def expired_message():
    hours = settings.EXPORT_KEEP_HOURS
    return ngettext(
        "An exported file is kept for %(hours)d hour, and this one has been deleted: "
        "export the list again.",
        "An exported file is kept for %(hours)d hours, and this one has been deleted: "
        "export the list again.",
        hours,
    ) % {"hours": hours}


def purge(now=None):
    """Deletes the files of the exports whose time is up and marks them expired, each in
    the audit trail; a file goes once its job's change is committed. Returns how many."""
    due = ExportJob.objects.filter(state=State.DONE, expires_at__lte=now or timezone.now())
    count = 0
    for job in due:
        with transaction.atomic():
            expired = ExportJob.objects.filter(pk=job.pk, state=State.DONE)
            if not expired.update(state=State.EXPIRED, file=""):
                continue  # expired meanwhile by another request
            trail.record(
                None,
                Action.DELETE,
                job,
                changes={"file": [job.file.name, None], "state": [State.DONE, State.EXPIRED]},
                reason=_("retention period over"),
            )
            if job.file.name:
                transaction.on_commit(functools.partial(job.file.storage.delete, job.file.name))
        count += 1
    return count
