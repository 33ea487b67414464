"""Participants: list, identify (create), one participant, and their infusions (masked)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from hepatrial.edc.dosing.selectors import infusion_list
from hepatrial.edc.participants.selectors import participant_get, participant_list
from hepatrial.edc.participants.services import participant_identify

from .base import ApiView, errors, participant_or_404
from .serializers import (
    InfusionSerializer,
    ParticipantFilterSerializer,
    ParticipantIdentifySerializer,
    ParticipantSerializer,
)

__all__ = ["ParticipantDetailView", "ParticipantInfusionsView", "ParticipantListView"]

TAG = ["participants"]


class ParticipantListView(ApiView):
    actions = {"GET": "participant.view", "POST": "participant.identify"}

    @extend_schema(
        tags=TAG,
        summary="Participants the user may see (site staff: their site's), in study-ID order",
        parameters=[ParticipantFilterSerializer],
        responses={200: ParticipantSerializer(many=True), **errors(400)},
    )
    def get(self, request: Request) -> Response:
        # a plain dict, not the QueryDict: DRF reads an empty HTML-form value as "not given",
        # and ``?site=`` is a mistake to report, not a request for every site
        given = ParticipantFilterSerializer(data=request.query_params.dict())
        given.is_valid(raise_exception=True)
        rows = participant_list(user=request.user, site_code=given.validated_data.get("site"))
        return Response(ParticipantSerializer(rows, many=True).data)

    @extend_schema(
        tags=TAG,
        summary="Identify a candidate: the next study ID of the site (identifiers encrypted)",
        request=ParticipantIdentifySerializer,
        responses={201: ParticipantSerializer, **errors(400, 409, 423)},
    )
    def post(self, request: Request) -> Response:
        given = ParticipantIdentifySerializer(data=request.data)
        given.is_valid(raise_exception=True)
        participant = participant_identify(user=request.user, **given.validated_data)
        row = participant_get(user=request.user, participant_id=participant.pk)
        return Response(ParticipantSerializer(row).data, status=status.HTTP_201_CREATED)


class ParticipantDetailView(ApiView):
    actions = {"GET": "participant.view"}

    @extend_schema(
        tags=TAG,
        summary="One participant: study ID, status, dates; the arm only where visible",
        responses={200: ParticipantSerializer, **errors(404)},
    )
    def get(self, request: Request, pk: Any) -> Response:
        _, row = participant_or_404(request, pk)
        return Response(ParticipantSerializer(row).data)


class ParticipantInfusionsView(ApiView):
    actions = {"GET": "participant.view"}

    @extend_schema(
        tags=TAG,
        summary="A participant's infusions; dose, cells, volumes and times masked where hidden",
        responses={200: InfusionSerializer(many=True), **errors(404)},
    )
    def get(self, request: Request, pk: Any) -> Response:
        participant, _ = participant_or_404(request, pk)
        rows = infusion_list(user=request.user, participant_id=participant.pk)
        return Response(InfusionSerializer(rows, many=True).data)
