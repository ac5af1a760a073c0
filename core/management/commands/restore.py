"""manage.py restore ARCHIVE: an archive of manage.py backup into the configured database,
which must be empty (no people), and MEDIA_ROOT, which must hold no files."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore an archive of `manage.py backup` into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("archive")

    def handle(self, *args, archive, **options):
        connection = connections["default"]
        connection.close()  # the file or database is about to be replaced
        try:
            manifest = restore(archive, connection.settings_dict, settings.MEDIA_ROOT)
        except BackupError as error:
            raise CommandError(str(error)) from error
        counts = manifest["counts"]
        self.stdout.write(
            f"Restored {archive} (written {manifest['created_at']}): "
            f"{counts.get('customers_customer', 0)} customers, {counts.get('org_user', 0)} people, "
            f"{manifest['media_files']} attachment files. Run `manage.py migrate` if this "
            f"version of poolcrm is newer than the one that wrote it."
        )
