"""The protocol's dose for one participant: the arm's dose per kg, the release viability and the
delivered-dose tolerance all come from the protocol file, never from code.

These wrap :mod:`hepatrial.clinical.dosing` so that the EDC's infusion service, the CLI and the
simulator compute a participant's dose the same way.
"""

from __future__ import annotations

from hepatrial.clinical.dosing import (
    DoseCheck,
    DosePlan,
    dose_calculate,
    dose_check,
    viability_release_check,
)
from hepatrial.protocol import Protocol

__all__ = ["infusion_check", "infusion_plan"]


def infusion_plan(
    protocol: Protocol,
    *,
    arm: str,
    weight_kg: float,
    concentration_per_ml: float,
    viability: float,
    product_volume_ml: float | None = None,
) -> DosePlan:
    """The volume of product to infuse for a participant of ``arm`` weighing ``weight_kg``.

    The lot must meet the protocol's release viability (``product.release``) first; a lot that
    does not is refused with a :class:`~hepatrial.errors.LimitError`.
    """
    viability_release_check(
        viability, minimum=protocol.product.release.min_viability_percent / 100.0
    )
    return dose_calculate(
        weight_kg=weight_kg,
        dose_per_kg=protocol.arm(arm).dose_per_kg,
        concentration_per_ml=concentration_per_ml,
        viability=viability,
        product_volume_ml=product_volume_ml,
    )


def infusion_check(protocol: Protocol, *, plan: DosePlan, delivered_volume_ml: float) -> DoseCheck:
    """Whether the volume actually infused delivered the planned dose within the protocol's
    tolerance (``infusion.dose_tolerance_percent``)."""
    return dose_check(
        target_cells=plan.target_cells,
        delivered_volume_ml=delivered_volume_ml,
        concentration_per_ml=plan.concentration_per_ml,
        viability=plan.viability,
        tolerance_pct=protocol.infusion.dose_tolerance_percent,
    )
