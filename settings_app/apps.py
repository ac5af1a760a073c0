from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettingsAppConfig(AppConfig):
    name = "settings_app"
    verbose_name = _("System settings and data dictionary")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import per_request
        from .models import DictionaryItem, SystemSettings

        for model in (DictionaryItem, SystemSettings):
            uid = f"per_request_{model.__name__}"
            post_save.connect(per_request.forget, sender=model, dispatch_uid=uid)
            post_delete.connect(per_request.forget, sender=model, dispatch_uid=uid)
