from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from records.modules import Column, Module

from .api import AttachmentSerializer
from .filtersets import AttachmentFilterSet
from .forms import AttachmentForm
from .models import Attachment
from .services import attachments

ATTACHMENTS = Module(
    key="attachments",
    position=70,
    label=_("Attachments"),
    singular=_("attachment"),
    service=attachments,
    form_class=AttachmentForm,
    serializer_class=AttachmentSerializer,
    filterset_class=AttachmentFilterSet,
    columns=(
        Column(_("Name"), "original_name", link=Attachment.get_absolute_url),
        Column(_("Size"), "size", format=filesizeformat),
        Column(_("Uploaded by"), "created_by.label"),
        Column(_("Uploaded"), "created_at"),
    ),
    related=("created_by", "customer"),
)
