"""Reads of data queries for the work lists of sites, monitors and data managers.

Site staff see the queries of their own site's participants (and those about no participant).
A query about a field that reveals the allocation (the infused volume, the dose per kg ...) shows
its text and thread as ``[masked]`` to a user who may not see that participant's allocation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from hepatrial.edc.core.masking import MASKED, REVEALING_FIELDS, allocation_visible
from hepatrial.edc.core.permissions import SITE_ROLES, require, role_of
from hepatrial.edc.queries.models import OUTSTANDING, Query, QueryStatus
from hepatrial.errors import InputError

__all__ = ["QueryMessageRow", "QueryRow", "queries_open_count", "query_list"]


@dataclass(frozen=True, slots=True)
class QueryMessageRow:
    kind: str
    text: str
    author: str
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class QueryRow:
    id: UUID
    version: int
    participant_id: UUID | None
    study_id: str | None
    record_model: str
    record_id: str
    field: str
    rule: str
    text: str
    status: str
    raised_by: str
    raised_at: dt.datetime
    answered_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    messages: tuple[QueryMessageRow, ...]


def _scoped(user: Any, queries: QuerySet[Query]) -> QuerySet[Query]:
    site_code = getattr(user, "site_code", "")
    if role_of(user) in SITE_ROLES and site_code:
        return queries.filter(Q(participant__isnull=True) | Q(participant__site__code=site_code))
    return queries


def _label(content_type: ContentType) -> str:
    model = content_type.model_class()
    return model._meta.label if model else f"{content_type.app_label}.{content_type.model}"


def _row(query: Query, *, visible: bool) -> QueryRow:
    def say(text: str) -> str:
        return text if visible else MASKED

    messages = tuple(
        QueryMessageRow(
            kind=m.kind, text=say(m.text), author=m.created_by.get_username(), at=m.created_at
        )
        for m in query.messages.all()
        if not m.voided
    )
    return QueryRow(
        id=query.pk,
        version=query.version,
        participant_id=query.participant_id,
        study_id=query.participant.study_id if query.participant else None,
        record_model=_label(query.content_type),
        record_id=query.object_id,
        field=query.field,
        rule=query.rule,
        text=say(query.text),
        status=query.status,
        raised_by=query.created_by.get_username(),
        raised_at=query.created_at,
        answered_at=query.answered_at,
        resolved_at=query.resolved_at,
        closed_at=query.closed_at,
        messages=messages,
    )


def query_list(
    *, user: Any, status: str | None = None, participant_id: Any = None
) -> list[QueryRow]:
    """The queries ``user`` may see, oldest first, optionally of one status or participant."""
    require(user, "query.view")
    queries = Query.objects.filter(voided=False)
    if status is not None:
        if status not in QueryStatus.values:
            raise InputError(
                field="status", expected=f"one of {', '.join(QueryStatus.values)}", received=status
            )
        queries = queries.filter(status=status)
    if participant_id is not None:
        queries = queries.filter(participant_id=participant_id)
    queries = (
        _scoped(user, queries)
        .select_related("participant", "content_type", "created_by")
        .prefetch_related("messages__created_by")
        .order_by("created_at")
    )
    rows = []
    for query in queries:
        visible = query.field.lower() not in REVEALING_FIELDS or allocation_visible(
            user, participant_id=query.participant_id
        )
        rows.append(_row(query, visible=visible))
    return rows


def queries_open_count(*, participant_id: Any = None) -> int:
    """How many queries are outstanding (open, or answered and awaiting review)."""
    queries = Query.objects.filter(voided=False, status__in=OUTSTANDING)
    if participant_id is not None:
        queries = queries.filter(participant_id=participant_id)
    return queries.count()
