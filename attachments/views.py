from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.views import View

from records import access

from .models import Attachment


class DownloadView(LoginRequiredMixin, View):
    """Attachments are served only to those who may read the customer."""

    def get(self, request, pk):
        attachment = get_object_or_404(access.readable(request.user, Attachment), pk=pk)
        return FileResponse(
            attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name
        )
