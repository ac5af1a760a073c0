"""GET /api/audit/: the audit trail for administrators, filtered by who, what, which
object and when, newest first."""

import django_filters as filters
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import generics, serializers

from core.api.permissions import AdministratorsOnly
from customers.filtersets import DayBoundFilter, RowIdFilter, TextSearchFilterSet

from .models import Action, AuditEntry


class AuditFilterSet(TextSearchFilterSet):
    search_fields = (
        "object_label",
        "reason",
        "username",
        "request_id",
        "actor__username",
        "actor__display_name",
    )

    actor = filters.ModelChoiceFilter(queryset=get_user_model().objects.all(), label=_("Who"))
    action = filters.ChoiceFilter(choices=Action.choices, label=_("Action"))
    object_type = filters.CharFilter(label=_("Object type"), max_length=60)
    object_id = filters.CharFilter(label=_("Object id"), max_length=40)
    customer = RowIdFilter(field_name="customer_id", label=_("Customer id"))
    at_after = DayBoundFilter(field_name="at", label=_("From"))
    at_before = DayBoundFilter(field_name="at", upper=True, label=_("Until"))

    class Meta:
        model = AuditEntry
        fields = []


class AuditEntrySerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "at",
            "actor",
            "action",
            "object_type",
            "object_id",
            "object_label",
            "customer",
            "changes",
            "reason",
            "request_id",
            "ip",
            "username",
        ]

    def get_actor(self, entry) -> dict | None:
        if entry.actor_id is None:
            return None
        return {"id": entry.actor_id, "display_name": entry.actor.label}


class AuditTrailView(generics.ListAPIView):
    permission_classes = [AdministratorsOnly]
    serializer_class = AuditEntrySerializer
    filterset_class = AuditFilterSet
    queryset = AuditEntry.objects.select_related("actor")
