from django.utils.translation import gettext_lazy as _

from records.modules import Column, Module

from .api import InteractionSerializer
from .filtersets import InteractionFilterSet
from .forms import InteractionForm
from .services import interactions

INTERACTIONS = Module(
    key="interactions",
    position=10,
    label=_("Interaction records"),
    singular=_("interaction record"),
    service=interactions,
    form_class=InteractionForm,
    serializer_class=InteractionSerializer,
    filterset_class=InteractionFilterSet,
    columns=(
        Column(_("When"), "happened_at"),
        Column(_("Type"), "kind.label"),
        Column(_("Subject"), "subject"),
        Column(_("Contact"), "contact.name"),
        Column(_("Next follow-up"), "next_follow_up"),
        Column(_("By"), "created_by.label"),
    ),
    related=("kind", "contact", "created_by", "customer"),
)
