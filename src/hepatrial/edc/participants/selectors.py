"""Reads of participants for pages, the API and reports: plain dicts, masked, de-identified.

Only :func:`personal_identifiers_get` returns who a participant is, to site roles, and each such
read is itself recorded in the audit trail. Every other selector knows participants by study ID.
The arm appears only where :func:`~hepatrial.edc.core.masking.allocation_visible` allows it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from django.db.models import Count, QuerySet

from hepatrial.clinical import Attestation, EligibilityResult, evaluate_eligibility
from hepatrial.design.workflow import Status
from hepatrial.edc.core.audit import record_access
from hepatrial.edc.core.masking import allocation_visible
from hepatrial.edc.core.permissions import SITE_ROLES, require, role_of
from hepatrial.edc.participants._guards import ensure_site
from hepatrial.edc.participants.models import EligibilityAnswer, Participant
from hepatrial.edc.participants.pii import pii_decrypt
from hepatrial.edc.study.selectors import study_protocol
from hepatrial.errors import InputError

__all__ = [
    "eligibility_preview",
    "participant_get",
    "participant_list",
    "personal_identifiers_get",
    "screen_failures_by_criterion",
    "screening_log",
]


def _participants(user: Any) -> QuerySet[Participant]:
    """Participants ``user`` may see: site staff with a site see their site's only."""
    found = Participant.objects.filter(voided=False).select_related("site", "consent")
    own = getattr(user, "site_code", "")
    if role_of(user) in SITE_ROLES and own:
        found = found.filter(site__code=own)
    return found


def _one(user: Any, participant_id: Any) -> Participant:
    try:
        key = uuid.UUID(str(participant_id))
    except ValueError:
        key = None
    found = Participant.objects.select_related("site", "consent").filter(pk=key, voided=False)
    participant = found.first() if key is not None else None
    if participant is None:
        raise InputError(
            field="participant_id", expected="the id of a participant", received=participant_id
        )
    ensure_site(user, participant.site.code)
    return participant


def _consent(participant: Participant) -> Any:
    consent = getattr(participant, "consent", None)
    return None if consent is None or consent.voided else consent


def _arm_reader() -> Callable[[Any], Any] | None:
    # The randomization app is built alongside this one; until it offers the arm, none is shown.
    try:
        from hepatrial.edc.randomization.selectors import allocation_arm_get
    except (ImportError, AttributeError):
        return None
    return allocation_arm_get


def _rows(user: Any, participants: list[Participant]) -> list[dict[str, Any]]:
    reader = _arm_reader()
    everyone = reader is not None and allocation_visible(user)
    rows = []
    for participant in participants:
        consent = _consent(participant)
        row: dict[str, Any] = {
            "id": str(participant.pk),
            "study_id": participant.study_id,
            "site": participant.site.code,
            "status": participant.status,
            "identified_on": participant.identified_on,
            "consent_date": consent.consent_date if consent else None,
            "consent_version": consent.consent_version if consent else None,
            "day0": participant.day0,
            "version": participant.version,
        }
        if reader is not None and (
            everyone or allocation_visible(user, participant_id=participant.pk)
        ):
            row["arm"] = reader(participant.pk)
        rows.append(row)
    return rows


def participant_get(*, user: Any, participant_id: Any) -> dict[str, Any]:
    """One participant by id: study ID, site, status, dates; the arm only if visible to ``user``."""
    require(user, "participant.view")
    return _rows(user, [_one(user, participant_id)])[0]


def participant_list(*, user: Any, site_code: str | None = None) -> list[dict[str, Any]]:
    """Every participant ``user`` may see (optionally of one site), in study-ID order."""
    require(user, "participant.view")
    found = _participants(user)
    if site_code is not None:
        ensure_site(user, site_code)
        found = found.filter(site__code=site_code)
    return _rows(user, list(found))


