"""manage.py purge_exports: deletes the files of exports kept their retention period
(POOLCRM_EXPORT_KEEP_HOURS), for cron; the pages do it too when an export starts or the
exports are listed."""

from django.core.management.base import BaseCommand

from transfers import export_jobs


class Command(BaseCommand):
    help = "Delete the files of exports kept longer than POOLCRM_EXPORT_KEEP_HOURS."

    def handle(self, *args, **options):
        count = export_jobs.purge()
        self.stdout.write(f"Exports expired, their files deleted: {count}")
