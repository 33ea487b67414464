"""Raising, answering, resolving and closing data queries, by people and by rules.

A person raises a query on a field of a record; the site answers it; the monitor or data manager
resolves it (accepts the answer) and closes it, or closes it early when it was raised in error.
Rules do not call these: the services that save data run their checks and hand the findings to
:func:`auto_queries_sync`, which keeps exactly one outstanding query per firing (rule, field) of
the record and auto-closes those whose rule stopped firing because the data was corrected.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from hepatrial.edc.core.permissions import SITE_ROLES, require, role_of
from hepatrial.edc.core.services import record_create, record_update
from hepatrial.edc.participants.models import Participant
from hepatrial.edc.queries.checks import MANUAL, Finding
from hepatrial.edc.queries.models import OUTSTANDING, Query, QueryMessage, QueryStatus
from hepatrial.errors import AccessDeniedError, InputError, WorkflowError

__all__ = [
    "AUTO_CLOSED_TEXT",
    "QuerySync",
    "auto_queries_sync",
    "query_close",
    "query_raise",
    "query_resolve",
    "query_respond",
]

AUTO_CLOSED_TEXT = "auto-closed: data corrected"
_RULE_MAX: int = Query._meta.get_field("rule").max_length  # type: ignore[assignment]
_FIELD_MAX: int = Query._meta.get_field("field").max_length  # type: ignore[assignment]

S = QueryStatus
Kind = QueryMessage.Kind


@dataclass(frozen=True, slots=True)
class QuerySync:
    """What one :func:`auto_queries_sync` did to the record's rule queries."""

    opened: tuple[Query, ...]
    kept: tuple[Query, ...]
    closed: tuple[Query, ...]


def _text(value: Any, field: str = "text") -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(field=field, expected="a non-empty text", received=value)
    return value.strip()


def _reference(
    record: Any, *, voided_ok: bool = False
) -> tuple[ContentType, str, Participant | None]:
    """The content type, key and participant of a saved trial record."""
    # A UUID key exists before the first save, so "saved" is Django's own state flag.
    if not isinstance(record, models.Model) or record.pk is None or record._state.adding:
        raise InputError(field="record", expected="a saved trial record", received=record)
    if getattr(record, "voided", False) and not voided_ok:
        raise InputError(
            field="record", expected="a record that is not voided", received="a voided record"
        )
    participant = (
        record if isinstance(record, Participant) else getattr(record, "participant", None)
    )
    if participant is not None and not isinstance(participant, Participant):
        participant = None
    return ContentType.objects.get_for_model(type(record)), str(record.pk), participant


def _ensure_own_site(user: Any, query: Query) -> None:
    """Site staff act only on their own site's participants (the way they are scoped in pages)."""
    site_code = getattr(user, "site_code", "")
    if role_of(user) not in SITE_ROLES or not site_code or query.participant_id is None:
        return
    participant_site = Participant.objects.select_related("site").get(pk=query.participant_id)
    if participant_site.site.code != site_code:
        raise AccessDeniedError(
            field="query",
            expected=f"a query about a participant of site {site_code}",
            received=f"a participant of site {participant_site.site.code}",
        )


def _message(*, user: Any, query: Query, kind: str, text: str) -> QueryMessage:
    return record_create(QueryMessage, user=user, query=query, kind=kind, text=text)


@transaction.atomic
def query_raise(*, user: Any, record: Any, field: str, text: str) -> Query:
    """A person asks a question about ``field`` of ``record``."""
    require(user, "query.raise")
    content_type, object_id, participant = _reference(record)
    names = sorted(f.name for f in type(record)._meta.concrete_fields)
    if field not in names:
        raise InputError(
            field="field",
            expected=f"a field of {type(record)._meta.label} ({', '.join(names)})",
            received=field,
        )
    body = _text(text)
    query = record_create(
        Query,
        user=user,
        content_type=content_type,
        object_id=object_id,
        participant=participant,
        field=field,
        rule=MANUAL,
        text=body,
        status=S.OPEN,
    )
    _message(user=user, query=query, kind=Kind.RAISED, text=body)
    return query


def _step(
    *,
    user: Any,
    query: Query,
    text: str,
    sources: Collection[str],
    target: str,
    stamp: str,
    kind: str,
    reason: str,
) -> Query:
    if not isinstance(query, Query):
        raise InputError(field="query", expected="a query", received=query)
    body = _text(text)
    _ensure_own_site(user, query)
    current = Query.objects.select_for_update().get(pk=query.pk).status
    if current not in sources:
        raise WorkflowError(
            field="query status",
            expected=f"a query that is {' or '.join(sources)}",
            received=current,
        )
    updated = record_update(
        Query,
        query.pk,
        user=user,
        expected_version=query.version,
        reason=reason,
        changes={"status": target, f"{stamp}_by": user, f"{stamp}_at": timezone.now()},
    )
    _message(user=user, query=updated, kind=kind, text=body)
    return updated


