"""Recording adverse events, and the 24-hour reporting clock of serious ones.

The service derives ``serious`` from the seriousness criteria (ICH E2A, 1994, II.B) and starts
the clock: the report to the sponsor is due 24 hours after the site became aware of the serious
event. Grade 5 means death related to the event (NCI CTCAE v5.0, 2017), so it implies the death
criterion and a fatal outcome. A new SAE notifies the investigator, monitor, DSMB and data
manager once the transaction commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from hepatrial.edc.core.notify import notify_sae
from hepatrial.edc.core.permissions import require
from hepatrial.edc.core.services import record_create, record_update, record_void
from hepatrial.edc.outcomes.guards import (
    event_date_check,
    participant_check,
    require_consented,
    site_date,
)
from hepatrial.edc.outcomes.selectors import death_on
from hepatrial.edc.participants.models import Participant
from hepatrial.edc.safety.models import (
    SERIOUSNESS_CRITERIA,
    ActionTaken,
    AdverseEvent,
    Outcome,
    Relatedness,
)
from hepatrial.errors import InputError, WorkflowError

__all__ = [
    "SAE_REPORT_WITHIN",
    "adverse_event_record",
    "adverse_event_update",
    "adverse_event_void",
    "sae_report_mark_sent",
]

SAE_REPORT_WITHIN = dt.timedelta(hours=24)

_FIELDS = (
    "term",
    "onset_on",
    "resolved_on",
    "grade",
    "seriousness",
    "relatedness",
    "action_taken",
    "outcome",
    "awareness_at",
)
_TERM_MAX: int = AdverseEvent._meta.get_field("term").max_length  # type: ignore[assignment]
_RESOLVED = (Outcome.RECOVERED, Outcome.RECOVERED_WITH_SEQUELAE)
_ONGOING = (Outcome.RECOVERING, Outcome.NOT_RECOVERED)


def _choice(field: str, value: Any, choices: Iterable[str]) -> str:
    allowed = list(choices)
    if value not in allowed:
        raise InputError(field=field, expected=f"one of {', '.join(allowed)}", received=value)
    return str(value)


def _criteria(value: Any, grade: int) -> set[str]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InputError(
            field="seriousness",
            expected=f"a list of criteria from {', '.join(SERIOUSNESS_CRITERIA)} (empty if none)",
            received=value,
        )
    chosen = set(value)
    unknown = sorted(map(str, chosen - set(SERIOUSNESS_CRITERIA)))
    if unknown:
        raise InputError(
            field="seriousness",
            expected=f"criteria from {', '.join(SERIOUSNESS_CRITERIA)}",
            received=unknown,
        )
    if "death" in chosen and grade != 5:
        raise InputError(
            field="grade",
            expected="5 when the event results in death (CTCAE grade 5)",
            received=grade,
        )
    if grade == 5:
        chosen.add("death")
    return chosen


def _awareness(
    participant: Participant, value: Any, onset_on: dt.date, now: dt.datetime
) -> dt.datetime:
    if not isinstance(value, dt.datetime) or timezone.is_naive(value):
        raise InputError(
            field="awareness_at",
            expected="the aware date and time the site learned of the event",
            received=value,
        )
    if value > now:
        raise InputError(
            field="awareness_at", expected=f"a time no later than now ({now})", received=value
        )
    if site_date(participant, value) < onset_on:
        raise InputError(
            field="awareness_at",
            expected=f"a time on or after the onset date ({onset_on}) at the site",
            received=value,
        )
    return value


def _clock(now: Any) -> dt.datetime:
    """The caller's clock (the demo replays past events), or the real time."""
    if now is None:
        return timezone.now()
    if not isinstance(now, dt.datetime) or timezone.is_naive(now):
        raise InputError(field="now", expected="an aware date and time", received=now)
    return now


def _current(adverse_event: Any) -> AdverseEvent:
    found = AdverseEvent.objects.filter(pk=getattr(adverse_event, "pk", None)).first()
    if not isinstance(adverse_event, AdverseEvent) or found is None:
        raise InputError(
            field="adverse_event", expected="a recorded adverse event", received=adverse_event
        )
    return found


def _checked(
    participant: Participant, values: Mapping[str, Any], now: dt.datetime
) -> dict[str, Any]:
    """The model's columns for ``values``, every rule checked, ``serious`` and the clock derived."""
    term = values["term"]
    if not isinstance(term, str) or not term.strip() or len(term.strip()) > _TERM_MAX:
        raise InputError(
            field="term", expected=f"the event term (at most {_TERM_MAX} characters)", received=term
        )
    grade = values["grade"]
    if isinstance(grade, bool) or not isinstance(grade, int) or not 1 <= grade <= 5:
        raise InputError(field="grade", expected="a CTCAE grade from 1 to 5", received=grade)
    criteria = _criteria(values["seriousness"], grade)
    relatedness = _choice("relatedness", values["relatedness"], Relatedness.values)
    action_taken = _choice("action_taken", values["action_taken"], ActionTaken.values)
    outcome = _choice("outcome", values["outcome"], Outcome.values)
    if (outcome == Outcome.FATAL) != (grade == 5):
        raise InputError(
            field="outcome" if grade == 5 else "grade",
            expected="a fatal outcome with grade 5, and grade 5 only with a fatal outcome",
            received=f"grade {grade} with outcome {outcome}",
        )
    died_on = death_on(participant_id=participant.pk)
    today = site_date(participant, now)
    onset_on: dt.date = event_date_check(  # type: ignore[assignment]
        participant, field="onset_on", value=values["onset_on"], died_on=died_on, today=today
    )
    resolved_on = event_date_check(
        participant,
        field="resolved_on",
        value=values["resolved_on"],
        died_on=died_on,
        today=today,
        required=outcome in _RESOLVED,
    )
    if resolved_on is not None and resolved_on < onset_on:
        raise InputError(
            field="resolved_on",
            expected=f"a date on or after onset ({onset_on})",
            received=resolved_on,
        )
    if resolved_on is not None and outcome in _ONGOING:
        raise InputError(
            field="resolved_on",
            expected=f"no resolution date while the outcome is {outcome}",
            received=resolved_on,
        )
    awareness_at = _awareness(participant, values["awareness_at"], onset_on, now)
    serious = bool(criteria)
    return {
        "term": term.strip(),
        "onset_on": onset_on,
        "resolved_on": resolved_on,
        "grade": grade,
        **{f"criterion_{c}": c in criteria for c in SERIOUSNESS_CRITERIA},
        "serious": serious,
        "relatedness": relatedness,
        "action_taken": action_taken,
        "outcome": outcome,
        "awareness_at": awareness_at,
        "sae_report_due_at": awareness_at + SAE_REPORT_WITHIN if serious else None,
    }


