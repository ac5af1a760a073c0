from django.apps import AppConfig

from records import registry


class AttachmentsConfig(AppConfig):
    name = "attachments"
    verbose_name = "Attachments"

    def ready(self):
        from .module import ATTACHMENTS

        registry.register(ATTACHMENTS)
