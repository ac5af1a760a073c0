from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

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
