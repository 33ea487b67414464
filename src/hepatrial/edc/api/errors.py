"""One error shape for every API response that is not a success.

Every error body is ``{"field", "expected", "received", "detail"}``, the same three parts the
services' :class:`~hepatrial.errors.HepatrialError` carries, so a hospital system can show the
message next to the field it names. Statuses:

| error | status |
|---|---|
| :class:`~hepatrial.errors.InputError` (any other ``HepatrialError``), invalid body | 400 |
| not signed in / bad token | 401 |
| :class:`~hepatrial.errors.AccessDeniedError` (the role may not) | 403 |
| unknown record in the path | 404 |
| :class:`~hepatrial.errors.ConflictError` (stale ``version``) | 409 |
| :class:`~hepatrial.errors.WorkflowError` (not allowed in the current state) | 409 |
| :class:`~hepatrial.errors.StudyLockedError` (the database is locked) | 423 |

A workflow error is a 409 because the request is well formed and would succeed in another state
of the participant or the study; a locked study is told apart (423 Locked) because no state of the
record will make the write succeed until the data manager unlocks the study.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from hepatrial.errors import (
    AccessDeniedError,
    ConflictError,
    HepatrialError,
    StudyLockedError,
    WorkflowError,
    describe,
)

__all__ = ["api_exception_handler", "error_body", "status_for"]

HTTP_423_LOCKED = 423


def status_for(error: HepatrialError) -> int:
    """The HTTP status of a service error (the table in the module docstring)."""
    if isinstance(error, AccessDeniedError):
        return status.HTTP_403_FORBIDDEN
    if isinstance(error, StudyLockedError):
        return HTTP_423_LOCKED
    if isinstance(error, ConflictError | WorkflowError):
        return status.HTTP_409_CONFLICT
    return status.HTTP_400_BAD_REQUEST


def _plain(value: Any) -> Any:
    """A received value as JSON can carry it: numbers, text, booleans and null as they are."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, list | tuple) and all(isinstance(v, str | int | float) for v in value):
        return list(value)
    return describe(value)


def error_body(
    *, field: str | None, expected: str | None, received: Any, detail: str
) -> dict[str, Any]:
    return {
        "field": field,
        "expected": None if expected is None else str(expected),
        "received": _plain(received),
        "detail": str(detail),
    }


def _first_problem(detail: Any, prefix: str = "") -> tuple[str | None, str]:
    """The first (field path, message) of a DRF validation error's nested detail."""
    if isinstance(detail, Mapping):
        for key, value in detail.items():
            name = key if key != "non_field_errors" else ""
            path = f"{prefix}.{name}" if prefix and name else (name or prefix)
            return _first_problem(value, path)
    if isinstance(detail, list) and detail:
        if all(isinstance(item, str) for item in detail):
            return prefix or None, " ".join(str(item) for item in detail)
        return _first_problem(detail[0], prefix)
    return prefix or None, str(detail)


def _received(data: Any, path: str | None) -> Any:
    """The value the client sent at ``path`` (dotted), or None when there was none."""
    if not path:
        return None
    value = data
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _validation(error: exceptions.ValidationError, request: Any) -> Response:
    field, message = _first_problem(error.detail)
    data = getattr(request, "data", None) if request is not None else None
    body = error_body(
        field=field,
        expected=message.rstrip("."),
        received=_received(data, field),
        detail=f"{field}: {message}" if field else message,
    )
    body["errors"] = error.detail
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


def api_exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response | None:
    """DRF's exception handler for the API: service errors and DRF's own in one shape."""
    request = context.get("request")
    if isinstance(exc, HepatrialError):
        body = error_body(
            field=exc.field, expected=exc.expected, received=exc.received, detail=exc.message
        )
        return Response(body, status=status_for(exc))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or _("No such record."))
    elif isinstance(exc, ObjectDoesNotExist):
        # the model's own message would name tables; the client needs only the status
        exc = exceptions.NotFound(_("No such record."))
    if isinstance(exc, exceptions.ValidationError):
        return _validation(exc, request)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    response.data = error_body(field=None, expected=None, received=None, detail=str(detail))
    return response
