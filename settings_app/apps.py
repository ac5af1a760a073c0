from django.apps import AppConfig


class SettingsAppConfig(AppConfig):
    name = "settings_app"
    verbose_name = "System settings and data dictionary"
