from django.apps import AppConfig

from records import registry


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = "Interaction records"

    def ready(self):
        from .module import INTERACTIONS

        registry.register(INTERACTIONS)