@transaction.atomic
def query_respond(*, user: Any, query: Query, text: str) -> Query:
    """The site answers an open query (a correction of the data goes through its own service)."""
    require(user, "query.respond")
    return _step(
        user=user,
        query=query,
        text=text,
        sources=(S.OPEN,),
        target=S.ANSWERED,
        stamp="answered",
        kind=Kind.RESPONSE,
        reason="query answered",
    )


@transaction.atomic
def query_resolve(*, user: Any, query: Query, text: str) -> Query:
    """The monitor or data manager accepts the site's answer."""
    require(user, "query.resolve")
    return _step(
        user=user,
        query=query,
        text=text,
        sources=(S.ANSWERED,),
        target=S.RESOLVED,
        stamp="resolved",
        kind=Kind.RESOLUTION,
        reason="query resolved",
    )


@transaction.atomic
def query_close(*, user: Any, query: Query, text: str) -> Query:
    """Close a resolved query, or withdraw an outstanding one that was raised in error."""
    require(user, "query.close")
    return _step(
        user=user,
        query=query,
        text=text,
        sources=(S.RESOLVED, *OUTSTANDING),
        target=S.CLOSED,
        stamp="closed",
        kind=Kind.CLOSURE,
        reason="query closed",
    )


def _checked_findings(findings: Iterable[Finding]) -> dict[tuple[str, str], Finding]:
    by_key: dict[tuple[str, str], Finding] = {}
    for index, finding in enumerate(findings):
        where = f"findings[{index}]"
        if not isinstance(finding, Finding):
            raise InputError(field=where, expected="a Finding", received=finding)
        rule = finding.rule
        if not isinstance(rule, str) or not rule.strip() or rule == MANUAL or len(rule) > _RULE_MAX:
            raise InputError(
                field=f"{where}.rule",
                expected=f"a rule code of at most {_RULE_MAX} characters, not {MANUAL!r}",
                received=rule,
            )
        if not isinstance(finding.field, str) or len(finding.field) > _FIELD_MAX:
            raise InputError(
                field=f"{where}.field",
                expected=f"a field name of at most {_FIELD_MAX} characters ('' for the record)",
                received=finding.field,
            )
        _text(finding.message, f"{where}.message")
        key = (finding.rule, finding.field)
        if key in by_key:
            raise InputError(
                field=where,
                expected="one finding per (rule, field) of the record",
                received=f"a second finding for rule {finding.rule!r}, field {finding.field!r}",
            )
        by_key[key] = finding
    return by_key


@transaction.atomic
def auto_queries_sync(
    *,
    record: Any,
    findings: Iterable[Finding],
    user: Any,
    rules: Collection[str] | None = None,
) -> QuerySync:
    """Bring the rule queries of ``record`` in line with what its checks found just now.

    - a finding with no outstanding query of its (rule, field) opens one, unless a person already
      resolved or closed a query with the very same text (a value confirmed as correct is not
      queried again on every save);
    - an outstanding rule query whose (rule, field) is not among ``findings`` is auto-closed;
      ``rules`` limits this to the rules the caller evaluated, so two services that check the
      same record with different rules do not close each other's queries.

    Runs inside the caller's transaction and asks for no permission of its own: it is part of
    the save that ran the checks, attributed to the ``user`` who saved. Idempotent. A service
    that voids a record syncs it with no findings, which closes its rule queries.
    """
    content_type, object_id, participant = _reference(record, voided_ok=True)
    wanted = _checked_findings(findings)
    scope = None if rules is None else frozenset(rules)
    existing = list(
        Query.objects.select_for_update()
        .filter(content_type=content_type, object_id=object_id, voided=False)
        .exclude(rule=MANUAL)
        .order_by("created_at")
    )
    outstanding = {(q.rule, q.field): q for q in existing if q.status in OUTSTANDING}
    settled = {(q.rule, q.field, q.text) for q in existing if q.status in (S.RESOLVED, S.CLOSED)}
    opened: list[Query] = []
    kept: list[Query] = []
    closed: list[Query] = []
    for key, finding in wanted.items():
        if key in outstanding:
            kept.append(outstanding[key])
            continue
        message = finding.message.strip()
        if (*key, message) in settled:
            continue
        query = record_create(
            Query,
            user=user,
            content_type=content_type,
            object_id=object_id,
            participant=participant,
            field=finding.field,
            rule=finding.rule,
            text=message,
            status=S.OPEN,
        )
        _message(user=user, query=query, kind=Kind.RAISED, text=message)
        opened.append(query)
    for key, query in outstanding.items():
        if key in wanted or (scope is not None and query.rule not in scope):
            continue
        done = record_update(
            Query,
            query.pk,
            user=user,
            expected_version=query.version,
            reason=AUTO_CLOSED_TEXT,
            changes={"status": S.AUTO_CLOSED, "closed_by": user, "closed_at": timezone.now()},
        )
        _message(user=user, query=done, kind=Kind.AUTO_CLOSURE, text=AUTO_CLOSED_TEXT)
        closed.append(done)
    return QuerySync(opened=tuple(opened), kept=tuple(kept), closed=tuple(closed))
