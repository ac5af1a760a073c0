from django.utils.translation import gettext as _
from rest_framework import serializers

from ..models import OPTIONAL_PUBLIC_FIELDS, DictionaryItem, SystemSettings


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

    def validate_currency(self, value):
        if not (len(value) == 3 and value.isalpha()):
            raise serializers.ValidationError(_("A currency is a three-letter code such as CNY."))
        return value.upper()


class DictionaryItemSerializer(serializers.ModelSerializer):
    name = serializers.CharField(max_length=100)

    class Meta:
        model = DictionaryItem
        fields = ["id", "kind", "name", "sort_order", "is_active"]
        read_only_fields = ["kind"]

    def validate_name(self, value):
        value = value.strip()
        kind = self.context["kind"]
        clash = DictionaryItem.objects.filter(kind=kind, name=value)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError(_("This list already has an item named %s.") % value)
        return value
