"""Visits: a participant's schedule, one visit with its forms, and recording a visit's date."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from hepatrial.edc.crfs.selectors import visit_forms
from hepatrial.edc.visits.selectors import visit_get, visit_list
from hepatrial.edc.visits.services import visit_record

from .base import ApiView, errors, participant_or_404, visit_or_404
from .serializers import VisitFormsSerializer, VisitRecordSerializer, VisitSerializer

__all__ = ["ParticipantVisitsView", "VisitDetailView", "VisitRecordView", "forms_data"]

TAG = ["visits"]


def forms_data(visit_id: Any) -> dict[str, Any]:
    """The serialized forms of one visit: the visit, labs, assessment, scores, what is missing."""
    return dict(VisitFormsSerializer(asdict(visit_forms(visit_id=visit_id))).data)


class ParticipantVisitsView(ApiView):
    actions = {"GET": "participant.view"}

    @extend_schema(
        tags=TAG,
        summary="Every visit of a participant with target date, window and status",
        responses={200: VisitSerializer(many=True), **errors(404)},
    )
    def get(self, request: Request, pk: Any) -> Response:
        participant, _ = participant_or_404(request, pk)
        rows = [asdict(row) for row in visit_list(participant_id=participant.pk)]
        return Response(VisitSerializer(rows, many=True).data)


class VisitDetailView(ApiView):
    actions = {"GET": "participant.view"}

    @extend_schema(
        tags=TAG,
        summary="One visit with its labs, clinical assessment, derived scores and missing forms",
        responses={200: VisitFormsSerializer, **errors(404)},
    )
    def get(self, request: Request, pk: Any) -> Response:
        visit = visit_or_404(request, pk)
        return Response(forms_data(visit.pk))


class VisitRecordView(ApiView):
    actions = {"POST": "visit.record"}

    @extend_schema(
        tags=TAG,
        summary="Record the date a visit took place (a correction needs `reason`)",
        description="Outside its window the visit is still recorded, as a protocol deviation, "
        "and queried. `version` is the visit's version as read; a stale one is a 409.",
        request=VisitRecordSerializer,
        responses={200: VisitSerializer, **errors(400, 404, 409, 423)},
    )
    def post(self, request: Request, pk: Any) -> Response:
        visit = visit_or_404(request, pk)
        given = VisitRecordSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        visit_record(
            user=request.user,
            visit=visit,
            actual_date=data["actual_date"],
            expected_version=data["version"],
            reason=data.get("reason"),
        )
        return Response(VisitSerializer(asdict(visit_get(visit_id=visit.pk))).data)
