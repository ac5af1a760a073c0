from rest_framework import serializers

from records.serializers import RecordSerializer

from .models import Attachment


class AttachmentSerializer(RecordSerializer):
    download_url = serializers.SerializerMethodField()
    uploaded_by = serializers.CharField(
        source="created_by.label", default=None, allow_null=True, read_only=True
    )

    class Meta(RecordSerializer.Meta):
        model = Attachment
        fields = [
            "id",
            "customer",
            "customer_name",
            "file",
            "original_name",
            "size",
            "content_type",
            "uploaded_by",
            "created_at",
            "download_url",
        ]
        read_only_fields = ["customer", "original_name", "size", "content_type"]
        extra_kwargs = {"file": {"write_only": True}}

    def get_download_url(self, obj) -> str:
        return obj.get_absolute_url()
