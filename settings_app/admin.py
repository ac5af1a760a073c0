from django.contrib import admin

from .models import DictionaryItem, SystemSettings


@admin.register(DictionaryItem)
class DictionaryItemAdmin(admin.ModelAdmin):
    list_display = ["name", "name_zh_hans", "kind", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "name_zh_hans"]

    def has_delete_permission(self, request, obj=None):
        # SPEC O4: never hard-deleted while in use; disable it instead.
        return super().has_delete_permission(request, obj) and not (obj and obj.is_in_use())


@admin.register(SystemSettings)
class SystemSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "force_hierarchical_sharing"]

    def has_add_permission(self, request):
        return not SystemSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
