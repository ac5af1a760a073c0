"""Django admin is for superusers (issue 15): administrators (SPEC O2) work in the app's
settings pages, where the same services and rules apply as in the API. An administrator
who opens the admin is sent to those pages; anyone else signed in is refused with a link
back. The one exception is the audit trail, which has no page of its own yet: the
administrators read and export it in the admin (audit.admin), as before."""

from functools import update_wrapper

from django.contrib import messages
from django.contrib.admin import AdminSite
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from audit import trail
from core.views import refusal


class SuperusersAdminSite(AdminSite):
    def has_permission(self, request):
        user = request.user
        if not user.is_active:
            return False
        if user.is_superuser:
            return True
        return user.is_administrator and self._is_audit_trail(request)

    def _is_audit_trail(self, request):
        """The trail's pages, and the translations their scripts load."""
        pages = reverse("admin:app_list", kwargs={"app_label": "audit"}, current_app=self.name)
        scripts = reverse("admin:jsi18n", current_app=self.name)
        return request.path.startswith(pages) or request.path == scripts

    def admin_view(self, view, cacheable=False):
        guarded = super().admin_view(view, cacheable)

        def inner(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                return self.elsewhere(request)
            return guarded(request, *args, **kwargs)

        return update_wrapper(inner, guarded)

    def login(self, request, extra_context=None):
        if request.user.is_authenticated and not self.has_permission(request):
            return self.elsewhere(request)
        return super().login(request, extra_context)

    def elsewhere(self, request):
        """Where a signed-in person who may not use the admin is sent instead."""
        if request.user.is_administrator:
            messages.info(
                request, _("Django admin is for superusers: the settings are on these pages.")
            )
            return redirect("settings_app:home")
        message = _("Django admin is for superusers only.")
        trail.refused(request, message, 403)
        return refusal(request, message, 403)
