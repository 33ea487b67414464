"""Lab results: a participant's lab table, a visit's labs, one result, a whole panel, corrections.

The panel post is how a hospital system sends a visit's results: every value with the unit it
was reported in; all are stored (standardized, flagged, scored) or, if any one is refused, none.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from hepatrial.edc.crfs.models import LabResult
from hepatrial.edc.crfs.selectors import lab_table
from hepatrial.edc.crfs.services import lab_panel_enter, lab_result_correct, lab_result_enter
from hepatrial.edc.visits.models import Visit
from hepatrial.errors import InputError

from .base import ApiView, errors, live_or_404, participant_or_404, visit_or_404
from .serializers import (
    LabCorrectSerializer,
    LabPanelSerializer,
    LabResultEnterSerializer,
    LabRowSerializer,
    LabTableSerializer,
    VisitFormsSerializer,
)
from .views_visits import forms_data

__all__ = ["LabResultCorrectView", "LabResultEnterView", "ParticipantLabsView", "VisitLabsView"]

TAG = ["labs"]

_PANEL_EXAMPLE = {
    "values": {
        "BILI": {"value": 64, "unit": "umol/L"},
        "ALB": {"value": 29, "unit": "g/L"},
        "INR": {"value": 1.4, "unit": "ratio"},
        "PT": {"value": 16.8, "unit": "s"},
        "CREAT": {"value": 97, "unit": "umol/L"},
        "SODIUM": {"value": 131, "unit": "mmol/L"},
        "ALT": {"value": 38, "unit": "U/L"},
        "AST": {"value": 52, "unit": "U/L"},
        "ALP": {"value": 110, "unit": "U/L"},
    }
}


def _lab_row(result: LabResult) -> dict[str, Any]:
    row = next(lab for lab in forms_data(result.visit_id)["labs"] if lab["id"] == str(result.pk))
    return dict(row)


def _body_visit(request: Request, visit_id: Any) -> Visit:
    """The visit named in a request body: an unknown one is bad input (400), not a 404."""
    try:
        return visit_or_404(request, visit_id)
    except Http404:
        raise InputError(
            field="visit", expected="the id of a visit", received=str(visit_id)
        ) from None


class ParticipantLabsView(ApiView):
    actions = {"GET": "participant.view"}

    @extend_schema(
        tags=TAG,
        summary="A participant's lab table: canonical-unit values and scores per done visit",
        responses={200: LabTableSerializer(many=True), **errors(404)},
    )
    def get(self, request: Request, pk: Any) -> Response:
        participant, _ = participant_or_404(request, pk)
        rows = [asdict(column) for column in lab_table(participant_id=participant.pk)]
        return Response(LabTableSerializer(rows, many=True).data)


class VisitLabsView(ApiView):
    actions = {"GET": "participant.view", "POST": "crf.enter"}

    @extend_schema(
        tags=TAG,
        summary="A visit's labs and derived scores",
        responses={200: VisitFormsSerializer, **errors(404)},
    )
    def get(self, request: Request, pk: Any) -> Response:
        visit = visit_or_404(request, pk)
        return Response(forms_data(visit.pk))

    @extend_schema(
        tags=TAG,
        summary="Enter a whole panel with units: all stored, or none",
        description="Each value is standardized to the catalogue's unit; MELD, MELD-Na, "
        "MELD 3.0, Child-Pugh and ALBI are derived again. A value beyond a hard limit, an "
        "unknown unit or test, or a test already entered refuses the whole panel (400) and "
        "nothing is written. Values beyond a soft limit are stored and queried.",
        request=LabPanelSerializer,
        examples=[OpenApiExample("week-1 panel in SI units", value=_PANEL_EXAMPLE)],
        responses={201: VisitFormsSerializer, **errors(400, 404, 409, 423)},
    )
    def post(self, request: Request, pk: Any) -> Response:
        visit = visit_or_404(request, pk)
        given = LabPanelSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        values = {
            code: (entry["value"], entry["unit"])
            for code, entry in given.validated_data["values"].items()
        }
        lab_panel_enter(user=request.user, visit=visit, values=values)
        return Response(forms_data(visit.pk), status=status.HTTP_201_CREATED)


class LabResultEnterView(ApiView):
    actions = {"POST": "crf.enter"}

    @extend_schema(
        tags=TAG,
        summary="Enter one lab result at a done visit, as reported",
        request=LabResultEnterSerializer,
        responses={201: LabRowSerializer, **errors(400, 404, 409, 423)},
    )
    def post(self, request: Request) -> Response:
        given = LabResultEnterSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        visit = _body_visit(request, data["visit"])
        result = lab_result_enter(
            user=request.user, visit=visit, code=data["code"], value=data["value"],
            unit=data["unit"],
        )  # fmt: skip
        return Response(_lab_row(result), status=status.HTTP_201_CREATED)


class LabResultCorrectView(ApiView):
    actions = {"PATCH": "crf.enter"}

    @extend_schema(
        tags=TAG,
        summary="Correct a lab result (version read and reason needed); scores follow",
        request=LabCorrectSerializer,
        responses={200: LabRowSerializer, **errors(400, 404, 409, 423)},
    )
    def patch(self, request: Request, pk: Any) -> Response:
        result = live_or_404(LabResult, pk)
        visit_or_404(request, result.visit_id)
        given = LabCorrectSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        corrected = lab_result_correct(
            user=request.user, result=result, expected_version=data["version"],
            value=data["value"], unit=data["unit"], reason=data["reason"],
        )  # fmt: skip
        return Response(_lab_row(corrected))
