"""Errors a service raises for a person to read; the API maps them to 400, 403 and 404."""


class ServiceError(Exception):
    """A request refused as a whole (HTTP 400)."""

    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


class NotAllowed(ServiceError):
    """The actor may see the record but not do this to it (HTTP 403)."""


class NotVisible(ServiceError):
    """No such record, or not one the actor may read: the same answer for both (HTTP 404)."""


class Conflict(ServiceError):
    """Someone changed the row since the version the actor edited (HTTP 412)."""


def status_of(error: ServiceError) -> int:
    """The HTTP status a refusal is answered with, on pages and in the API alike."""
    if isinstance(error, NotVisible):
        return 404
    if isinstance(error, Conflict):
        return 412
    return 403 if isinstance(error, NotAllowed) else 400
