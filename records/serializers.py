from rest_framework import serializers


class RecordSerializer(serializers.ModelSerializer):
    """Every working-record row names its customer; the customer comes from the URL."""

    customer_name = serializers.CharField(source="customer.name", read_only=True)

    class Meta:
        read_only_fields = ["customer"]

    def get_field_names(self, declared_fields, info):
        # Every row carries its version, which an edit sends back in If-Match.
        return [*super().get_field_names(declared_fields, info), "version"]
