"""Registering cell-product lots and recording infusions, by the unblinded pharmacist.

The dose itself is the protocol's and ``hepatrial.clinical``'s: :func:`infusion_plan` gives the
volume for the participant's arm, weight and lot (and refuses a lot below the release viability),
:func:`infusion_check` says whether the delivered volume met the dose within tolerance. These
services only add the guards of the trial's workflow and write the record.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from hepatrial.clinical import infusion_check, infusion_plan
from hepatrial.clinical.dosing import DosePlan
from hepatrial.design.workflow import next_status
from hepatrial.edc.core.masking import allocation_visible, mask_mapping
from hepatrial.edc.core.permissions import require
from hepatrial.edc.core.services import record_create, record_update
from hepatrial.edc.dosing.models import RELEASE_STATUSES, CellLot, Infusion
from hepatrial.edc.participants.models import Participant
from hepatrial.edc.randomization.selectors import allocation_arm_get
from hepatrial.edc.study.selectors import study_ensure_unlocked, study_protocol
from hepatrial.edc.visits.services import visits_plan
from hepatrial.errors import InputError, WorkflowError

__all__ = ["infusion_plan_preview", "infusion_record", "lot_register", "lot_status_set"]


def _positive(field: str, value: object) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value <= 0
    ):
        raise InputError(field=field, expected="a finite number > 0", received=value)
    return float(value)


def _date(field: str, value: object) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise InputError(field=field, expected="a date", received=value)
    return value


def _release_status(value: object) -> str:
    if value not in RELEASE_STATUSES:
        raise InputError(
            field="release_status", expected=f"one of {', '.join(RELEASE_STATUSES)}", received=value
        )
    return str(value)


@transaction.atomic
def lot_register(
    *,
    user: Any,
    lot_number: str,
    product_code: str,
    concentration_per_ml: float,
    viability: float,
    product_volume_ml: float,
    manufactured_on: dt.date,
    expires_on: dt.date,
    release_status: str = "released",
) -> CellLot:
    """Register a lot from its certificate of analysis (viability as a fraction: 0.95)."""
    require(user, "lot.manage")
    study_ensure_unlocked()
    number = lot_number.strip() if isinstance(lot_number, str) else ""
    if not number:
        raise InputError(field="lot_number", expected="the lot number", received=lot_number)
    product = study_protocol().product.code
    if product_code != product:
        raise InputError(
            field="product_code",
            expected=f"{product!r}, the protocol's product",
            received=product_code,
        )
    fraction = _positive("viability", viability)
    if fraction > 1:
        raise InputError(
            field="viability",
            expected="the viable fraction of cells, > 0 and ≤ 1 (write 95 % as 0.95)",
            received=viability,
        )
    made = _date("manufactured_on", manufactured_on)
    expiry = _date("expires_on", expires_on)
    if expiry <= made:
        raise InputError(
            field="expires_on",
            expected=f"a date after manufacture ({made.isoformat()})",
            received=expiry.isoformat(),
        )
    return record_create(
        CellLot,
        user=user,
        lot_number=number,
        product_code=product_code,
        concentration_per_ml=_positive("concentration_per_ml", concentration_per_ml),
        viability=fraction,
        product_volume_ml=_positive("product_volume_ml", product_volume_ml),
        manufactured_on=made,
        expires_on=expiry,
        release_status=_release_status(release_status),
    )


@transaction.atomic
def lot_status_set(
    *, user: Any, lot: CellLot, release_status: str, expected_version: int, reason: str
) -> CellLot:
    """Release, quarantine or reject a lot, with the reason why."""
    require(user, "lot.manage")
    return record_update(
        CellLot,
        lot.pk,
        user=user,
        expected_version=expected_version,
        reason=reason,
        changes={"release_status": _release_status(release_status)},
    )


def _lot_usable(lot: CellLot, *, on: dt.date) -> None:
    if lot.voided or lot.release_status != "released":
        raise WorkflowError(
            field="lot",
            expected=f"a released lot (lot {lot.lot_number})",
            received="voided" if lot.voided else lot.release_status,
        )
    if on > lot.expires_on:
        raise WorkflowError(
            field="lot",
            expected=f"a lot not expired on {on.isoformat()} (lot {lot.lot_number})",
            received=f"expired on {lot.expires_on.isoformat()}",
        )
    if on < lot.manufactured_on:
        raise WorkflowError(
            field="lot",
            expected=f"a lot manufactured by {on.isoformat()} (lot {lot.lot_number})",
            received=f"manufactured on {lot.manufactured_on.isoformat()}",
        )


def _arm(participant: Participant) -> str:
    arm = allocation_arm_get(participant.pk)
    if arm is None:
        raise WorkflowError(
            field="participant",
            expected="a randomized participant",
            received=f"{participant.study_id}, not randomized",
        )
    return arm


def _plan(participant: Participant, lot: CellLot, weight_kg: float) -> DosePlan:
    return infusion_plan(
        study_protocol(),
        arm=_arm(participant),
        weight_kg=weight_kg,
        concentration_per_ml=lot.concentration_per_ml,
        viability=lot.viability,
        product_volume_ml=lot.product_volume_ml,
    )


def _site_today(participant: Participant) -> dt.date:
    today: dt.date = timezone.now().astimezone(ZoneInfo(participant.site.time_zone)).date()
    return today


def infusion_plan_preview(
    *, user: Any, participant: Participant, lot: CellLot, weight_kg: float
) -> dict[str, Any]:
    """What the pharmacist draws for ``participant`` from ``lot`` today; nothing is written."""
    require(user, "infusion.record")
    _lot_usable(lot, on=_site_today(participant))
    plan = _plan(participant, lot, weight_kg)
    row = {
        "participant_id": participant.pk,
        "study_id": participant.study_id,
        "lot_number": lot.lot_number,
        "arm": _arm(participant),
        "weight_kg": plan.weight_kg,
        "dose_per_kg": plan.dose_per_kg,
        "target_cells": plan.target_cells,
        "viable_concentration_per_ml": plan.viable_concentration_per_ml,
        "volume_ml": plan.volume_ml,
        "delivered_cells": plan.delivered_cells,
        "deviation_pct": plan.deviation_pct,
    }
    return mask_mapping(row, visible=allocation_visible(user, participant_id=participant.pk))


def _times(
    participant: Participant, infusion_date: dt.date, started_at: Any, stopped_at: Any
) -> None:
    for name, value in (("started_at", started_at), ("stopped_at", stopped_at)):
        if not isinstance(value, dt.datetime) or timezone.is_naive(value):
            raise InputError(field=name, expected="a time with its time zone", received=value)
    if started_at >= stopped_at:
        raise InputError(
            field="stopped_at",
            expected=f"a time after the start ({started_at.isoformat()})",
            received=stopped_at.isoformat(),
        )
    zone = ZoneInfo(participant.site.time_zone)
    today = _site_today(participant)
    if infusion_date > today:
        raise InputError(
            field="infusion_date",
            expected=f"a date not in the future (today is {today.isoformat()} at the site)",
            received=infusion_date.isoformat(),
        )
    if stopped_at > timezone.now():
        raise InputError(
            field="stopped_at", expected="a time not in the future", received=stopped_at.isoformat()
        )
    local_start = started_at.astimezone(zone).date()
    if local_start != infusion_date:
        raise InputError(
            field="started_at",
            expected=f"a start on the infusion date {infusion_date.isoformat()} "
            f"({participant.site.time_zone})",
            received=f"{started_at.isoformat()}, on {local_start.isoformat()} there",
        )


def _reactions(reaction: object, reactions: str) -> str:
    if not isinstance(reaction, bool):
        raise InputError(field="reaction", expected="yes (True) or no (False)", received=reaction)
    text = reactions.strip() if isinstance(reactions, str) else ""
    if reaction and not text:
        raise InputError(
            field="reactions", expected="a description of the reaction", received=reactions
        )
    if not reaction and text:
        raise InputError(
            field="reactions",
            expected="nothing, since no reaction was recorded (or set reaction to yes)",
            received=reactions,
        )
    return text


@transaction.atomic
def infusion_record(
    *,
    user: Any,
    participant: Participant,
    lot: CellLot,
    weight_kg: float,
    infusion_date: dt.date,
    started_at: dt.datetime,
    stopped_at: dt.datetime,
    delivered_volume_ml: float,
    reaction: bool,
    reactions: str = "",
) -> Infusion:
    """Record an infusion of ``participant`` from ``lot``; it becomes study day 0.

    The dose is planned from the participant's arm, the weight at infusion and the lot; the
    delivered volume is checked against it. A dose outside the protocol's tolerance is recorded
    with a protocol deviation note and does not block the entry.
    """
    require(user, "infusion.record")
    study_ensure_unlocked()
    current = Participant.objects.select_for_update().select_related("site").get(pk=participant.pk)
    target_status = next_status(current.status, "infuse")
    protocol = study_protocol()
    number = Infusion.objects.filter(participant=current, voided=False).count() + 1
    day = _date("infusion_date", infusion_date)
    stored_lot = CellLot.objects.get(pk=lot.pk)
    _lot_usable(stored_lot, on=day)
    _times(current, day, started_at, stopped_at)
    note_text = _reactions(reaction, reactions)
    volume = _positive("delivered_volume_ml", delivered_volume_ml)
    if volume > stored_lot.product_volume_ml:
        raise InputError(
            field="delivered_volume_ml",
            expected=f"at most the lot's {stored_lot.product_volume_ml:g} mL",
            received=delivered_volume_ml,
        )
    plan = _plan(current, stored_lot, weight_kg)
    check = infusion_check(protocol, plan=plan, delivered_volume_ml=volume)
    deviation = (
        ""
        if check.within_tolerance
        else f"protocol deviation: the delivered dose is {check.deviation_pct:+.1f} % from the "
        f"target, outside the protocol's tolerance of ±{check.tolerance_pct:g} %"
    )
    infusion = record_create(
        Infusion,
        user=user,
        participant=current,
        infusion_number=number,
        lot=stored_lot,
        infusion_date=day,
        weight_kg=plan.weight_kg,
        dose_per_kg=plan.dose_per_kg,
        target_cells=plan.target_cells,
        planned_volume_ml=plan.volume_ml,
        delivered_volume_ml=check.delivered_volume_ml,
        delivered_cells=check.delivered_cells,
        deviation_pct=check.deviation_pct,
        within_tolerance=check.within_tolerance,
        deviation_note=deviation,
        started_at=started_at,
        stopped_at=stopped_at,
        reaction=reaction,
        reactions=note_text,
    )
    infused = record_update(
        Participant,
        current.pk,
        user=user,
        expected_version=current.version,
        reason="infused",
        changes={"status": target_status, "day0": day},
    )
    infusion.participant = infused
    visits_plan(participant=infused, user=user)
    return infusion
