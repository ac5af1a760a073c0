from django.utils.translation import gettext_lazy as _

from records.modules import Module

from .api import AttachmentSerializer
from .filtersets import AttachmentFilterSet
from .forms import AttachmentForm
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
        (_("Name"), "original_name"),
        (_("Size"), "size"),
        (_("Uploaded by"), "created_by.label"),
        (_("Uploaded"), "created_at"),
    ),
    related=("created_by", "customer"),
)
