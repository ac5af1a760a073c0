from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext as _
from rest_framework import serializers

from ..models import Department, User


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name"]


class UserSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    is_pool_manager = serializers.BooleanField(required=False)
    is_administrator = serializers.BooleanField(read_only=True)
    password = serializers.CharField(
        write_only=True, required=False, style={"input_type": "password"}
    )
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), allow_null=True, required=False
    )
    supervisor = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "password",
            "display_name",
            "department",
            "supervisor",
            "is_pool_manager",
            "is_staff",
            "is_administrator",
            "is_active",
            "time_zone",
            "customer_limit",
        ]

    def validate_password(self, value):
        validate_password(value)
        return value

    def validate_supervisor(self, value):
        if value is not None and self.instance is not None and value.pk == self.instance.pk:
            raise serializers.ValidationError(_("A user cannot supervise themselves."))
        return value

    # Who the administrators are is theirs to know: a salesperson's list of people
    # (pickers) would otherwise name every account worth attacking.
    ADMIN_ONLY = ("is_staff", "is_administrator", "customer_limit")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["display_name"] = instance.label
        request = self.context.get("request")
        viewer = getattr(request, "user", None)
        if viewer is not None and viewer != instance and not viewer.is_administrator:
            for field in self.ADMIN_ONLY:
                data.pop(field, None)
        return data


class MeSerializer(UserSerializer):
    class Meta(UserSerializer.Meta):
        fields = [f for f in UserSerializer.Meta.fields if f not in ("password", "is_active")]


class UserAnswerSerializer(UserSerializer):
    """The people API's answers as documented: `is_staff` and `is_administrator` reach
    administrators only, so the document may not call them required (it calls every
    read-only field so)."""

    is_administrator = serializers.BooleanField(required=False)
