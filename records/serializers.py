from rest_framework import serializers


class RecordSerializer(serializers.ModelSerializer):
    """Every working-record row names its customer; the customer comes from the URL."""

    customer_name = serializers.CharField(source="customer.name", read_only=True)

    class Meta:
        read_only_fields = ["customer"]
