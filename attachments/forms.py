from records.forms import RecordForm

from .models import Attachment


class AttachmentForm(RecordForm):
    class Meta:
        model = Attachment
        fields = ["file"]
