"""The cell-lab pharmacist's dose calculation for a cell product dosed per kilogram.

The dose is a number of viable cells per kilogram of the participant's actual body weight measured
at infusion (NCT06167473: UC-MSC 1×10^6 or 3×10^6 cells/kg per infusion). The product's cell
concentration counts all cells; only the viable fraction counts toward the dose, so the volume to
draw is the target number of viable cells divided by the viable concentration.

Plain numbers in, frozen results out; the protocol supplies the dose per kilogram, the tolerance
and the viability release threshold.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from hepatrial.clinical.units import denoise
from hepatrial.errors import InputError, LimitError

__all__ = [
    "SYRINGE_STEP_ML",
    "WEIGHT_RANGE_KG",
    "DoseCheck",
    "DosePlan",
    "dose_calculate",
    "dose_check",
    "viability_release_check",
]

# Adult body weights outside this range are far more likely typing errors (grams, pounds, a
# missing digit) than participants of an adult liver trial.
WEIGHT_RANGE_KG = (25.0, 250.0)

# Graduation of the syringes used to draw the dose.
SYRINGE_STEP_ML = 0.1


def _number(name: str, value: object) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not abs(value) < 1e300  # also false for NaN; avoids int-to-float overflow
    ):
        raise InputError(field=name, expected="a finite number", received=value)
    return float(value)


def _positive(name: str, value: object) -> float:
    number = _number(name, value)
    if number <= 0:
        raise InputError(field=name, expected="a number > 0", received=value)
    return number


def _viability(value: object) -> float:
    number = _number("viability", value)
    if not 0 < number <= 1:
        raise InputError(
            field="viability",
            expected="the viable fraction of cells, > 0 and ≤ 1 (write 95 % as 0.95)",
            received=value,
        )
    return number


def _cells(count: float) -> str:
    mantissa, exponent = f"{count:.4e}".split("e")
    return f"{float(mantissa):g}e{int(exponent)}"


def _deviation_pct(delivered: float, target: float) -> float:
    return denoise((delivered - target) / target * 100.0)


@dataclass(frozen=True, slots=True)
class DosePlan:
    """What to draw for one infusion, and the dose that volume actually delivers.

    ``volume_ml`` is rounded to the nearest 0.1 mL, so ``delivered_cells`` differs from
    ``target_cells`` by at most 0.05 mL × ``viable_concentration_per_ml`` either way
    (``deviation_pct``).
    """

    weight_kg: float
    dose_per_kg: float
    target_cells: float
    concentration_per_ml: float
    viability: float
    viable_concentration_per_ml: float
    volume_ml: float
    delivered_cells: float
    product_volume_ml: float | None

    @property
    def deviation_pct(self) -> float:
        """(delivered − target) / target × 100: the effect of rounding the volume."""
        return _deviation_pct(self.delivered_cells, self.target_cells)


@dataclass(frozen=True, slots=True)
class DoseCheck:
    """Whether the volume given delivered the target dose within the protocol's tolerance."""

    target_cells: float
    delivered_volume_ml: float
    delivered_cells: float
    deviation_pct: float
    tolerance_pct: float
    within_tolerance: bool


