"""Screening and eligibility: the protocol's facts and attestations, judged by the clinical rules.

Every fact is checked by ``hepatrial.clinical.evaluate_eligibility`` (its coercion is the one
definition of a valid fact) before anything is stored, and eligibility is decided by the same
function; the EDC stores what was recorded and what came out, and never re-implements a rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from hepatrial.clinical import (
    Attestation,
    EligibilityResult,
    EligibilityStatus,
    evaluate_eligibility,
)
from hepatrial.design.workflow import Status, next_status
from hepatrial.edc.core.permissions import require
from hepatrial.edc.core.services import record_create, record_update, require_reason
from hepatrial.edc.participants._guards import (
    check_date,
    ensure_site,
    locked_participant,
    set_status,
    site_today,
)
from hepatrial.edc.participants.models import (
    Consent,
    CriterionAttestation,
    Disposition,
    EligibilityAnswer,
    Participant,
    ScreeningFactValue,
)
from hepatrial.edc.study.selectors import study_ensure_unlocked, study_protocol
from hepatrial.errors import InputError, WorkflowError
from hepatrial.protocol import NEVER

__all__ = [
    "CONSENT_DATE_FACT",
    "attestation_correct",
    "eligibility_recheck",
    "participant_attest",
    "participant_eligibility_confirm",
    "participant_screening_record",
    "screening_fact_correct",
]

CONSENT_DATE_FACT = "consent_date"
"""The screening fact filled from the consent record, when the protocol declares it."""

_UNDECIDED = (Status.CONSENTED, Status.SCREENED)


def _ensure_undecided(participant: Participant, field: str) -> None:
    if participant.status not in _UNDECIDED:
        raise WorkflowError(
            field=field,
            expected="a participant who is consented or screened (eligibility not yet decided)",
            received=participant.status,
        )


def _consent_date_declared() -> bool:
    return any(f.code == CONSENT_DATE_FACT for f in study_protocol().screening_facts)


def _with_consent_date(facts: Mapping[str, Any], consent_date: dt.date) -> dict[str, Any]:
    merged = dict(facts)
    if _consent_date_declared():
        merged[CONSENT_DATE_FACT] = consent_date
    return merged


def _checked_facts(facts: object, consent_date: dt.date) -> dict[str, Any]:
    """The facts as they will be stored (JSON), each validated by the clinical evaluator."""
    if not isinstance(facts, Mapping) or not facts:
        raise InputError(
            field="facts", expected="a mapping of screening-fact codes to values", received=facts
        )
    declared = {f.code: f.type for f in study_protocol().screening_facts}
    if CONSENT_DATE_FACT in facts and CONSENT_DATE_FACT in declared:
        raise InputError(
            field=CONSENT_DATE_FACT,
            expected="no consent date among the facts (it is taken from the consent record)",
            received=facts[CONSENT_DATE_FACT],
        )
    for code, value in facts.items():
        if value is None:
            raise InputError(
                field=str(code),
                expected="a value (leave a fact out until it is known)",
                received=None,
            )
        if isinstance(value, dt.datetime) and declared.get(code) in ("date", "event_date"):
            raise InputError(field=code, expected="a date (YYYY-MM-DD)", received=value)
    # Raises InputError naming the first unknown code or ill-typed value.
    evaluate_eligibility(
        study_protocol(), facts=_with_consent_date(facts, consent_date), attestations={}
    )
    return {code: _as_json(declared[code], value) for code, value in facts.items()}


def _as_json(kind: str, value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if kind in ("date", "event_date") and value != NEVER:
        return dt.date.fromisoformat(value).isoformat()
    return value


def _consent(participant: Participant) -> Consent:
    return Consent.objects.get(participant=participant, voided=False)


@transaction.atomic
def participant_screening_record(
    *,
    user: Any,
    participant: Participant,
    facts: Mapping[str, Any],
    collected_on: dt.date | None = None,
    today: dt.date | None = None,
) -> Participant:
    """Record screening facts (all at once or a few at a time); the first makes them screened.

    Only after consent (GCP): ``collected_on`` (default today at the site) may not precede the
    consent date. A fact already recorded is changed with :func:`screening_fact_correct`.
    """
    require(user, "participant.screen")
    study_ensure_unlocked()
    current = locked_participant(participant)
    ensure_site(user, current.site.code)
    target = None if current.status == Status.SCREENED else next_status(current.status, "screen")
    consent = _consent(current)
    on = site_today(current, today)
    when = check_date(
        "collected_on",
        on if collected_on is None else collected_on,
        today=on,
        not_before=("consent date", consent.consent_date),
    )
    values = _checked_facts(facts, consent.consent_date)
    recorded = set(
        current.screening_facts.filter(code__in=values, voided=False).values_list("code", flat=True)
    )
    if recorded:
        code = min(recorded)
        raise InputError(
            field=code,
            expected="a fact not yet recorded (change it with screening_fact_correct and a reason)",
            received=facts[code],
        )
    for code, value in values.items():
        record_create(
            ScreeningFactValue,
            user=user,
            participant=current,
            code=code,
            value=value,
            collected_on=when,
        )
    if target is None:
        return current
    return set_status(user, current, target, "screening started")


@transaction.atomic
def screening_fact_correct(
    *,
    user: Any,
    participant: Participant,
    code: str,
    value: Any,
    expected_version: int,
    reason: str,
) -> ScreeningFactValue:
    """Correct one recorded screening fact before eligibility is decided."""
    require(user, "participant.screen")
    why = require_reason(reason)
    study_ensure_unlocked()
    current = locked_participant(participant)
    ensure_site(user, current.site.code)
    _ensure_undecided(current, code)
    stored = current.screening_facts.filter(code=code, voided=False).first()
    if stored is None:
        raise InputError(field="code", expected="a screening fact already recorded", received=code)
    values = _checked_facts({code: value}, _consent(current).consent_date)
    return record_update(
        ScreeningFactValue,
        stored.pk,
        user=user,
        expected_version=expected_version,
        reason=why,
        changes={"value": values[code]},
    )


def _attestation(holds: object, source_document: object) -> Attestation:
    if not isinstance(holds, bool):
        raise InputError(field="holds", expected="true or false", received=holds)
    if not isinstance(source_document, str):
        raise InputError(
            field="source_document", expected="the source document checked", received=None
        )
    return Attestation(holds=holds, source_document=source_document.strip())


@transaction.atomic
def participant_attest(
    *,
    user: Any,
    participant: Participant,
    criterion_code: str,
    holds: bool,
    source_document: str,
) -> CriterionAttestation:
    """The investigator's answer to an attested criterion, against a named source document."""
    require(user, "participant.attest")
    study_ensure_unlocked()
    current = locked_participant(participant)
    ensure_site(user, current.site.code)
    _ensure_undecided(current, "attestation")
    answer = _attestation(holds, source_document)
    # Raises InputError for a criterion that is not attested, or a blank source document.
    evaluate_eligibility(study_protocol(), facts={}, attestations={criterion_code: answer})
    if current.attestations.filter(criterion_code=criterion_code, voided=False).exists():
        raise InputError(
            field="criterion_code",
            expected="a criterion not yet attested (change it with attestation_correct and a "
            "reason)",
            received=criterion_code,
        )
    return record_create(
        CriterionAttestation,
        user=user,
        participant=current,
        criterion_code=criterion_code,
        holds=answer.holds,
        source_document=answer.source_document,
    )


