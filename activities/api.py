from rest_framework import serializers

from core.api.fields import ItemName
from customers.api.serializers import DictionaryRef
from records.serializers import RecordSerializer

from .models import Interaction


class InteractionSerializer(RecordSerializer):
    kind = DictionaryRef("interaction")
    kind_name = ItemName("kind")
    created_by_name = serializers.CharField(
        source="created_by.label", default=None, allow_null=True, read_only=True
    )

    class Meta(RecordSerializer.Meta):
        model = Interaction
        fields = [
            "id",
            "customer",
            "customer_name",
            "happened_at",
            "kind",
            "kind_name",
            "subject",
            "content",
            "contact",
            "next_follow_up",
            "created_by_name",
            "created_at",
        ]
