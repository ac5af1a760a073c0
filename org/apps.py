from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "org"
    verbose_name = _("Organisation")

    def ready(self):
        from . import signals  # noqa: F401  tokens end with a password change or deactivation


class SuperusersAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with org.admin_site.SuperusersAdminSite, which keeps it for
    superusers (INSTALLED_APPS names it in place of django.contrib.admin)."""

    default = False  # "org" in INSTALLED_APPS still means OrgConfig
    default_site = "org.admin_site.SuperusersAdminSite"
