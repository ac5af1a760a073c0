from django.apps import AppConfig


class RecordsConfig(AppConfig):
    """What every module of a customer's working record shares (SPEC §9, M8): the base
    model, who may read and write, the generic API and pages. No models of its own."""

    name = "records"