def _outcome(participant: Participant, answers: list[EligibilityAnswer]) -> str:
    if answers:
        return "eligible" if all(a.met for a in answers) else Status.SCREEN_FAILED.value
    if participant.status == Status.IDENTIFIED:
        return "awaiting consent"
    if participant.status in (Status.CONSENTED, Status.SCREENED):
        return "in screening"
    return participant.status


def screening_log(*, user: Any) -> list[dict[str, Any]]:
    """Every candidate identified, with the screening outcome and each failed criterion.

    ``outcome`` is eligible, screen failed, in screening, awaiting consent, or the status that
    ended the path before eligibility was decided (withdrawn, died).
    """
    require(user, "participant.view")
    found = _participants(user).prefetch_related("eligibility_answers", "screening_facts")
    log = []
    for participant in found:
        answers = [a for a in participant.eligibility_answers.all() if not a.voided]
        facts = [f for f in participant.screening_facts.all() if not f.voided]
        consent = _consent(participant)
        log.append(
            {
                "study_id": participant.study_id,
                "site": participant.site.code,
                "identified_on": participant.identified_on,
                "consent_date": consent.consent_date if consent else None,
                "screened_on": min((f.collected_on for f in facts), default=None),
                "decided_on": answers[0].evaluated_on if answers else None,
                "outcome": _outcome(participant, answers),
                "failed_criteria": [
                    {"code": a.criterion_code, "reason": a.reason}
                    for a in answers
                    if a.met is False
                ],
            }
        )
    return log


def screen_failures_by_criterion() -> dict[str, int]:
    """How many candidates failed each criterion, every criterion in protocol order (CONSORT).

    Counts only, with no identifiers, so any role may read it. A candidate failing several
    criteria counts under each.
    """
    failures = (
        EligibilityAnswer.objects.filter(voided=False, participant__voided=False, met=False)
        .order_by()
        .values("criterion_code")
        .annotate(n=Count("id"))
    )
    counts = {row["criterion_code"]: row["n"] for row in failures}
    return {c.code: counts.get(c.code, 0) for c in study_protocol().eligibility.criteria}


def personal_identifiers_get(*, user: Any, participant_id: Any) -> dict[str, str]:
    """Who the participant is: name, phone and national ID, for site roles; the read is audited."""
    require(user, "participant.pii.view")
    participant = _one(user, participant_id)
    identifiers = participant.identifiers
    record_access(
        username=user.get_username(),
        action="personal identifiers viewed",
        detail=participant.study_id,
    )
    return {
        "study_id": participant.study_id,
        "name": pii_decrypt(identifiers.name_token),
        "phone": pii_decrypt(identifiers.phone_token),
        "national_id": pii_decrypt(identifiers.national_id_token),
    }


def eligibility_preview(
    *, user: Any, participant_id: Any, facts: Mapping[str, Any] | None = None
) -> EligibilityResult:
    """How eligibility stands: the recorded facts and attestations, with ``facts`` (typed into a
    form, not yet saved) laid over them, judged by ``evaluate_eligibility``; nothing is written.

    The consent date comes from the consent record, as when eligibility is confirmed. Unknown
    codes and ill-typed values are InputErrors, as they would be on saving.
    """
    from hepatrial.edc.participants.services_screening import CONSENT_DATE_FACT

    require(user, "participant.view")
    participant = _one(user, participant_id)
    protocol = study_protocol()
    values: dict[str, Any] = {
        f.code: f.value for f in participant.screening_facts.filter(voided=False)
    }
    values.update(facts or {})
    consent = _consent(participant)
    declared = {f.code for f in protocol.screening_facts}
    if consent is not None and CONSENT_DATE_FACT in declared:
        values[CONSENT_DATE_FACT] = consent.consent_date
    attestations = {
        a.criterion_code: Attestation(holds=a.holds, source_document=a.source_document)
        for a in participant.attestations.filter(voided=False)
    }
    return evaluate_eligibility(protocol, facts=values, attestations=attestations)
