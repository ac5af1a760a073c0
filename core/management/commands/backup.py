"""manage.py backup [--output ARCHIVE]: the database and the attachments in one archive,
while the app serves (core.backup)."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write the database and the attachments to one archive (a .tar.gz)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="the archive to write; default var/backups/poolcrm-<UTC time>.tar.gz",
        )

    def handle(self, *args, output=None, **options):
        if not output:
            stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
            output = settings.VAR_DIR / "backups" / f"poolcrm-{stamp}.tar.gz"
        try:
            manifest = backup(output, settings.MEDIA_ROOT)
        except BackupError as error:
            raise CommandError(str(error)) from error
        counts = manifest["counts"]
        customers, people = counts.get("customers_customer", 0), counts.get("org_user", 0)
        self.stdout.write(
            f"Wrote {output}: {manifest['vendor']} database, {customers} customers, "
            f"{people} people, {manifest['media_files']} attachment files."
        )
