"""The API's side of optimistic concurrency (core.concurrency)."""

from core.concurrency import etag


class VersionETag:
    """A view mixin: an answer about one row carries the row's version as its ETag, which
    an edit sends back in If-Match."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        data = getattr(response, "data", None)
        if response.status_code in (200, 201) and isinstance(data, dict) and "version" in data:
            response["ETag"] = etag(data["version"])
        return response
