from django.urls import reverse
from rest_framework import serializers

from .models import Attachment


class AttachmentSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    download_url = serializers.SerializerMethodField()
    uploaded_by = serializers.CharField(source="created_by.label", default=None, read_only=True)

    class Meta:
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
        return reverse("records:download", args=[obj.pk])
