"""Every API error is JSON with a `detail` a person can act on, plus per-field messages."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from audit import trail
from core.errors import ServiceError, status_of


def _first_message(data):
    if isinstance(data, list) and data:
        return _first_message(data[0])
    if isinstance(data, dict) and data:
        key, value = next(iter(data.items()))
        message = _first_message(value)
        return message if key in ("detail", "non_field_errors") else f"{key}: {message}"
    return str(data)


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        )
    request = context.get("request")
    if isinstance(exc, ServiceError):
        status = status_of(exc)
        trail.refused(request, exc.message, status)
        body = {"detail": exc.message}
        if exc.field and status == 400:
            body[exc.field] = [exc.message]
        return Response(body, status=status)
    if isinstance(exc, exceptions.PermissionDenied) and request is not None:
        trail.refused(request, str(exc.detail), 403)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict | list):
        data = response.data
        if not (isinstance(data, dict) and "detail" in data):
            fields = data if isinstance(data, dict) else {"non_field_errors": data}
            response.data = {"detail": _first_message(data), **fields}
    return response
