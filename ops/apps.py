from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = _("Operations")

    def ready(self):
        from django.db.backends.signals import connection_created

        from .metrics import count_queries_of

        # Query counts through Django's execute wrappers, not django-prometheus's database
        # engines: those rename ENGINE, which `manage.py backup` reads (core/backup.py).
        connection_created.connect(count_queries_of, dispatch_uid="ops-count-queries")
