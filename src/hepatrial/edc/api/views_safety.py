"""Adverse events: list, record (a serious one starts its 24-hour clock), update."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from hepatrial.edc.safety.models import AdverseEvent
from hepatrial.edc.safety.selectors import adverse_event_list
from hepatrial.edc.safety.services import adverse_event_record, adverse_event_update
from hepatrial.errors import InputError

from .base import ApiView, errors, live_or_404, participant_or_404, uuid_param
from .serializers_review import (
    AdverseEventRecordSerializer,
    AdverseEventSerializer,
    AdverseEventUpdateSerializer,
)

__all__ = ["AdverseEventListView", "AdverseEventUpdateView", "ParticipantAdverseEventsView"]

TAG = ["adverse events"]


def _serious(request: Request) -> bool | None:
    raw = request.query_params.get("serious")
    if raw is None:
        return None
    if raw not in ("true", "false"):
        raise InputError(field="serious", expected="true or false", received=raw)
    return raw == "true"


def _rows(user: Any, **filters: Any) -> list[dict[str, Any]]:
    rows = [asdict(row) for row in adverse_event_list(user=user, **filters)]
    return list(AdverseEventSerializer(rows, many=True).data)


def _one(user: Any, event: AdverseEvent) -> dict[str, Any]:
    rows = _rows(user, participant_id=event.participant_id)
    return next(row for row in rows if row["id"] == str(event.pk))


class AdverseEventListView(ApiView):
    actions = {"GET": "ae.view"}

    @extend_schema(
        tags=TAG,
        summary="Adverse events the user may see (site staff: their site's)",
        parameters=[
            OpenApiParameter("participant", OpenApiTypes.UUID, description="A participant's id."),
            OpenApiParameter("serious", str, enum=["true", "false"]),
        ],
        responses={200: AdverseEventSerializer(many=True), **errors(400)},
    )
    def get(self, request: Request) -> Response:
        participant_id = uuid_param(request, "participant")
        return Response(
            _rows(request.user, participant_id=participant_id, serious=_serious(request))
        )


class ParticipantAdverseEventsView(ApiView):
    actions = {"GET": "ae.view", "POST": "ae.record"}

    @extend_schema(
        tags=TAG,
        summary="A participant's adverse events",
        responses={200: AdverseEventSerializer(many=True), **errors(404)},
    )
    def get(self, request: Request, pk: Any) -> Response:
        participant, _ = participant_or_404(request, pk)
        return Response(_rows(request.user, participant_id=participant.pk))

    @extend_schema(
        tags=TAG,
        summary="Record an adverse event; seriousness criteria make it an SAE (24-hour clock)",
        request=AdverseEventRecordSerializer,
        responses={201: AdverseEventSerializer, **errors(400, 404, 409, 423)},
    )
    def post(self, request: Request, pk: Any) -> Response:
        participant, _ = participant_or_404(request, pk)
        given = AdverseEventRecordSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        event = adverse_event_record(
            user=request.user, participant=participant, **given.validated_data
        )
        return Response(_one(request.user, event), status=status.HTTP_201_CREATED)


class AdverseEventUpdateView(ApiView):
    actions = {"PATCH": "ae.record"}

    @extend_schema(
        tags=TAG,
        summary="Update an adverse event: follow-up or correction (version and reason needed)",
        request=AdverseEventUpdateSerializer,
        responses={200: AdverseEventSerializer, **errors(400, 404, 409, 423)},
    )
    def patch(self, request: Request, pk: Any) -> Response:
        event = live_or_404(AdverseEvent, pk)
        participant_or_404(request, event.participant_id)
        given = AdverseEventUpdateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        changes = dict(given.validated_data)
        version, reason = changes.pop("version"), changes.pop("reason")
        updated = adverse_event_update(
            user=request.user, adverse_event=event, expected_version=version, reason=reason,
            changes=changes,
        )  # fmt: skip
        return Response(_one(request.user, updated))
