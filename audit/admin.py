"""The audit trail in Django admin, for administrators: read only, filtered by action,
kind of object and date, searched by person, object, reason or request, exported as CSV."""

import csv

from django.contrib import admin
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry

CSV_COLUMNS = (
    "at",
    "actor",
    "action",
    "object_type",
    "object_id",
    "object_label",
    "customer_id",
    "changes",
    "reason",
    "request_id",
    "ip",
    "username",
)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "action", "object_type", "object_id", "object_label", "ip")
    list_filter = ("action", "object_type", "at")
    search_fields = (
        "object_label",
        "object_id",
        "reason",
        "username",
        "request_id",
        "actor__username",
        "actor__display_name",
    )
    list_select_related = ("actor",)
    date_hierarchy = "at"
    actions = ["export_csv"]
    readonly_fields = [*CSV_COLUMNS]
    fields = readonly_fields

    # Nobody writes or erases the trail by hand; administrators read it.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    @admin.action(description=_("Export the selected entries as CSV"))
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
        response.write("\ufeff")  # Excel reads UTF-8 with the mark
        writer = csv.writer(response)
        writer.writerow(CSV_COLUMNS)
        for entry in queryset.select_related("actor").order_by("at", "id").iterator():
            writer.writerow(
                [
                    entry.at.isoformat(),
                    entry.actor.label if entry.actor_id else "",
                    *(getattr(entry, c) for c in CSV_COLUMNS[2:]),
                ]
            )
        return response