@transaction.atomic
def attestation_correct(
    *,
    user: Any,
    attestation: CriterionAttestation,
    expected_version: int,
    reason: str,
    holds: bool,
    source_document: str,
) -> CriterionAttestation:
    """Correct an attestation before eligibility is decided."""
    require(user, "participant.attest")
    why = require_reason(reason)
    study_ensure_unlocked()
    current = locked_participant(attestation.participant_id)
    ensure_site(user, current.site.code)
    _ensure_undecided(current, "attestation")
    answer = _attestation(holds, source_document)
    evaluate_eligibility(
        study_protocol(), facts={}, attestations={attestation.criterion_code: answer}
    )
    return record_update(
        CriterionAttestation,
        attestation.pk,
        user=user,
        expected_version=expected_version,
        reason=why,
        changes={"holds": answer.holds, "source_document": answer.source_document},
    )


def _evaluate(participant: Participant, consent_date: dt.date) -> EligibilityResult:
    facts = {f.code: f.value for f in participant.screening_facts.filter(voided=False)}
    attestations = {
        a.criterion_code: Attestation(holds=a.holds, source_document=a.source_document)
        for a in participant.attestations.filter(voided=False)
    }
    return evaluate_eligibility(
        study_protocol(),
        facts=_with_consent_date(facts, consent_date),
        attestations=attestations,
    )


