"""Outcome events: decompensation (list, record, correct) and death."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from hepatrial.edc.outcomes.models import DecompensationEvent
from hepatrial.edc.outcomes.selectors import decompensation_list
from hepatrial.edc.outcomes.services import (
    death_record,
    decompensation_correct,
    decompensation_record,
)

from .base import ApiView, errors, live_or_404, participant_or_404, uuid_param
from .serializers_review import (
    DeathRecordSerializer,
    DeathSerializer,
    DecompensationCorrectSerializer,
    DecompensationRecordSerializer,
    DecompensationSerializer,
)

__all__ = [
    "DecompensationCorrectView",
    "DecompensationListView",
    "ParticipantDeathView",
    "ParticipantEventsView",
]

TAG = ["events"]


def _event_row(user: Any, event: DecompensationEvent) -> dict[str, Any]:
    rows = decompensation_list(user=user, participant_id=event.participant_id)
    return asdict(next(row for row in rows if row.id == event.pk))


class DecompensationListView(ApiView):
    actions = {"GET": "event.view"}

    @extend_schema(
        tags=TAG,
        summary="Decompensation events the user may see, by participant and onset",
        parameters=[
            OpenApiParameter("participant", OpenApiTypes.UUID, description="A participant's id.")
        ],
        responses={200: DecompensationSerializer(many=True), **errors(400)},
    )
    def get(self, request: Request) -> Response:
        rows = decompensation_list(
            user=request.user, participant_id=uuid_param(request, "participant")
        )
        return Response(DecompensationSerializer([asdict(r) for r in rows], many=True).data)


class ParticipantEventsView(ApiView):
    actions = {"GET": "event.view", "POST": "event.record"}

    @extend_schema(
        tags=TAG,
        summary="A participant's decompensation events",
        responses={200: DecompensationSerializer(many=True), **errors(404)},
    )
    def get(self, request: Request, pk: Any) -> Response:
        participant, _ = participant_or_404(request, pk)
        rows = decompensation_list(user=request.user, participant_id=participant.pk)
        return Response(DecompensationSerializer([asdict(r) for r in rows], many=True).data)

    @extend_schema(
        tags=TAG,
        summary="Record a decompensation event (GI bleeding, ascites, hepatic encephalopathy)",
        request=DecompensationRecordSerializer,
        responses={201: DecompensationSerializer, **errors(400, 404, 409, 423)},
    )
    def post(self, request: Request, pk: Any) -> Response:
        participant, _ = participant_or_404(request, pk)
        given = DecompensationRecordSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        event = decompensation_record(
            user=request.user, participant=participant, **given.validated_data
        )
        return Response(_event_row(request.user, event), status=status.HTTP_201_CREATED)


class DecompensationCorrectView(ApiView):
    actions = {"PATCH": "event.record"}

    @extend_schema(
        tags=TAG,
        summary="Correct a decompensation event (version read and reason needed)",
        request=DecompensationCorrectSerializer,
        responses={200: DecompensationSerializer, **errors(400, 404, 409, 423)},
    )
    def patch(self, request: Request, pk: Any) -> Response:
        event = live_or_404(DecompensationEvent, pk)
        participant_or_404(request, event.participant_id)
        given = DecompensationCorrectSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        changes = dict(given.validated_data)
        version, reason = changes.pop("version"), changes.pop("reason")
        corrected = decompensation_correct(
            user=request.user, event=event, expected_version=version, reason=reason,
            changes=changes,
        )  # fmt: skip
        return Response(_event_row(request.user, corrected))


class ParticipantDeathView(ApiView):
    actions = {"POST": "event.record"}

    @extend_schema(
        tags=TAG,
        summary="Record a death: the status becomes died and the scheduled visits end",
        request=DeathRecordSerializer,
        responses={201: DeathSerializer, **errors(400, 404, 409, 423)},
    )
    def post(self, request: Request, pk: Any) -> Response:
        participant, _ = participant_or_404(request, pk)
        given = DeathRecordSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        death = death_record(user=request.user, participant=participant, **given.validated_data)
        body = {
            "id": death.pk, "version": death.version, "participant_id": death.participant_id,
            "died_on": death.died_on, "cause": death.cause, "source": death.source,
        }  # fmt: skip
        return Response(DeathSerializer(body).data, status=status.HTTP_201_CREATED)
