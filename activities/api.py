from rest_framework import serializers

from customers.api.serializers import DictionaryRef

from .models import Interaction


class InteractionSerializer(serializers.ModelSerializer):
    kind = DictionaryRef("interaction")
    kind_name = serializers.CharField(source="kind.name", default=None, read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    created_by_name = serializers.CharField(source="created_by.label", default=None, read_only=True)

    class Meta:
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
        read_only_fields = ["customer"]
