"""The import API: upload a file (its preview in the answer), start it, follow it, cancel
it. The rules are transfers.importing's, as on the pages."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import parsers, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from org.models import User

from .. import columns, importing
from ..models import ImportJob
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
        )
        job.refresh_from_db()
        return _answer(job, status=202)


class CancelImportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=ImportWithPreviewSerializer)
    def post(self, request, pk):
        return _answer(importing.cancel(request.user, _own(request, pk)))
