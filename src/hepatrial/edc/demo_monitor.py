"""The demo's data review: the monitor's visits, the site's answers and the investigator's
signatures, through the EDC's services as the role that does each.

Every six weeks the monitor verifies a sample of what was entered since the last visit against
the source and raises a query on some of it, and accepts (resolves) most of the answers waiting
for review; a few days later the coordinator answers most open queries, correcting a lab value
typed wrongly instead of arguing with its rule. What the last visits raise stays open at the cut.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hepatrial.edc.demo_replay import DemoReplay

__all__ = [
    "MONITORING_EVERY_DAYS",
    "casebook_sign_step",
    "monitoring_visit",
    "site_answers",
]

MONITORING_EVERY_DAYS = 42
SITE_ANSWERS_AFTER_DAYS = 5
_QUERIES_PER_VISIT = 4
_RESOLVE_SHARE = 0.7
_ANSWER_SHARE = 0.8  # the rest wait for the next round: a site always has a backlog

_QUESTIONS = {
    "actual_date": "The visit date differs from the date on the clinic note; please check it.",
    "value_entered": "Please confirm this value against the laboratory report.",
    "weight_kg": "The weight differs from the nursing record of the same day; please confirm.",
    "severity": "Please confirm the severity against the discharge summary.",
    "grade": "Please confirm the CTCAE grade against the clinical notes.",
}
_ANSWERS = {
    "LAB_SOFT_LIMIT": "Value checked against the laboratory report: it is correct as entered.",
    "LAB_UNIT_MIXUP": "Unit checked against the laboratory report: correct as entered.",
    "PT_INR_INCONSISTENT": "Both values are as printed on the laboratory report.",
    "WEIGHT_CHANGE": "Weight confirmed with the nursing record (ascites drained).",
    "VISIT_OUTSIDE_WINDOW": "The participant could not attend within the window; noted as a "
    "protocol deviation.",
    "VISIT_DATES_INCONSISTENT": "Dates confirmed against the clinic notes.",
}
_DEFAULT_ANSWER = "Checked against the source document: the entry is correct."


def monitoring_visit(replay: DemoReplay, since: dt.date, on: dt.date) -> None:
    """Accept most answers waiting for review, then query a sample of the new entries."""
    from hepatrial.edc.queries.models import Query
    from hepatrial.edc.queries.selectors import query_list
    from hepatrial.edc.queries.services import query_raise, query_resolve

    monitor = replay.users["monitor"]
    for row in query_list(user=monitor, status="answered"):
        if replay.rng.random() < _RESOLVE_SHARE:
            query_resolve(user=monitor, query=Query.objects.get(pk=row.id), text="Source verified.")
    fresh = [(record, name) for when, record, name in replay.recorded if since < when <= on]
    if not fresh:
        return
    count = min(_QUERIES_PER_VISIT, max(1, len(fresh) // 12))
    for index in sorted(replay.rng.choice(len(fresh), size=count, replace=False)):
        record, name = fresh[int(index)]
        current = type(record).objects.get(pk=record.pk)
        if getattr(current, "voided", False):
            continue
        query_raise(user=monitor, record=current, field=name, text=_QUESTIONS[name])


def site_answers(replay: DemoReplay, on: dt.date) -> None:
    """The coordinator answers most open queries: a flagged lab value typed wrongly is corrected
    (which closes its rule query); everything else is answered from the source."""
    from hepatrial.edc.crfs.models import LabResult
    from hepatrial.edc.crfs.services import lab_result_correct
    from hepatrial.edc.queries.models import Query
    from hepatrial.edc.queries.selectors import query_list
    from hepatrial.edc.queries.services import query_respond

    coordinator = replay.users["coordinator"]
    for row in query_list(user=coordinator, status="open"):
        query = Query.objects.get(pk=row.id)
        if query.status != "open" or replay.rng.random() >= _ANSWER_SHARE:
            continue  # closed by another correction just now, or left for the next round
        pending = replay.corrections.pop(_lab_key(row), None)
        if pending is not None:
            result = LabResult.objects.get(pk=row.record_id)
            value, unit = pending
            lab_result_correct(
                user=coordinator,
                result=result,
                expected_version=result.version,
                value=value,
                unit=unit,
                reason=f"transcription error: the laboratory report reads {value:g} {unit}",
            )
            query.refresh_from_db()
            if query.status != "open":
                continue
        answer = _ANSWERS.get(row.rule, _DEFAULT_ANSWER)
        query_respond(user=coordinator, query=query, text=answer)


def _lab_key(row: Any) -> Any:
    from uuid import UUID

    if not row.record_model.endswith("LabResult"):
        return None
    try:
        return UUID(row.record_id)
    except ValueError:
        return None


def casebook_sign_step(replay: DemoReplay, number: str, password: str) -> None:
    """The investigator signs a casebook whose follow-up has ended."""
    from hepatrial.edc.casebooks.services import casebook_sign

    casebook_sign(
        user=replay.users["investigator"],
        participant=replay.participants[number],
        password=password,
    )
