from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from . import services, two_factor
from .models import Department, User


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "department", "supervisor", "is_active", "is_staff"]
    list_filter = ["department", "is_active", "is_staff", "groups"]
    list_select_related = ["department", "supervisor"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email"]
    autocomplete_fields = ["supervisor", "department"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Organisation"), {"fields": ("display_name", "department", "supervisor")}),
    )
    actions = ["sign_out_everywhere", "turn_two_factor_off"]

    @admin.action(description=_("Sign out everywhere (sessions and API tokens)"))
    def sign_out_everywhere(self, request, queryset):
        for user in queryset:
            services.sign_out_everywhere(user, actor=request.user)
        self.message_user(
            request, _("Signed out everywhere: %(count)d.") % {"count": len(queryset)}
        )

    @admin.action(description=_("Turn two-factor sign-in off (lost phone and recovery codes)"))
    def turn_two_factor_off(self, request, queryset):
        for user in queryset:
            two_factor.reset(user, actor=request.user)
        self.message_user(
            request, _("Two-factor sign-in turned off: %(count)d.") % {"count": len(queryset)}
        )

    def get_deleted_objects(self, objs, request):
        """Who did what stays readable: a person who has acted is deactivated, not deleted.
        The actor columns PROTECT them; the field history's user column cannot, so the
        people it names are refused here too (single and batch delete alike)."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for user in objs:
            if has_acted(user):
                protected.append(
                    _("%(user)s has acted (audit trail, field history); deactivate the account.")
                    % {"user": user.label}
                )
        if protected:
            # The trail cannot be deleted by anyone; the reason to give is that they acted.
            perms_needed = set()
        return deleted, counts, perms_needed, protected


FIELD_HISTORIES = ("customers.HistoricalCustomer", "customers.HistoricalContact")


def has_acted(user):
    """Whether the audit trail or a field history names `user` as the one who acted."""
    if apps.get_model("audit.AuditEntry").objects.filter(actor=user).exists():
        return True
    return any(
        apps.get_model(label).objects.filter(history_user=user).exists()
        for label in FIELD_HISTORIES
    )
