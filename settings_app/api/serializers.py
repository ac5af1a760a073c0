from rest_framework import serializers

from ..models import NAME_MAX_LENGTH, OPTIONAL_PUBLIC_FIELDS, DictionaryItem, SystemSettings


class SystemSettingsSerializer(serializers.ModelSerializer):
    extra_public_fields = serializers.ListField(
        child=serializers.ChoiceField(choices=OPTIONAL_PUBLIC_FIELDS), required=False
    )
    public_fields = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = SystemSettings
        fields = [
            "force_hierarchical_sharing",
            "require_two_factor_for_administrators",
            "extra_public_fields",
            "public_fields",
            "currency",
            "attachment_max_mb",
            "blocked_extensions",
        ]


class DictionaryItemSerializer(serializers.ModelSerializer):
    """An item with its name in each language (either may be empty, not both: the service
    checks, with the names' uniqueness in the list) and `label`, the one the request's
    language reads."""

    name = serializers.CharField(max_length=NAME_MAX_LENGTH, required=False, allow_blank=True)
    name_zh_hans = serializers.CharField(
        max_length=NAME_MAX_LENGTH, required=False, allow_blank=True
    )
    label = serializers.CharField(read_only=True)

    class Meta:
        model = DictionaryItem
        fields = ["id", "kind", "name", "name_zh_hans", "label", "sort_order", "is_active"]
        read_only_fields = ["kind"]
