"""Identification: a study ID per site, and the person's identifiers, encrypted, kept apart."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from hepatrial.design.workflow import Status
from hepatrial.edc.core.permissions import require
from hepatrial.edc.core.services import record_create, record_update
from hepatrial.edc.participants._guards import (
    check_date,
    ensure_site,
    locked_participant,
    site_today,
)
from hepatrial.edc.participants.models import Participant, PersonalIdentifiers
from hepatrial.edc.participants.pii import (
    clean_name,
    clean_national_id,
    clean_phone,
    national_id_digest,
    pii_encrypt,
)
from hepatrial.edc.study.models import Site
from hepatrial.edc.study.selectors import study_ensure_unlocked
from hepatrial.errors import InputError

__all__ = ["participant_identify", "personal_identifiers_update"]


def _site(site_code: object) -> Site:
    site = Site.objects.filter(code=site_code, voided=False).first() if site_code else None
    if site is None:
        codes = ", ".join(Site.objects.filter(voided=False).values_list("code", flat=True))
        raise InputError(
            field="site_code", expected=f"a site of the study ({codes})", received=site_code
        )
    return site


def _next_study_id(site: Site) -> str:
    """``<site>-<NNN>``, one more than the highest number the site has given (voided included).

    The caller holds the site's row lock, so two identifications at one site cannot read the
    same highest number; the unique study_id column backs that up.
    """
    prefix = f"{site.code}-"
    numbers = [
        int(study_id.removeprefix(prefix))
        for study_id in Participant.objects.filter(site=site).values_list("study_id", flat=True)
        if study_id.startswith(prefix) and study_id.removeprefix(prefix).isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def _refuse_duplicate(digest: str, *, except_participant: Any = None) -> None:
    existing = PersonalIdentifiers.objects.filter(national_id_hmac=digest).exclude(
        participant_id=except_participant
    )
    other = existing.select_related("participant").first()
    if other is not None:
        raise InputError(
            field="national_id",
            expected="a person not already identified in this trial",
            received=f"the national ID of participant {other.participant.study_id}",
        )


@transaction.atomic
def participant_identify(
    *,
    user: Any,
    site_code: str,
    identified_on: dt.date,
    name: str,
    phone: str,
    national_id: str,
    today: dt.date | None = None,
) -> Participant:
    """Give a candidate the next study ID of the site, and store who they are, encrypted."""
    require(user, "participant.identify")
    study_ensure_unlocked()
    site = _site(site_code)
    ensure_site(user, site.code)
    check_date("identified_on", identified_on, today=site_today(site, today))
    clean = (clean_name(name), clean_phone(phone), clean_national_id(national_id))
    digest = national_id_digest(clean[2])
    locked_site = Site.objects.select_for_update().get(pk=site.pk)
    _refuse_duplicate(digest)
    participant = record_create(
        Participant,
        user=user,
        study_id=_next_study_id(locked_site),
        site=locked_site,
        status=Status.IDENTIFIED.value,
        identified_on=identified_on,
    )
    record_create(
        PersonalIdentifiers,
        user=user,
        participant=participant,
        name_token=pii_encrypt(clean[0]),
        phone_token=pii_encrypt(clean[1]),
        national_id_token=pii_encrypt(clean[2]),
        national_id_hmac=digest,
    )
    return participant


@transaction.atomic
def personal_identifiers_update(
    *,
    user: Any,
    participant: Participant,
    expected_version: int,
    reason: str,
    name: str | None = None,
    phone: str | None = None,
    national_id: str | None = None,
) -> PersonalIdentifiers:
    """Correct or update a participant's identifiers (e.g. a new phone number), with a reason."""
    require(user, "participant.identify")
    study_ensure_unlocked()
    current = locked_participant(participant)
    ensure_site(user, current.site.code)
    changes: dict[str, str] = {}
    if name is not None:
        changes["name_token"] = pii_encrypt(clean_name(name))
    if phone is not None:
        changes["phone_token"] = pii_encrypt(clean_phone(phone))
    if national_id is not None:
        canonical = clean_national_id(national_id)
        changes["national_id_hmac"] = national_id_digest(canonical)
        _refuse_duplicate(changes["national_id_hmac"], except_participant=current.pk)
        changes["national_id_token"] = pii_encrypt(canonical)
    if not changes:
        raise InputError(
            field="identifiers", expected="a new name, phone or national_id", received=None
        )
    return record_update(
        PersonalIdentifiers,
        current.identifiers.pk,
        user=user,
        expected_version=expected_version,
        reason=reason,
        changes=changes,
    )