@transaction.atomic
def adverse_event_record(
    *,
    user: Any,
    participant: Participant,
    term: str,
    onset_on: dt.date,
    grade: int,
    relatedness: str,
    action_taken: str,
    outcome: str,
    awareness_at: dt.datetime,
    seriousness: Iterable[str] = (),
    resolved_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> AdverseEvent:
    """Record an adverse event; a serious one starts its 24-hour reporting clock.

    ``seriousness`` lists the criteria met (:data:`SERIOUSNESS_CRITERIA`); ``now`` is the
    caller's clock, by default the real time.
    """
    require(user, "ae.record")
    subject = participant_check(participant, user)
    require_consented(subject, what="an adverse event")
    columns = _checked(
        subject,
        {
            "term": term,
            "onset_on": onset_on,
            "resolved_on": resolved_on,
            "grade": grade,
            "seriousness": seriousness,
            "relatedness": relatedness,
            "action_taken": action_taken,
            "outcome": outcome,
            "awareness_at": awareness_at,
        },
        _clock(now),
    )
    event = record_create(AdverseEvent, user=user, participant=subject, **columns)
    if event.serious:
        notify_sae(event)
    return event


@transaction.atomic
def adverse_event_update(
    *,
    user: Any,
    adverse_event: AdverseEvent,
    expected_version: int,
    reason: str,
    changes: Mapping[str, Any],
    now: dt.datetime | None = None,
) -> AdverseEvent:
    """Update an event (follow-up information or a correction); every rule is checked again.

    An event that becomes serious needs ``awareness_at`` among the changes: the clock starts
    when the site learned the event is serious, which only the site can say.
    """
    require(user, "ae.record")
    unknown = sorted(set(changes) - set(_FIELDS))
    if unknown or not changes:
        raise InputError(
            field="changes", expected=f"changes to {', '.join(_FIELDS)}", received=unknown or "none"
        )
    current = _current(adverse_event)
    subject = participant_check(current.participant, user)
    merged = {
        name: (current.seriousness if name == "seriousness" else getattr(current, name))
        for name in _FIELDS
    } | dict(changes)
    columns = _checked(subject, merged, _clock(now))
    becomes_serious = columns["serious"] and not current.serious
    if becomes_serious and "awareness_at" not in changes:
        raise InputError(
            field="awareness_at",
            expected="the time the site learned the event became serious (the SAE clock "
            "starts then)",
            received=None,
        )
    event = record_update(
        AdverseEvent,
        current.pk,
        user=user,
        expected_version=expected_version,
        reason=reason,
        changes=columns,
    )
    if becomes_serious:
        notify_sae(event)
    return event


@transaction.atomic
def adverse_event_void(
    *, user: Any, adverse_event: AdverseEvent, expected_version: int, reason: str
) -> AdverseEvent:
    """Void an event entered in error; it stays in the database and its history."""
    require(user, "ae.record")
    participant_check(_current(adverse_event).participant, user)
    return record_void(
        AdverseEvent, adverse_event.pk, user=user, expected_version=expected_version, reason=reason
    )


@transaction.atomic
def sae_report_mark_sent(
    *,
    user: Any,
    adverse_event: AdverseEvent,
    expected_version: int,
    reported_at: dt.datetime,
    now: dt.datetime | None = None,
) -> AdverseEvent:
    """Record when the SAE report went to the sponsor; it stops the reporting clock."""
    require(user, "sae.report")
    current = _current(adverse_event)
    participant_check(current.participant, user)
    if not current.serious:
        raise WorkflowError(
            field="adverse event",
            expected="a serious adverse event",
            received=f"{current.term!r}, not serious",
        )
    if current.reported_at is not None:
        raise WorkflowError(
            field="reported_at",
            expected="an SAE whose report is not yet recorded as sent",
            received=f"sent at {current.reported_at.isoformat()}",
        )
    if not isinstance(reported_at, dt.datetime) or timezone.is_naive(reported_at):
        raise InputError(
            field="reported_at", expected="an aware date and time", received=reported_at
        )
    if not current.awareness_at <= reported_at <= _clock(now):
        raise InputError(
            field="reported_at",
            expected=f"a time between awareness ({current.awareness_at.isoformat()}) and now",
            received=reported_at,
        )
    return record_update(
        AdverseEvent,
        current.pk,
        user=user,
        expected_version=expected_version,
        reason="SAE report sent to the sponsor",
        changes={"reported_at": reported_at},
    )