def dose_calculate(
    *,
    weight_kg: float,
    dose_per_kg: float,
    concentration_per_ml: float,
    viability: float,
    product_volume_ml: float | None = None,
) -> DosePlan:
    """The volume of product to infuse for a dose of viable cells per kilogram.

    - target viable cells = ``weight_kg`` × ``dose_per_kg``, with the actual body weight measured
      at infusion (the registered dose of NCT06167473 is per kilogram);
    - viable concentration = ``concentration_per_ml`` (all cells, per mL) × ``viability``;
    - volume = target / viable concentration, rounded half up to the nearest 0.1 mL, the
      graduation of the syringe. Rounding to the nearest step keeps the dose error smallest: at
      most ±0.05 mL × the viable concentration (±0.025 % for 202.1 mL, ±1.7 % for 3.0 mL).

    ``viability`` is a fraction, > 0 and ≤ 1; a percentage such as 95 is rejected rather than
    guessed. ``weight_kg`` must lie in 25–250 kg; every other number must be > 0. Raises
    :class:`~hepatrial.errors.InputError` for a bad input, for a dose smaller than one syringe
    step, or when ``product_volume_ml`` is less than the volume needed.

    Example: 64 kg × 3×10^6 cells/kg = 1.92×10^8 cells; at 1×10^6 cells/mL and 95 % viability the
    viable concentration is 9.5×10^5 cells/mL, so 202.1 mL, which delivers 1.91995×10^8 cells.
    """
    weight = _number("weight_kg", weight_kg)
    low, high = WEIGHT_RANGE_KG
    if not low <= weight <= high:
        raise InputError(
            field="weight_kg",
            expected=f"an actual body weight ≥ {low:g} and ≤ {high:g} kg",
            received=weight_kg,
        )
    per_kg = _positive("dose_per_kg", dose_per_kg)
    concentration = _positive("concentration_per_ml", concentration_per_ml)
    fraction = _viability(viability)
    available = (
        None if product_volume_ml is None else _positive("product_volume_ml", product_volume_ml)
    )

    target = denoise(weight * per_kg)
    viable = denoise(concentration * fraction)
    exact_ml = denoise(target / viable)
    step = Decimal(repr(SYRINGE_STEP_ML))
    volume = float(Decimal(repr(exact_ml)).quantize(step, rounding=ROUND_HALF_UP))
    if volume <= 0:
        raise InputError(
            f"volume_ml: expected at least {SYRINGE_STEP_ML:g} mL to draw with the syringe, got "
            f"{exact_ml:g} mL for {_cells(target)} viable cells; dilute the product",
            field="volume_ml",
            expected=f"at least {SYRINGE_STEP_ML:g} mL",
            received=exact_ml,
        )
    if available is not None and available < volume:
        raise InputError(
            f"product_volume_ml: expected at least {volume:g} mL (for {_cells(target)} viable "
            f"cells at {_cells(viable)} viable cells/mL), got {available:g} mL",
            field="product_volume_ml",
            expected=f"at least {volume:g} mL",
            received=available,
        )
    return DosePlan(
        weight_kg=weight,
        dose_per_kg=per_kg,
        target_cells=target,
        concentration_per_ml=concentration,
        viability=fraction,
        viable_concentration_per_ml=viable,
        volume_ml=volume,
        delivered_cells=denoise(volume * viable),
        product_volume_ml=available,
    )


def dose_check(
    *,
    target_cells: float,
    delivered_volume_ml: float,
    concentration_per_ml: float,
    viability: float,
    tolerance_pct: float,
) -> DoseCheck:
    """Compare the viable cells actually infused with the target dose.

    delivered = ``delivered_volume_ml`` × ``concentration_per_ml`` × ``viability``;
    deviation % = (delivered − target) / target × 100; within tolerance when
    |deviation %| ≤ ``tolerance_pct`` (the bound itself is within). The tolerance comes from the
    protocol (e.g. 10). Values are rounded to 12 significant digits first, so a deviation of
    exactly 10 % is not lost to floating-point noise.
    """
    target = _positive("target_cells", target_cells)
    volume = _number("delivered_volume_ml", delivered_volume_ml)
    if volume < 0:
        raise InputError(
            field="delivered_volume_ml", expected="a volume ≥ 0 mL", received=delivered_volume_ml
        )
    concentration = _positive("concentration_per_ml", concentration_per_ml)
    fraction = _viability(viability)
    tolerance = _number("tolerance_pct", tolerance_pct)
    if not 0 <= tolerance <= 100:
        raise InputError(
            field="tolerance_pct",
            expected="a percentage ≥ 0 and ≤ 100 (write 10 % as 10)",
            received=tolerance_pct,
        )
    delivered = denoise(volume * concentration * fraction)
    deviation = _deviation_pct(delivered, target)
    return DoseCheck(
        target_cells=target,
        delivered_volume_ml=volume,
        delivered_cells=delivered,
        deviation_pct=deviation,
        tolerance_pct=tolerance,
        within_tolerance=abs(deviation) <= tolerance,
    )


def viability_release_check(viability: float, *, minimum: float) -> None:
    """Raise :class:`~hepatrial.errors.LimitError` unless the product meets the release viability.

    Both numbers are fractions in (0, 1]; the bound itself passes. The threshold is the
    protocol's release criterion. FDA CBER guidance on CMC information for somatic cell therapy
    INDs (2008) recommends a minimum release specification of 70 % viable cells; the ISCT minimal
    criteria for MSC (Dominici et al., Cytotherapy 2006;8:315) define the cells' identity
    (adherence, CD73/CD90/CD105 ≥ 95 %, trilineage differentiation), not their viability.
    """
    fraction = _viability(viability)
    threshold = _number("minimum viability", minimum)
    if not 0 < threshold <= 1:
        raise InputError(
            field="minimum viability",
            expected="a fraction > 0 and ≤ 1 (write 70 % as 0.7)",
            received=minimum,
        )
    if fraction < threshold:
        raise LimitError(
            f"viability: expected at least {threshold:g} ({threshold * 100:g} % viable cells) for "
            f"release, got {fraction:g} ({fraction * 100:g} %); the product may not be infused",
            field="viability",
            expected=f"at least {threshold:g}",
            received=viability,
        )
