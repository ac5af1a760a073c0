"""The import pages: upload, preview and choices, progress and result; the export of each
list, and the pages of the exports too long to stream. The rules are in
transfers.importing, transfers.exporting and transfers.export_jobs; these views parse,
call them and render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from audit.views import NEWEST_FIRST, AuditTrailPage
from core.errors import ServiceError
from core.listing import in_one_order
from core.views import ServiceErrorPages, refusal
from customers.views import lists
from records.views import ModuleListPage

from . import columns, export_jobs, exporting, importing
from .forms import StartForm, UploadForm
from .models import ExportJob, ImportJob
from .tasks import resume_stalled


def progress_context(job):
    """What the progress part of the import page (_progress.html) shows."""
    return {"job": job, "pace": importing.pace(job), "not_imported": job.not_imported.exists()}


def own_job(request, pk):
    """The person's own import; anyone else's is not found."""
    return get_object_or_404(ImportJob, pk=pk, created_by=request.user)


class NewImportView(LoginRequiredMixin, View):
    def get(self, request):
        return render(request, "transfers/new.html", {"form": UploadForm()})

    def post(self, request):
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                job = importing.prepare(
                    request.user, form.cleaned_data["file"], form.cleaned_data["encoding"]
                )
            except ServiceError as error:
                form.add_error("file", error.message)
            else:
                return redirect("transfers:import", job.pk)
        return render(request, "transfers/new.html", {"form": form}, status=400)


class ImportView(LoginRequiredMixin, ServiceErrorPages, View):
    def get(self, request, pk):
        job = own_job(request, pk)
        return self.page(request, job, StartForm(user=request.user))

    def page(self, request, job, form, status=200):
        context = {**progress_context(job), "form": form, "field_choices": columns.choices()}
        if job.state == ImportJob.State.DRAFT:
            try:
                preview = importing.preview(job)
            except ServiceError as error:  # the stored file became unreadable: say so
                context["preview_error"] = error.message
            else:
                context["preview"] = preview
                context["mapping_rows"] = list(
                    zip(preview["header"], preview["mapping"], strict=True)
                )
                context["preview_fields"], context["preview_rows"] = importing.shown(preview)
        return render(request, "transfers/import.html", context, status=status)

    def post(self, request, pk):
        """The column mapping changed ("mapping"), or the import is started."""
        job = own_job(request, pk)
        form = StartForm(request.POST, user=request.user)
        if job.state == ImportJob.State.DRAFT:
            count = len(job.mapping)
            try:
                importing.set_mapping(
                    job, [request.POST.get(f"column-{i}", "") for i in range(count)]
                )
            except ServiceError as error:
                messages.error(request, error.message)
                return self.page(request, job, form, status=400)
            job.save(update_fields=["mapping"])
        if "start" not in request.POST:
            return self.page(request, job, form)
        if not form.is_valid():
            return self.page(request, job, form, status=400)
        try:
            importing.start(
                request.user,
                job,
                target=form.cleaned_data["target"],
                assignees=list(form.cleaned_data.get("assignees") or []),
                on_duplicate=form.cleaned_data["on_duplicate"],
                add_unknown=form.cleaned_data.get("add_unknown", False),
            )
        except ServiceError as error:
            form.add_error(None, error.message)
            return self.page(request, job, form, status=400)
        messages.success(
            request, _("The import has started: %(rows)s rows.") % {"rows": f"{job.total:,}"}
        )
        return redirect("transfers:import", job.pk)


class ProgressView(LoginRequiredMixin, View):
    """The progress part of the import page, polled while the import runs."""

    def get(self, request, pk):
        job = own_job(request, pk)
        resume_stalled(ImportJob.objects.filter(pk=job.pk))
        return render(request, "transfers/_progress.html", progress_context(job))


class CancelView(LoginRequiredMixin, ServiceErrorPages, View):
    def post(self, request, pk):
        job = own_job(request, pk)
        importing.cancel(request.user, job)
        messages.success(
            request,
            _(
                "Import cancelled: %(done)s of %(total)s rows were handled; "
                "what they imported stays."
            )
            % {"done": f"{job.done:,}", "total": f"{job.total:,}"},
        )
        return redirect("transfers:import", job.pk)


class RefusalsView(LoginRequiredMixin, View):
    def get(self, request, pk):
        job = own_job(request, pk)
        if not job.not_imported.exists():
            raise Http404
        response = HttpResponse(importing.refusals_csv(job), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-not-imported.csv"'
        return response


class ImportListView(LoginRequiredMixin, View):
    def get(self, request):
        jobs = ImportJob.objects.filter(created_by=request.user)[:50]
        return render(request, "transfers/list.html", {"jobs": jobs})


def export_context(job):
    """What the progress part of an export's page (_export_progress.html) shows."""
    return {"job": job, "expired_message": export_jobs.expired_message()}


