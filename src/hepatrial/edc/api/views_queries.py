"""Data queries: the work list, raising a query on a field of a record, and its answer,
resolution and closing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from django.apps import apps
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from hepatrial.edc.core.models import TrialModel
from hepatrial.edc.core.services import CASEBOOK_APPS
from hepatrial.edc.queries.models import Query, QueryStatus
from hepatrial.edc.queries.selectors import query_list
from hepatrial.edc.queries.services import query_close, query_raise, query_resolve, query_respond
from hepatrial.errors import InputError

from .base import ApiView, errors, live_or_404, uuid_param
from .serializers_review import QueryRaiseSerializer, QuerySerializer, QueryStepSerializer

__all__ = ["QueryCloseView", "QueryListView", "QueryResolveView", "QueryRespondView"]

TAG = ["queries"]


def _query_row(user: Any, query: Query) -> dict[str, Any]:
    rows = query_list(user=user, participant_id=query.participant_id)
    return dict(QuerySerializer(asdict(next(r for r in rows if r.id == query.pk))).data)


def _record(label: str, record_id: Any) -> Any:
    """The trial record a query is about, by model label and id (casebook data only)."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        model = None
    if (
        model is None
        or not issubclass(model, TrialModel)
        or (model._meta.app_label not in CASEBOOK_APPS)
    ):
        raise InputError(
            field="record_model",
            expected="the label of a trial record model, e.g. crfs.LabResult",
            received=label,
        )
    record = model._default_manager.filter(pk=record_id, voided=False).first()
    if record is None:
        raise InputError(
            field="record_id", expected=f"the id of a {label} record", received=str(record_id)
        )
    return record


class QueryListView(ApiView):
    actions = {"GET": "query.view", "POST": "query.raise"}

    @extend_schema(
        tags=TAG,
        summary="The queries the user may see, oldest first",
        parameters=[
            OpenApiParameter("status", str, enum=list(QueryStatus.values)),
            OpenApiParameter("participant", OpenApiTypes.UUID, description="A participant's id."),
        ],
        responses={200: QuerySerializer(many=True), **errors(400)},
    )
    def get(self, request: Request) -> Response:
        rows = query_list(
            user=request.user,
            status=request.query_params.get("status"),
            participant_id=uuid_param(request, "participant"),
        )
        return Response(QuerySerializer([asdict(r) for r in rows], many=True).data)

    @extend_schema(
        tags=TAG,
        summary="Raise a query on a field of a record",
        request=QueryRaiseSerializer,
        responses={201: QuerySerializer, **errors(400, 409, 423)},
    )
    def post(self, request: Request) -> Response:
        given = QueryRaiseSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        record = _record(data["record_model"], data["record_id"])
        query = query_raise(user=request.user, record=record, field=data["field"],
                            text=data["text"])  # fmt: skip
        return Response(_query_row(request.user, query), status=status.HTTP_201_CREATED)


class _QueryStepView(ApiView):
    step: Callable[..., Query]

    def _do(self, request: Request, pk: Any) -> Response:
        query = live_or_404(Query, pk)
        given = QueryStepSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        done = type(self).step(user=request.user, query=query, text=given.validated_data["text"])
        return Response(_query_row(request.user, done))


def _step_schema(summary: str) -> Callable[[Any], Any]:
    return extend_schema(
        tags=TAG,
        summary=summary,
        request=QueryStepSerializer,
        responses={200: QuerySerializer, **errors(400, 404, 409, 423)},
    )


class QueryRespondView(_QueryStepView):
    actions = {"POST": "query.respond"}
    step = staticmethod(query_respond)

    @_step_schema("The site answers an open query")
    def post(self, request: Request, pk: Any) -> Response:
        return self._do(request, pk)


class QueryResolveView(_QueryStepView):
    actions = {"POST": "query.resolve"}
    step = staticmethod(query_resolve)

    @_step_schema("The monitor or data manager accepts the answer")
    def post(self, request: Request, pk: Any) -> Response:
        return self._do(request, pk)


class QueryCloseView(_QueryStepView):
    actions = {"POST": "query.close"}
    step = staticmethod(query_close)

    @_step_schema("Close a resolved query, or withdraw one raised in error")
    def post(self, request: Request, pk: Any) -> Response:
        return self._do(request, pk)
