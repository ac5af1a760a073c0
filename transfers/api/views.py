"""The import API: upload a file (its preview in the answer), start it, follow it, cancel
it; the exports of the lists, and the exports too long to stream: follow one, download
its file. The rules are transfers.importing's, exporting's and export_jobs', as on the
pages."""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import parsers, renderers, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.api import AuditTrailView
from customers.api import views as customer_views
from org.models import User

from .. import columns, export_jobs, exporting, importing
from ..models import ExportJob, ImportJob
from ..reading import ENCODING_CHOICES


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    encoding = serializers.ChoiceField(
        choices=[code for code, _label in ENCODING_CHOICES], required=False, allow_blank=True
    )


class StartSerializer(serializers.Serializer):
    target = serializers.ChoiceField(choices=ImportJob.Target.choices)
    assignees = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), many=True, required=False
    )
    on_duplicate = serializers.ChoiceField(
        choices=ImportJob.OnDuplicate.choices, default=ImportJob.OnDuplicate.SKIP
    )
    mapping = serializers.ListField(
        child=serializers.ChoiceField(choices=["", *columns.FIELDS]),
        required=False,
        help_text='The field of each column of the file, in order; "" for none.',
    )
    add_unknown = serializers.BooleanField(
        default=False,
        help_text="Administrators: first add the file's values not in the data dictionary "
        "to it (otherwise those fields are left empty).",
    )


class RowSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    customer = serializers.SerializerMethodField()
    contact = serializers.DictField(child=serializers.CharField())
    problems = serializers.ListField(child=serializers.CharField())

    def get_customer(self, row) -> dict:
        return {key: str(value) for key, value in row.customer.items()}


class ImportSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)
    not_imported = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "filename",
            "created_at",
            "state",
            "mapping",
            "target",
            "on_duplicate",
            "total",
            "done",
            "percent",
            "imported",
            "filled",
            "skipped",
            "refused",
            "not_imported",
            "started_at",
            "finished_at",
        ]

    def get_not_imported(self, job) -> list[dict]:
        return [
            {"line": line, "name": name, "reason": reason}
            for line, name, reason in job.not_imported.values_list("line", "name", "reason")
        ]


class PreviewSerializer(serializers.Serializer):
    header = serializers.ListField(child=serializers.CharField())
    mapping = serializers.ListField(child=serializers.CharField())
    rows = RowSerializer(many=True)
    refused = RowSerializer(many=True)
    duplicates_in_file = serializers.SerializerMethodField()
    duplicates_existing = serializers.SerializerMethodField()
    unknown = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))

    def get_duplicates_in_file(self, preview) -> list[dict]:
        return [
            {"line": row.line, "name": row.name, "same_as_line": first}
            for row, first in preview["in_file"]
        ]

    def get_duplicates_existing(self, preview) -> list[dict]:
        # C2: of a claimed customer, its name and owner only.
        return [
            {
                "line": row.line,
                "customer": customer.name,
                "owner": customer.owner.label if customer.owner_id else None,
            }
            for row, customer in preview["existing"]
        ]


class ImportWithPreviewSerializer(serializers.Serializer):
    job = ImportSerializer()
    preview = PreviewSerializer()


def _own(request, pk):
    return get_object_or_404(ImportJob, pk=pk, created_by=request.user)


def _answer(job, status=200):
    body = {"job": ImportSerializer(job).data}
    if job.state == ImportJob.State.DRAFT:
        body["preview"] = PreviewSerializer(importing.preview(job)).data
    return Response(body, status=status)


class ImportsView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [parsers.MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses={201: ImportWithPreviewSerializer},
        summary="Upload a CSV or XLSX file: a draft import and its preview",
    )
    def post(self, request):
        upload = UploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        job = importing.prepare(request.user, data["file"], data.get("encoding", ""))
        return _answer(job, status=201)

    @extend_schema(responses=ImportSerializer(many=True), summary="Your imports, newest first")
    def get(self, request):
        jobs = ImportJob.objects.filter(created_by=request.user)[:50]
        return Response(ImportSerializer(jobs, many=True).data)


class ImportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ImportWithPreviewSerializer, summary="An import: progress and counts")
    def get(self, request, pk):
        return _answer(_own(request, pk))


class StartImportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=StartSerializer, responses=ImportWithPreviewSerializer)
    def post(self, request, pk):
        job = _own(request, pk)
        choices = StartSerializer(data=request.data)
        choices.is_valid(raise_exception=True)
        data = choices.validated_data
        if "mapping" in data and job.state == ImportJob.State.DRAFT:
            importing.set_mapping(job, data["mapping"])
            job.save(update_fields=["mapping"])
        importing.start(
            request.user,
            job,
            target=data["target"],
            assignees=data.get("assignees", []),
            on_duplicate=data["on_duplicate"],
            add_unknown=data["add_unknown"],
        )
        job.refresh_from_db()
        return _answer(job, status=202)


class CancelImportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=ImportWithPreviewSerializer)
    def post(self, request, pk):
        return _answer(importing.cancel(request.user, _own(request, pk)))


class CSVRenderer(renderers.BaseRenderer):
    """Names the format `?format=csv` asks for; the export writes the body itself."""

    media_type = "text/csv"
    format = exporting.CSV
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class XLSXRenderer(CSVRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = exporting.XLSX
    charset = None


# One job, also where an export of a list answers it (202): not a list of them.
@extend_schema_serializer(many=False)
class ExportJobSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "url",
            "list_name",
            "format",
            "filename",
            "created_at",
            "state",
            "total",
            "done",
            "percent",
            "finished_at",
            "expires_at",
            "download_url",
        ]

    def get_url(self, job) -> str:
        return reverse("api-export", args=[job.pk])

    def get_download_url(self, job) -> str | None:
        """Its file, for its requester only, while it is kept; null before and after."""
        return reverse("api-export-download", args=[job.pk]) if job.is_downloadable else None


class ExportsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=ExportJobSerializer(many=True),
        summary="Your exports written in the background, newest first",
    )
    def get(self, request):
        export_jobs.purge()
        jobs = ExportJob.objects.filter(created_by=request.user)[:50]
        return Response(ExportJobSerializer(jobs, many=True).data)


class ExportJobView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=ExportJobSerializer, summary="An export written in the background: progress"
    )
    def get(self, request, pk):
        return Response(ExportJobSerializer(export_jobs.own(request.user, pk)).data)


NOT_SERVED = inline_serializer("ExportNotServed", {"detail": serializers.CharField()})
FILE_RESPONSES = {
    (200, "text/csv"): OpenApiTypes.BINARY,
    (200, XLSXRenderer.media_type): OpenApiTypes.BINARY,
}


class ExportDownloadView(APIView):
    permission_classes = [IsAuthenticated]
    # A download client may accept only the file's type; an error answers JSON.
    renderer_classes = [renderers.JSONRenderer, CSVRenderer, XLSXRenderer]

    @extend_schema(
        summary="The file of an export written in the background",
        description=(
            "Only to the person who asked for the export (anyone else: 404), while it is "
            "kept: 409 while it is being written or after it failed, 410 once deleted."
        ),
        responses={**FILE_RESPONSES, 404: NOT_SERVED, 409: NOT_SERVED, 410: NOT_SERVED},
    )
    def get(self, request, pk):
        return export_jobs.download(request, export_jobs.own(request.user, pk))


EXPORT_DOC = extend_schema(
    summary="The whole list as a file, with the list's search, filters and order",
    description=(
        "A list of more rows than the server's EXPORT_STREAM_MAX_ROWS (10,000 unless set) "
        "is written in the background: the answer is then 202 with the export job, its "
        "address in `Location`; GET it until `download_url` is given."
    ),
    parameters=[
        OpenApiParameter("format", str, enum=list(exporting.FORMATS), description="csv or xlsx"),
        OpenApiParameter(
            "Location",
            str,
            location=OpenApiParameter.HEADER,
            response=[202],
            description="The export job's address (GET /api/exports/{id}/)",
        ),
    ],
    responses={**FILE_RESPONSES, (202, "application/json"): ExportJobSerializer},
)


class ExportAPIMixin:
    """GET …/export/?format=csv|xlsx: the list the API view answers, every page of it, as
    a file, streamed, or for a long list written by a background job
    (transfers.export_jobs)."""

    renderer_classes = [CSVRenderer, XLSXRenderer]
    pagination_class = None
    columns = staticmethod(lambda: exporting.CustomerColumns(full_record=True))
    marks_readable = False

    def finalize_response(self, request, response, *args, **kwargs):
        """A refusal (not signed in, a filter's bad value) answers in JSON: the file's
        renderer wrote a refusal's keys alone, as a CSV, and lost its message."""
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response) and response.status_code >= 400:
            response.accepted_renderer = renderers.JSONRenderer()
            response.accepted_media_type = response.accepted_renderer.media_type
        return response

    @EXPORT_DOC
    def get(self, request, *args, **kwargs):
        file_format = request.accepted_renderer.format
        return export_jobs.answer(
            request, self.export_listing(), file_format, queued=self.export_queued
        )

    def export_queued(self, job):
        """202 with the job, in JSON whichever file was asked for."""
        response = JsonResponse(ExportJobSerializer(job).data, status=202)
        response["Location"] = self.request.build_absolute_uri(reverse("api-export", args=[job.pk]))
        return response

    def replayed_listing(self):
        """What a background export writes, the view set up for its request (export_jobs):
        the request as DRF wraps it, by the job's requester, who must still be allowed."""
        request = self.initialize_request(self.request, **self.kwargs)
        request.user = self.request.user
        self.request = request
        self.check_permissions(request)
        return self.export_listing()

    def export_listing(self):
        rows = self.filter_queryset(self.get_queryset())
        return export_jobs.Listing(
            name=self.export_name,
            rows=rows,
            items=lambda: self.export_rows(self.export_order(rows)),
            columns=self.columns(),
        )

    def export_order(self, rows):
        return rows.order_by(*self.get_sort().order_by())

    def export_rows(self, rows):
        return exporting.rows_of(
            self.request.user, rows, self.relations, shared=self.marks_readable
        )


class PoolExportAPI(ExportAPIMixin, customer_views.PoolView):
    export_name = "pool"
    http_method_names = ["get", "head", "options"]
    columns = staticmethod(lambda: exporting.CustomerColumns(full_record=False))


class MineExportAPI(ExportAPIMixin, customer_views.MineView):
    export_name = "mine"
    http_method_names = ["get", "head", "options"]


class SharedExportAPI(ExportAPIMixin, customer_views.SharedView):
    export_name = "shared"
    marks_readable = True


class RecycleBinExportAPI(ExportAPIMixin, customer_views.RecycleBinView):
    export_name = "recycle-bin"
    columns = staticmethod(lambda: exporting.CustomerColumns(full_record=False))


class AuditExportAPI(ExportAPIMixin, AuditTrailView):
    export_name = "audit"
    columns = staticmethod(exporting.AuditColumns)

    def export_order(self, rows):
        return rows.order_by("-at", "-id")

    def export_rows(self, rows):
        return rows.iterator(chunk_size=exporting.BATCH)