def _failed_codes(result: EligibilityResult) -> str:
    return ", ".join(o.code for o in result.failed)


@transaction.atomic
def participant_eligibility_confirm(
    *, user: Any, participant: Participant, today: dt.date | None = None
) -> EligibilityResult:
    """Decide eligibility from every criterion and store each answer (the SDTM IE source).

    Eligible: the participant becomes eligible. Not eligible: screen failed, with every failed
    criterion stored for the screening log. Incomplete: a WorkflowError naming what is missing,
    and nothing changes.
    """
    require(user, "participant.eligibility")
    study_ensure_unlocked()
    current = locked_participant(participant)
    ensure_site(user, current.site.code)
    _ensure_undecided(current, "eligibility")
    on = site_today(current, today)
    result = _evaluate(current, _consent(current).consent_date)
    if result.status is EligibilityStatus.INCOMPLETE:
        raise WorkflowError(
            field="eligibility",
            expected="every screening fact and attestation the criteria need",
            received=f"missing {', '.join(result.missing)}",
        )
    eligible = result.status is EligibilityStatus.ELIGIBLE
    target = next_status(current.status, "confirm eligible" if eligible else "fail screening")
    for outcome in result.outcomes:
        record_create(
            EligibilityAnswer,
            user=user,
            participant=current,
            criterion_code=outcome.code,
            kind=outcome.kind,
            met=outcome.met,
            reason=outcome.reason,
            evaluated_on=on,
        )
    if eligible:
        set_status(user, current, target, "eligibility confirmed")
    else:
        failed = _failed_codes(result)
        record_create(
            Disposition,
            user=user,
            participant=current,
            event=Disposition.Event.SCREEN_FAILED,
            event_date=on,
            reason=f"criteria not met: {failed}",
        )
        set_status(user, current, target, f"screen failure: {failed}")
    return result


def eligibility_recheck(*, user: Any, participant: Participant, reason: str) -> None:
    """After a consent date correction: keep a decided eligibility consistent, or refuse.

    A decision that the corrected data would reverse is refused with a WorkflowError (a protocol
    deviation to report, not a correction); otherwise changed answers are updated with ``reason``.
    """
    stored = {a.criterion_code: a for a in participant.eligibility_answers.filter(voided=False)}
    if not stored:
        return
    result = _evaluate(participant, _consent(participant).consent_date)
    was_eligible = all(a.met for a in stored.values())
    decided = EligibilityStatus.ELIGIBLE if was_eligible else EligibilityStatus.NOT_ELIGIBLE
    if result.status is not decided:
        raise WorkflowError(
            field="consent_date",
            expected=f"a correction that leaves the eligibility decision ({decided.value}) "
            "unchanged",
            received=f"one that makes the participant {result.status.value}"
            + (f" (fails {_failed_codes(result)})" if result.failed else ""),
        )
    for outcome in result.outcomes:
        answer = stored[outcome.code]
        if (answer.met, answer.reason) != (outcome.met, outcome.reason):
            record_update(
                EligibilityAnswer,
                answer.pk,
                user=user,
                expected_version=answer.version,
                reason=reason,
                changes={"met": outcome.met, "reason": outcome.reason},
            )
    disposition = Disposition.objects.filter(participant=participant, voided=False).first()
    failure = f"criteria not met: {_failed_codes(result)}"
    if not was_eligible and disposition is not None and disposition.reason != failure:
        record_update(
            Disposition,
            disposition.pk,
            user=user,
            expected_version=disposition.version,
            reason=reason,
            changes={"reason": failure},
        )
