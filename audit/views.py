"""The audit trail as a page for administrators (Settings › Audit trail): every change,
refusal and sign-in, newest first, filtered as `GET /api/audit/` filters it, a page at a
time (keyset: as fast on the millionth row as on the first) with its total (capped, as the
customer lists' is: core.counting), and exported from there."""

from django.shortcuts import render
from django.views import View

from core.counting import capped_total
from core.keyset import InvalidCursor, KeysetPaginator, Sort
from org.access import AdministratorsOnly

from .api import AuditFilterSet
from .models import AuditEntry

NEWEST_FIRST = Sort(("at", "id"), descending=True)
PAGE_SIZE = 50


def with_actor(ids):
    return AuditEntry.objects.filter(pk__in=ids).select_related("actor")


class AuditTrailPage(AdministratorsOnly, View):
    section = "audit"

    def get_filterset(self):
        return AuditFilterSet(
            self.request.GET, queryset=AuditEntry.objects.all(), request=self.request
        )

    def get(self, request):
        filterset = self.get_filterset()
        rows = filterset.qs if filterset.is_valid() else AuditEntry.objects.none()
        paginator = KeysetPaginator(rows, NEWEST_FIRST, PAGE_SIZE, load=with_actor)
        try:
            page = paginator.page(request.GET.get("cursor") or None)
        except InvalidCursor:  # a stale or edited link: the first page
            page = paginator.page()
        context = {
            "nav_section": "settings",
            "filterset": filterset,
            "page": page,
            "total": capped_total(rows),
        }
        return render(request, "audit/trail.html", context)
