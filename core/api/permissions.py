from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission


class AdministratorWrites(BasePermission):
    """Everyone signed in reads; only administrators (SPEC O2) write."""

    message = _("Only administrators may change this.")

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or request.user.is_administrator


class AdministratorsOnly(BasePermission):
    """Administrators (SPEC O2) only, to read as to write."""

    message = _("Only administrators may read this.")

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_administrator)
