from customers.filtersets import Ordering
from records.filtersets import RecordFilterSet

from .models import Attachment


class AttachmentFilterSet(RecordFilterSet):
    search_fields = ("original_name",)
    ordering = Ordering(
        fields=(("original_name", "name"), ("size", "size"), ("created_at", "created_at"))
    )

    class Meta:
        model = Attachment
        fields = []
