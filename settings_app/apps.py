from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettingsAppConfig(AppConfig):
    name = "settings_app"
    verbose_name = _("System settings and data dictionary")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import dictionary
        from .models import DictionaryItem

        post_save.connect(dictionary.forget, sender=DictionaryItem, dispatch_uid="dictionary")
        post_delete.connect(dictionary.forget, sender=DictionaryItem, dispatch_uid="dictionary")
