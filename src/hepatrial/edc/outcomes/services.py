"""Recording outcome events: decompensation, death and liver transplant.

Every date lies between the participant's identification and today at their site, and never
after their death; recording a death is refused while an event is dated after it. A death sets
the participant's status to died (through the workflow) and ends their scheduled visits.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
from collections.abc import Callable, Mapping
from typing import Any

from django.db import transaction

from hepatrial.design.workflow import next_status
from hepatrial.edc.core.permissions import require
from hepatrial.edc.core.services import record_create, record_update, record_void
from hepatrial.edc.outcomes.guards import (
    event_date_check,
    participant_check,
    require_randomized,
)
from hepatrial.edc.outcomes.models import Death, DecompensationEvent, LiverTransplant, Severity
from hepatrial.edc.outcomes.selectors import death_on
from hepatrial.edc.participants.models import Participant
from hepatrial.edc.study.selectors import study_protocol
from hepatrial.errors import InputError, WorkflowError

__all__ = [
    "death_record",
    "decompensation_correct",
    "decompensation_record",
    "decompensation_void",
    "liver_transplant_record",
]

_DECOMPENSATION_FIELDS = (
    "event_type",
    "onset_on",
    "severity",
    "hospitalized",
    "admitted_on",
    "discharged_on",
)


def _decompensation_checked(
    participant: Participant, values: Mapping[str, Any], today: dt.date | None
) -> dict[str, Any]:
    codes = [event.code for event in study_protocol().measures.events]
    if values["event_type"] not in codes:
        raise InputError(
            field="event_type",
            expected=f"an event of the protocol ({', '.join(codes)})",
            received=values["event_type"],
        )
    died_on = death_on(participant_id=participant.pk)
    event_date_check(
        participant, field="onset_on", value=values["onset_on"], died_on=died_on, today=today
    )
    if values["severity"] not in Severity.values:
        raise InputError(
            field="severity",
            expected=f"one of {', '.join(Severity.values)}",
            received=values["severity"],
        )
    hospitalized = values["hospitalized"]
    if not isinstance(hospitalized, bool):
        raise InputError(field="hospitalized", expected="yes or no", received=hospitalized)
    admitted, discharged = values["admitted_on"], values["discharged_on"]
    if hospitalized:
        event_date_check(
            participant, field="admitted_on", value=admitted, died_on=died_on, today=today
        )
        event_date_check(
            participant,
            field="discharged_on",
            value=discharged,
            died_on=died_on,
            today=today,
            required=False,
        )
        if discharged is not None and discharged < admitted:
            raise InputError(
                field="discharged_on",
                expected=f"a date on or after admission ({admitted})",
                received=discharged,
            )
    else:
        for name, value in (("admitted_on", admitted), ("discharged_on", discharged)):
            if value is not None:
                raise InputError(
                    field=name, expected="no date when not hospitalized", received=value
                )
    return dict(values)


def _ensure_not_duplicate(
    participant: Participant, values: Mapping[str, Any], exclude: Any
) -> None:
    twin = DecompensationEvent.objects.filter(
        participant=participant,
        event_type=values["event_type"],
        onset_on=values["onset_on"],
        voided=False,
    ).exclude(pk=exclude)
    if twin.exists():
        raise InputError(
            field="onset_on",
            expected=f"one {values['event_type']} event per onset date (this one is recorded)",
            received=values["onset_on"],
        )


@transaction.atomic
def decompensation_record(
    *,
    user: Any,
    participant: Participant,
    event_type: str,
    onset_on: dt.date,
    severity: str,
    hospitalized: bool,
    admitted_on: dt.date | None = None,
    discharged_on: dt.date | None = None,
    today: dt.date | None = None,
) -> DecompensationEvent:
    """Record a decompensation event of a randomized participant.

    ``today`` is the caller's clock (the demo replays past dates); by default, today at the site.
    """
    require(user, "event.record")
    subject = participant_check(participant, user)
    require_randomized(subject, what="decompensation")
    values = _decompensation_checked(
        subject,
        {
            "event_type": event_type,
            "onset_on": onset_on,
            "severity": severity,
            "hospitalized": hospitalized,
            "admitted_on": admitted_on,
            "discharged_on": discharged_on,
        },
        today,
    )
    _ensure_not_duplicate(subject, values, exclude=None)
    return record_create(DecompensationEvent, user=user, participant=subject, **values)


@transaction.atomic
def decompensation_correct(
    *,
    user: Any,
    event: DecompensationEvent,
    expected_version: int,
    reason: str,
    changes: Mapping[str, Any],
    today: dt.date | None = None,
) -> DecompensationEvent:
    """Correct fields of a recorded event; the whole event is checked again."""
    require(user, "event.record")
    unknown = sorted(set(changes) - set(_DECOMPENSATION_FIELDS))
    if unknown or not changes:
        raise InputError(
            field="changes",
            expected=f"changes to {', '.join(_DECOMPENSATION_FIELDS)}",
            received=unknown or "no change",
        )
    current = DecompensationEvent.objects.get(pk=event.pk)
    subject = participant_check(current.participant, user)
    merged = {name: getattr(current, name) for name in _DECOMPENSATION_FIELDS} | dict(changes)
    _decompensation_checked(subject, merged, today)
    _ensure_not_duplicate(subject, merged, exclude=current.pk)
    return record_update(
        DecompensationEvent,
        current.pk,
        user=user,
        expected_version=expected_version,
        reason=reason,
        changes=dict(changes),
    )


@transaction.atomic
def decompensation_void(
    *, user: Any, event: DecompensationEvent, expected_version: int, reason: str
) -> DecompensationEvent:
    """Void an event entered in error; it stays in the database and its history."""
    require(user, "event.record")
    current = DecompensationEvent.objects.get(pk=event.pk)
    participant_check(current.participant, user)
    return record_void(
        DecompensationEvent, event.pk, user=user, expected_version=expected_version, reason=reason
    )


def _optional(module: str, name: str) -> Callable[..., Any] | None:
    """A function another app provides, or None while that app does not provide it yet."""
    if importlib.util.find_spec(module) is None:
        return None
    found = getattr(importlib.import_module(module), name, None)
    return found if callable(found) else None


def _events_after(participant: Participant, died_on: dt.date) -> list[str]:
    from hepatrial.edc.safety.models import AdverseEvent

    later = []
    for e in participant.decompensation_events.filter(voided=False):  # type: ignore[attr-defined]
        if e.onset_on > died_on:
            later.append(f"decompensation {e.event_type} on {e.onset_on}")
        elif e.discharged_on is not None and e.discharged_on > died_on:
            later.append(f"discharge after {e.event_type} on {e.discharged_on}")
    later += [
        f"liver transplant on {t.transplanted_on}"
        for t in participant.liver_transplants.filter(  # type: ignore[attr-defined]
            voided=False, transplanted_on__gt=died_on
        )
    ]
    later += [
        f"adverse event {a.term!r} from {a.onset_on}"
        for a in AdverseEvent.objects.filter(
            participant=participant, voided=False, onset_on__gt=died_on
        )
    ]
    return later


@transaction.atomic
def death_record(
    *,
    user: Any,
    participant: Participant,
    died_on: dt.date,
    cause: str,
    source: str,
    today: dt.date | None = None,
) -> Death:
    """Record a death: the participant's status becomes died and their scheduled visits end.

    A death may precede the infusion (or consent), so the date may be any day from
    identification to today at the site (or ``today``, the caller's clock).
    """
    require(user, "event.record")
    subject = participant_check(participant, user)
    next_status(subject.status, "die")
    if Death.objects.filter(participant=subject).exists():
        raise WorkflowError(
            field="death",
            expected="a participant without a recorded death",
            received=f"a death already recorded for {subject.study_id}",
        )
    event_date_check(subject, field="died_on", value=died_on, died_on=None, today=today)
    if not isinstance(cause, str) or not cause.strip():
        raise InputError(field="cause", expected="the cause of death", received=cause)
    if source not in Death.Source.values:
        raise InputError(
            field="source", expected=f"one of {', '.join(Death.Source.values)}", received=source
        )
    later = _events_after(subject, died_on)
    if later:
        raise InputError(
            field="died_on",
            expected="a date on or after every recorded event of the participant",
            received=f"{died_on} (before {'; '.join(later)})",
        )
    death = record_create(
        Death, user=user, participant=subject, died_on=died_on, cause=cause.strip(), source=source
    )
    set_died = _optional("hepatrial.edc.participants.services", "participant_status_set_died")
    if set_died is not None:
        clock = {} if today is None else {"today": today}
        set_died(user=user, participant=subject, died_on=died_on, **clock)
    else:
        record_update(
            Participant,
            subject.pk,
            user=user,
            expected_version=subject.version,
            reason=f"died on {died_on}",
            changes={"status": next_status(subject.status, "die")},
        )
    end_visits = _optional("hepatrial.edc.visits.services", "visits_end_after_death")
    if end_visits is not None:
        end_visits(participant=subject, died_on=died_on, user=user)
    return death


@transaction.atomic
def liver_transplant_record(
    *,
    user: Any,
    participant: Participant,
    transplanted_on: dt.date,
    today: dt.date | None = None,
) -> LiverTransplant:
    """Record a liver transplant: an intercurrent event; follow-up goes on."""
    require(user, "event.record")
    subject = participant_check(participant, user)
    require_randomized(subject, what="a liver transplant")
    event_date_check(
        subject,
        field="transplanted_on",
        value=transplanted_on,
        died_on=death_on(participant_id=subject.pk),
        today=today,
    )
    if LiverTransplant.objects.filter(
        participant=subject, transplanted_on=transplanted_on, voided=False
    ).exists():
        raise InputError(
            field="transplanted_on",
            expected="a date without a recorded transplant (this one is recorded)",
            received=transplanted_on,
        )
    return record_create(
        LiverTransplant, user=user, participant=subject, transplanted_on=transplanted_on
    )
