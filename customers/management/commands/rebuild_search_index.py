import time

from django.core.management.base import BaseCommand

from customers.search_index import CONTACT_NAMES, CUSTOMER_NAMES


class Command(BaseCommand):
    help = (
        "Rebuild the name search indexes of customers and contacts from their names. "
        "Saves keep them up to date; run this after loading rows with raw SQL."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        for label, index in (("customers", CUSTOMER_NAMES), ("contacts", CONTACT_NAMES)):
            started = time.perf_counter()
            written = index.rebuild(using=database)
            self.stdout.write(
                f"{label}: {written:,} index entries in {time.perf_counter() - started:.1f} s"
            )
