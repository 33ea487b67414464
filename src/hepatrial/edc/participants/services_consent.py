"""Informed consent: recorded before anything else is done for the trial, corrected with a reason.

ICH E6(R3) 2.8 requires written informed consent before any trial-specific procedure, so the
consent moves the participant from identified to consented, and screening refuses anyone who is
not. The consent date is also a screening fact (inclusion criterion IN03, and the reference date
of the age and wash-out rules); it is taken from this record and never typed twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from hepatrial.design.workflow import next_status
from hepatrial.edc.core.permissions import allowed, require
from hepatrial.edc.core.services import record_create, record_update, require_reason
from hepatrial.edc.participants._guards import (
    check_date,
    ensure_site,
    locked_participant,
    set_status,
    site_today,
)
from hepatrial.edc.participants.models import Consent, Participant
from hepatrial.edc.participants.services_screening import eligibility_recheck
from hepatrial.edc.study.selectors import study_ensure_unlocked
from hepatrial.errors import InputError

__all__ = ["consent_correct", "participant_consent"]


def _version(value: object) -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > 40:
        raise InputError(
            field="consent_version",
            expected="the version of the consent form signed (1 to 40 characters)",
            received=value,
        )
    return value.strip()


def _consent_date(value: object, participant: Participant, today: dt.date) -> dt.date:
    return check_date(
        "consent_date",
        value,
        today=today,
        not_before=("identification date", participant.identified_on),
    )


def _earliest_screening(participant: Participant) -> dt.date | None:
    dates = participant.screening_facts.filter(voided=False).values_list("collected_on", flat=True)
    return min(dates, default=None)


@transaction.atomic
def participant_consent(
    *,
    user: Any,
    participant: Participant,
    consent_version: str,
    consent_date: dt.date,
    signed_by_participant: bool = True,
    representative_relationship: str = "",
    obtained_by: Any = None,
    today: dt.date | None = None,
) -> Consent:
    """Record written informed consent; the participant becomes consented.

    ``obtained_by`` is the site investigator or coordinator who obtained it (default ``user``).
    When a legally acceptable representative signed, ``signed_by_participant`` is False and
    ``representative_relationship`` says who they are to the participant.
    """
    require(user, "participant.consent")
    study_ensure_unlocked()
    current = locked_participant(participant)
    ensure_site(user, current.site.code)
    target = next_status(current.status, "consent")
    version = _version(consent_version)
    date = _consent_date(consent_date, current, site_today(current, today))
    if not isinstance(signed_by_participant, bool):
        raise InputError(
            field="signed_by_participant", expected="true or false", received=signed_by_participant
        )
    relationship = (representative_relationship or "").strip()
    if not signed_by_participant and not relationship:
        raise InputError(
            field="representative_relationship",
            expected="the representative's relationship to the participant when the "
            "participant did not sign",
            received=representative_relationship,
        )
    obtainer = user if obtained_by is None else obtained_by
    if not allowed(obtainer, "participant.consent"):
        raise InputError(
            field="obtained_by",
            expected="an active site investigator or coordinator",
            received=str(obtainer),
        )
    consent = record_create(
        Consent,
        user=user,
        participant=current,
        consent_version=version,
        consent_date=date,
        signed_by_participant=signed_by_participant,
        representative_relationship=relationship,
        obtained_by=obtainer,
    )
    set_status(user, current, target, f"informed consent (form {version}) signed {date}")
    return consent


@transaction.atomic
def consent_correct(
    *,
    user: Any,
    consent: Consent,
    expected_version: int,
    reason: str,
    consent_date: dt.date | None = None,
    consent_version: str | None = None,
    today: dt.date | None = None,
) -> Consent:
    """Correct a saved consent's date or form version; the trail keeps old, new and why.

    The corrected date must still precede every screening procedure. Once eligibility has been
    decided, a date that would change the decision is refused (that is a protocol deviation to
    report, not a correction); one that does not is applied, and the stored answers re-derived.
    """
    require(user, "participant.consent")
    why = require_reason(reason)
    study_ensure_unlocked()
    current = locked_participant(consent.participant_id)
    ensure_site(user, current.site.code)
    changes: dict[str, Any] = {}
    if consent_version is not None:
        changes["consent_version"] = _version(consent_version)
    if consent_date is not None:
        date = _consent_date(consent_date, current, site_today(current, today))
        first = _earliest_screening(current)
        if first is not None and date > first:
            raise InputError(
                field="consent_date",
                expected=f"a date no later than the first screening procedure ({first})",
                received=date.isoformat(),
            )
        changes["consent_date"] = date
    if not changes:
        raise InputError(
            field="consent", expected="a new consent_date or consent_version", received=None
        )
    corrected = record_update(
        Consent,
        consent.pk,
        user=user,
        expected_version=expected_version,
        reason=why,
        changes=changes,
    )
    if "consent_date" in changes:
        eligibility_recheck(user=user, participant=current, reason=why)
    return corrected
