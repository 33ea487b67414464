"""Tabulations: the SDTM-shaped domains as CSV or JSON, masked for a masked user.

Each download builds the tabulations for the requesting user
(:func:`hepatrial.edc.tabulations.tabulations_build`), which masks DM's arms and EX's dose and
records the read in the audit trail.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from hepatrial.edc.tabulations import tabulations_build
from hepatrial.tabulate import DOMAINS

from .base import ApiView, errors
from .serializers_review import TabulationDomainSerializer

__all__ = ["TabulationCsvView", "TabulationJsonView", "TabulationListView"]

TAG = ["tabulations"]


class CsvRenderer(BaseRenderer):
    """Lets a client ask for ``text/csv``; errors on this path still carry the JSON error body."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None
    ) -> bytes:
        text = data if isinstance(data, str) else json.dumps(data, default=str)
        return text.encode(self.charset)


def _frame(request: Request, domain: str) -> Any:
    code = domain.upper()
    if code not in DOMAINS:
        raise Http404(_("No such domain: %(domain)s.") % {"domain": domain})
    return tabulations_build(user=request.user)[code]


class TabulationListView(ApiView):
    actions = {"GET": "tabulation.read"}

    @extend_schema(
        tags=TAG,
        summary="The domains (DM, DS, IE, EX, SV, LB, RS, VS, CE, AE) and where to get them",
        responses={200: TabulationDomainSerializer(many=True), **errors()},
    )
    def get(self, request: Request) -> Response:
        rows = [
            {
                "code": code,
                "label": spec.label,
                "csv": reverse("api:tabulation-csv", kwargs={"domain": code}),
                "json": reverse("api:tabulation-json", kwargs={"domain": code}),
            }
            for code, spec in DOMAINS.items()
        ]
        return Response(TabulationDomainSerializer(rows, many=True).data)


class TabulationCsvView(ApiView):
    actions = {"GET": "tabulation.read"}
    renderer_classes = [JSONRenderer, CsvRenderer]

    @extend_schema(
        tags=TAG,
        summary="One domain as CSV (masked for a masked user)",
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The domain."),
            **errors(404),
        },
    )
    def get(self, request: Request, domain: str) -> HttpResponse:
        frame = _frame(request, domain)
        response = HttpResponse(frame.to_csv(index=False), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{domain.lower()}.csv"'
        return response


class TabulationJsonView(ApiView):
    actions = {"GET": "tabulation.read"}

    @extend_schema(
        tags=TAG,
        summary="One domain as JSON rows (masked for a masked user)",
        responses={
            200: OpenApiResponse(
                {"type": "array", "items": {"type": "object", "additionalProperties": True}},
                description="One object per row, SDTM variable names as keys; null when empty.",
            ),
            **errors(404),
        },
    )
    def get(self, request: Request, domain: str) -> Response:
        frame = _frame(request, domain)
        return Response(json.loads(frame.to_json(orient="records", date_format="iso")))
