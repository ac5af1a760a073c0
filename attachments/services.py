"""Attachments (SPEC §9): a size limit and blocked extensions from the settings, files kept
through Django's storage under generated names, readable only with the customer."""

import re
import unicodedata
from pathlib import PurePosixPath, PureWindowsPath

from django.utils.translation import gettext as _

from core.errors import ServiceError
from records import access
from records.services import RecordService
from settings_app.models import SystemSettings

from .kinds import HEAD, KINDS, content_matches
from .models import Attachment

_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"/\\|?*]")


def display_name(client_name):
    """The file's own name, for showing and for the download: no directories (from either
    kind of path), no control characters, never empty."""
    name = PureWindowsPath(PurePosixPath(client_name or "").name).name
    name = _UNSAFE.sub("_", unicodedata.normalize("NFC", name)).strip(" .")
    return name[:200] or "file"


def extension_of(client_name):
    return PurePosixPath(display_name(client_name)).suffix.lower().lstrip(".")


def content_type_of(client_name):
    kind = KINDS.get(extension_of(client_name))  # none: check() refuses the file
    return kind.content_type if kind else "application/octet-stream"


class AttachmentService(RecordService):
    model = Attachment
    editable = False  # replaced by a new upload, never changed: see update()

    def check(self, customer, data, instance=None):
        upload = data.get("file")
        if upload is None:
            raise ServiceError(_("Choose a file to upload."), field="file")
        settings = SystemSettings.load()
        limit = settings.attachment_max_mb * 1024 * 1024
        if upload.size > limit:
            raise ServiceError(
                _("The file is %(size).1f MB; files may be at most %(limit)d MB.")
                % {"size": upload.size / 1024 / 1024, "limit": settings.attachment_max_mb},
                field="file",
            )
        if upload.size == 0:
            raise ServiceError(_("The file is empty."), field="file")
        extension = extension_of(upload.name)
        kind = KINDS.get(extension)
        if kind is None or extension in settings.blocked_extension_set:
            raise ServiceError(
                _("Files of type .%(ext)s are not accepted. Accepted: %(kinds)s.")
                % {"ext": extension or "?", "kinds": ", ".join(sorted(KINDS))},
                field="file",
            )
        upload.seek(0)
        head = upload.read(HEAD)
        upload.seek(0)
        if not content_matches(kind, head):
            raise ServiceError(
                _("The file's content is not a .%(ext)s file.") % {"ext": extension},
                field="file",
            )

    def create(self, user, customer, data):
        upload = data.get("file")
        fields = {"file": upload}
        if upload is not None:
            fields.update(
                original_name=display_name(upload.name),
                size=upload.size,
                # What the content was checked to be, not what the client claimed.
                content_type=content_type_of(upload.name),
            )
        return super().create(user, customer, fields)

    def update(self, user, record, data, version=None):
        access.ensure_can_write(user, record.customer, self.write_rule, record)
        raise ServiceError(_("An attachment cannot be changed; upload a new one."))


attachments = AttachmentService()