class ExportListView(LoginRequiredMixin, View):
    def get(self, request):
        export_jobs.purge()
        context = {
            "jobs": ExportJob.objects.filter(created_by=request.user)[:50],
            "limit": f"{settings.EXPORT_STREAM_MAX_ROWS:,}",
            "keep_hours": settings.EXPORT_KEEP_HOURS,
        }
        return render(request, "transfers/exports.html", context)


class ExportView(LoginRequiredMixin, View):
    def get(self, request, pk):
        job = export_jobs.own(request.user, pk)
        return render(request, "transfers/export.html", export_context(job))


class ExportProgressView(LoginRequiredMixin, View):
    """The progress part of an export's page, polled while the file is written."""

    def get(self, request, pk):
        job = export_jobs.own(request.user, pk)
        return render(request, "transfers/_export_progress.html", export_context(job))


class ExportDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk):
        return export_jobs.download(request, export_jobs.own(request.user, pk))


class ExportMixin:
    """A list page's rows as a file (`?format=csv|xlsx` and the list's own query string):
    the list view's queryset, filters and order, streamed, or for a long list written by a
    background job (transfers.export_jobs)."""

    def get(self, request, *args, **kwargs):
        file_format = request.GET.get("format", exporting.CSV)
        filterset = self.get_filterset()
        if file_format not in exporting.FORMATS or not filterset.is_valid():
            errors = _filter_errors(filterset)
            if file_format not in exporting.FORMATS:
                errors.append(_("Export as csv or xlsx."))
            return refusal(request, " ".join(errors), 400)
        listing = self.export_listing(filterset)
        return export_jobs.answer(request, listing, file_format, queued=self.export_queued)

    def export_queued(self, job):
        limit = settings.EXPORT_STREAM_MAX_ROWS
        messages.info(
            self.request,
            _(
                "The list has more than %(rows)s rows: it is being prepared in the "
                "background. Download it from this page when it is ready."
            )
            % {"rows": f"{limit:,}"},
        )
        return redirect("transfers:export", job.pk)

    def replayed_listing(self):
        """What a background export writes, the view set up for its request (export_jobs)."""
        filterset = self.get_filterset()
        if not filterset.is_valid():
            raise ServiceError(" ".join(_filter_errors(filterset)))
        return self.export_listing(filterset)

    def export_listing(self, filterset):
        return export_jobs.Listing(
            name=self.export_name(),
            rows=filterset.qs,
            items=lambda: self.export_rows(filterset),
            columns=self.export_columns(),
        )

    def export_name(self):
        return self.section

    def export_rows(self, filterset):
        rows = filterset.qs.order_by(*self.sort(filterset).order_by())
        return exporting.rows_of(self.request.user, rows, self.decorate, shared=False)

    def export_columns(self):
        return exporting.CustomerColumns(full_record=True)


def _filter_errors(filterset):
    return [str(e) for field in filterset.errors.values() for e in field]


class PoolExportView(ExportMixin, lists.PoolListView):
    def export_columns(self):
        return exporting.CustomerColumns(full_record=False)


class MineExportView(ExportMixin, lists.MineListView):
    pass


class SharedExportView(ExportMixin, lists.SharedListView):
    def export_rows(self, filterset):
        rows = filterset.qs.order_by(*self.sort(filterset).order_by())
        return exporting.rows_of(self.request.user, rows, self.decorate, shared=True)


class RecycleBinExportView(ExportMixin, lists.RecycleBinView):
    def export_columns(self):
        return exporting.CustomerColumns(full_record=False)


class ModuleExportView(ExportMixin, ModuleListPage):
    """A record module's own list (every row I may read), in its order."""

    def export_name(self):
        return self.module.key

    def export_rows(self, filterset):
        rows = filterset.qs
        if not self.request.GET.get("ordering"):
            rows = rows.order_by(*self.default_ordering)
        return self.decorate(in_one_order(rows)).iterator(chunk_size=exporting.BATCH)

    def export_columns(self):
        return exporting.ModuleColumns(self.module)


class AuditExportView(ExportMixin, AuditTrailPage):
    """The audit trail as its page filters it, newest first (administrators)."""

    def replayed_listing(self):
        if not self.request.user.is_administrator:  # no longer one when the job runs
            raise ServiceError(_("Only administrators may export the audit trail."))
        return super().replayed_listing()

    def export_rows(self, filterset):
        rows = filterset.qs.order_by(*NEWEST_FIRST.order_by()).select_related("actor")
        return rows.iterator(chunk_size=exporting.BATCH)

    def export_columns(self):
        return exporting.AuditColumns()
