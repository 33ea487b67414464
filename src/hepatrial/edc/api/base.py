"""What every API view shares: authentication, the role check, record look-ups, error schemas.

Each view names the :data:`~hepatrial.edc.core.permissions.PERMISSIONS` action of each HTTP method
in ``actions``; :class:`RoleMayAct` refuses a role outside that action's roles with the service
layer's own :class:`~hepatrial.errors.AccessDeniedError` before anything is read. The services
check again (they are the authority); the view check only keeps reads that have no service of
their own (a participant's visits, say) behind the same table.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar, TypeVar

from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView

from hepatrial.edc.core.permissions import require
from hepatrial.edc.participants.models import Participant
from hepatrial.edc.participants.selectors import participant_get
from hepatrial.edc.visits.models import Visit
from hepatrial.errors import InputError

M = TypeVar("M", bound=models.Model)

__all__ = [
    "ApiView",
    "ErrorSerializer",
    "RoleMayAct",
    "errors",
    "live_or_404",
    "participant_or_404",
    "uuid_param",
    "visit_or_404",
]


class ErrorSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The body of every error response (see ``api/errors.py``)."""

    field = serializers.CharField(allow_null=True, help_text="The field the error is about.")
    expected = serializers.CharField(allow_null=True, help_text="What the field should hold.")
    received = serializers.JSONField(allow_null=True, help_text="What the request held.")
    detail = serializers.CharField(help_text="The whole message, for people.")


_MEANING = {
    400: "Invalid input: the body names the field, what was expected and what was received.",
    401: "Not signed in: send `Authorization: Token <key>` (see POST /api/token/).",
    403: "The role may not do this (the PERMISSIONS table), or not for this site.",
    404: "No such record.",
    409: "Stale `version` (someone saved the record since), or not allowed in the current state.",
    423: "The study database is locked; no write is accepted.",
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """Error responses for ``extend_schema``: 401 and 403 always, plus ``codes``."""
    wanted = sorted({401, 403, *codes})
    return {code: OpenApiResponse(ErrorSerializer, description=_MEANING[code]) for code in wanted}


class RoleMayAct(BasePermission):
    """The user's role may do the view's action for this HTTP method (PERMISSIONS)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        action = getattr(view, "actions", {}).get(request.method)
        if action is not None:
            require(request.user, action)
        return True


# An API view: token or session authentication, signed-in users, the role check. (A comment,
# not a docstring: drf-spectacular would print an inherited docstring on every operation.)
# The token authenticator comes first so that an anonymous request is answered 401 with
# ``WWW-Authenticate: Token`` (with the session authenticator first DRF would say 403).
class ApiView(APIView):
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated, RoleMayAct]
    actions: ClassVar[dict[str, str]] = {}


def live_or_404(model: type[M], pk: Any) -> M:
    """The record ``pk`` of ``model`` unless it does not exist or was voided."""
    found = model._default_manager.filter(pk=pk, voided=False).first()
    if found is None:
        raise Http404(_("No such record."))
    return found


def participant_or_404(request: Request, pk: Any) -> tuple[Participant, dict[str, Any]]:
    """The participant and its masked row, if the user may see it (role and site)."""
    participant = live_or_404(Participant, pk)
    return participant, participant_get(user=request.user, participant_id=participant.pk)


def visit_or_404(request: Request, pk: Any) -> Visit:
    """The visit, if the user may see its participant."""
    visit = live_or_404(Visit, pk)
    participant_get(user=request.user, participant_id=visit.participant_id)
    return visit


def uuid_param(request: Request, name: str) -> uuid.UUID | None:
    """An optional query parameter that must be an id: absent is None, malformed is a 400."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise InputError(field=name, expected="the id of a participant", received=raw) from None
