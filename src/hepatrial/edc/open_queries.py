"""The outstanding data queries as a table for the report's data-quality section.

One row per query still waiting on someone (open, or answered and awaiting review), with the
columns the analysis takes (``run_plan(open_queries=...)``): USUBJID, VISIT, FIELD, STATUS and
OPENED (the UTC date it was raised; audit time, so real time even in the demo's replayed past).
Read through the queries selector, so the user's site scope and masking apply.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import pandas as pd

from hepatrial.edc.core.permissions import allowed

__all__ = ["OPEN_QUERY_COLUMNS", "open_queries_frame"]

OPEN_QUERY_COLUMNS = ("USUBJID", "VISIT", "FIELD", "STATUS", "OPENED")


def _visit_labels(rows: list[Any]) -> dict[str, str]:
    """The visit label of each queried record that is a visit or belongs to one."""
    from django.apps import apps

    labels: dict[str, str] = {}
    by_model: dict[str, list[str]] = {}
    for row in rows:
        by_model.setdefault(row.record_model, []).append(row.record_id)
    for label, ids in by_model.items():
        model = apps.get_model(label)
        names = {f.name for f in model._meta.concrete_fields}
        if label == "visits.Visit":
            pairs = model.objects.filter(pk__in=ids).values_list("pk", "label")
        elif "visit" in names:
            pairs = model.objects.filter(pk__in=ids).values_list("pk", "visit__label")
        else:
            continue
        labels.update({str(pk): str(text) for pk, text in pairs if text})
    return labels


def open_queries_frame(
    *, user: Any, opened_on: Mapping[str, date] | None = None
) -> pd.DataFrame | None:
    """The outstanding queries ``user`` may see, or None when their role may not see queries
    (the report then says query status was not available to them).

    ``opened_on`` (query id → date) replaces the audit date as OPENED: the demo knows on which
    replayed day each query was raised, while the audit time is real time.
    """
    from hepatrial.edc.queries.models import OUTSTANDING
    from hepatrial.edc.queries.selectors import query_list
    from hepatrial.edc.study.selectors import study_protocol

    if not allowed(user, "query.view"):
        return None
    studyid = study_protocol().identity.registry_id
    rows = [row for row in query_list(user=user) if row.status in OUTSTANDING]
    visits = _visit_labels(rows)
    return pd.DataFrame(
        [
            {
                "USUBJID": f"{studyid}-{row.study_id}" if row.study_id else None,
                "VISIT": visits.get(row.record_id),
                "FIELD": row.field or None,
                "STATUS": str(row.status),
                "OPENED": (opened_on or {}).get(str(row.id), row.raised_at.date()),
            }
            for row in rows
        ],
        columns=list(OPEN_QUERY_COLUMNS),
    )
