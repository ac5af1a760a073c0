from django.apps import AppConfig

from records import registry


class SalesConfig(AppConfig):
    name = "sales"
    verbose_name = "Sales"

    def ready(self):
        from .module import CONTRACTS, EXPENSES, OPPORTUNITIES, PAYMENTS, QUOTES, RECEIVABLES

        for module in (OPPORTUNITIES, QUOTES, CONTRACTS, RECEIVABLES, PAYMENTS, EXPENSES):
            registry.register(module)
