from records.filtersets import RecordFilterSet, filters

from .models import Attachment


class AttachmentFilterSet(RecordFilterSet):
    search_fields = ("original_name",)
    ordering = filters.OrderingFilter(
        fields=(("original_name", "name"), ("size", "size"), ("created_at", "created_at"))
    )

    class Meta:
        model = Attachment
        fields = []
