"""Reads of lots and infusions. Infusions carry the dose, so they are masked per participant."""

from __future__ import annotations

from typing import Any

from hepatrial.edc.core.masking import allocation_visible, mask_mapping
from hepatrial.edc.dosing.models import CellLot, Infusion
from hepatrial.edc.randomization.selectors import allocation_arm_get
from hepatrial.errors import InputError

__all__ = ["infusion_get", "infusion_list", "lot_list"]


def _row(infusion: Infusion) -> dict[str, Any]:
    return {
        "id": infusion.pk,
        "version": infusion.version,
        "participant_id": infusion.participant_id,
        "study_id": infusion.participant.study_id,
        "infusion_number": infusion.infusion_number,
        "infusion_date": infusion.infusion_date,
        "lot_number": infusion.lot.lot_number,
        "weight_kg": infusion.weight_kg,
        "arm": allocation_arm_get(infusion.participant_id),
        "dose_per_kg": infusion.dose_per_kg,
        "target_cells": infusion.target_cells,
        "planned_volume_ml": infusion.planned_volume_ml,
        "delivered_volume_ml": infusion.delivered_volume_ml,
        "delivered_cells": infusion.delivered_cells,
        "deviation_pct": infusion.deviation_pct,
        "within_tolerance": infusion.within_tolerance,
        "deviation_note": infusion.deviation_note,
        "started_at": infusion.started_at,
        "stopped_at": infusion.stopped_at,
        "reaction": infusion.reaction,
        "reactions": infusion.reactions,
    }


def _masked(user: Any, infusion: Infusion) -> dict[str, Any]:
    visible = allocation_visible(user, participant_id=infusion.participant_id)
    return mask_mapping(_row(infusion), visible=visible)


def infusion_get(*, user: Any, infusion_id: Any) -> dict[str, Any]:
    """One infusion; the dose, cell counts, volumes and arm are masked unless ``user`` may see."""
    infusion = (
        Infusion.objects.select_related("participant", "lot")
        .filter(pk=infusion_id, voided=False)
        .first()
    )
    if infusion is None:
        raise InputError(field="infusion_id", expected="a recorded infusion", received=infusion_id)
    return _masked(user, infusion)


def infusion_list(*, user: Any, participant_id: Any = None) -> list[dict[str, Any]]:
    """Every infusion (of ``participant_id`` when given), masked row by row for ``user``."""
    infusions = Infusion.objects.select_related("participant", "lot").filter(voided=False)
    if participant_id is not None:
        infusions = infusions.filter(participant_id=participant_id)
    return [
        _masked(user, infusion)
        for infusion in infusions.order_by("participant__study_id", "infusion_number")
    ]


def lot_list() -> list[dict[str, Any]]:
    """Every lot that is not voided, soonest expiry first; lots reveal no arm."""
    return [
        {
            "id": lot.pk,
            "version": lot.version,
            "lot_number": lot.lot_number,
            "product_code": lot.product_code,
            "concentration_per_ml": lot.concentration_per_ml,
            "viability": lot.viability,
            "product_volume_ml": lot.product_volume_ml,
            "manufactured_on": lot.manufactured_on,
            "expires_on": lot.expires_on,
            "release_status": lot.release_status,
        }
        for lot in CellLot.objects.filter(voided=False)
    ]
