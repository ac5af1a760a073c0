"""Edits made from an older version are refused, not silently overwritten (optimistic
concurrency): a customer and every working record count their edits in `version`; a page
posts the version it showed, the API the version in `If-Match` (its ETag), and the edit
goes through only if nobody changed the row meanwhile."""

from django.utils import timezone
from django.utils.translation import gettext as _

from audit import trail
from audit.models import AuditEntry

from .errors import Conflict, ServiceError
from .ids import as_id


def check_version(obj, expected):
    """Locks `obj`'s row until the transaction ends and moves `obj.version` on by one.
    Raises Conflict when the stored version is not `expected` (None: the caller did not
    say which version it edited, and the edit goes through). Returns the row as stored
    (what the edit changes it from), or None when there is none."""
    stored = type(obj).objects.select_for_update().filter(pk=obj.pk).first()
    current = stored.version if stored is not None else obj.version
    if expected is not None and current != expected:
        raise Conflict(_changed_meanwhile(obj))
    obj.version = current + 1
    return stored


def _changed_meanwhile(obj):
    entries = AuditEntry.objects.filter(
        object_type=trail.type_of(obj),
        object_id=str(obj.pk),
        action="update",
    )
    last = entries.select_related("actor").order_by("-at", "-id").first()
    if last is None or last.actor_id is None:
        return _("Someone changed it meanwhile; reload to see their change, then edit again.")
    return _(
        "%(who)s changed it meanwhile (%(when)s); reload to see their change, then edit again."
    ) % {"who": last.actor.label, "when": timezone.localtime(last.at).strftime("%Y-%m-%d %H:%M")}


def etag(version):
    return f'"{version}"'


def if_match(request):
    """The version an API client edited, from `If-Match: "3"` (or W/"3"); None when it
    sent none or `*`."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    version = as_id(header.removeprefix("W/").strip('"'))
    if version is None:
        raise ServiceError(_('If-Match must be the ETag of the row, such as "3".'))
    return version


def posted_version(request):
    """The version a page's form showed (its hidden `version` field), if it sent one."""
    return as_id(request.POST.get("version", ""))
