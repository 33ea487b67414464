"""Pocock-Simon minimization with a random element, as a pure function of the allocations so far.

Pocock SJ, Simon R. Sequential treatment assignment with balancing for prognostic factors in the
controlled clinical trial. Biometrics 1975;31:103-115. For a new participant, and for each arm
``t`` in turn, imagine the participant given ``t``; for every factor count, per arm, the
participants already randomized who share the new participant's level of that factor (the
marginal totals), plus the new one on ``t``; measure the spread of those counts over the arms
(range or variance); and add the spreads over the factors, optionally weighted. The arms with the
smallest sum are preferred. As Sealed Envelope's minimisation does (reference/standards-
analysis.md §6, [S27]), ties are broken at random and a random element keeps the next allocation
from being certain: the preferred arms are taken with probability ``p_preferred`` (0.75-0.8 is
usual), another arm otherwise.

With an unequal ratio each arm's count is divided by its weight before the spread is measured,
so "balanced" means "in proportion to the ratio", and random choices among several arms are
weighted by the ratio. This simple adjustment need not keep each participant's unconditional
chance of an arm at the ratio (Han, Enas, McEntegart, Stat Med 2009;28:3329).
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from hepatrial.design import _draws
from hepatrial.errors import InputError

__all__ = ["ArmImbalance", "ImbalanceMeasure", "MinimizationResult", "minimization_assign"]

ImbalanceMeasure = Literal["range", "variance"]

Allocated = tuple[Mapping[str, str], str]


@dataclass(frozen=True, slots=True)
class ArmImbalance:
    """The imbalance that giving the new participant ``arm`` would leave.

    ``by_factor`` pairs each factor with the spread (range or variance, divisor the number of
    arms) of the ratio-adjusted counts at the new participant's level; ``total`` is their weighted
    sum. Exact fractions, so that ties are real ties.
    """

    arm: str
    by_factor: tuple[tuple[str, Fraction], ...]
    total: Fraction


@dataclass(frozen=True, slots=True)
class MinimizationResult:
    """The arm assigned, and why: each arm's imbalance and which arms minimized it."""

    arm: str
    preferred: tuple[str, ...]
    imbalance: tuple[ArmImbalance, ...]
    measure: ImbalanceMeasure
    p_preferred: float

    @property
    def followed_preference(self) -> bool:
        """Whether the assigned arm is one of the preferred arms (always so when all tie)."""
        return self.arm in self.preferred


def _spread(values: Sequence[Fraction], measure: ImbalanceMeasure) -> Fraction:
    if measure == "range":
        return max(values) - min(values)
    mean = sum(values, Fraction(0)) / len(values)
    return sum(((v - mean) ** 2 for v in values), Fraction(0)) / len(values)


def _check_arms(arms: Sequence[str], ratio: Sequence[int] | None) -> tuple[int, ...]:
    if isinstance(arms, str) or len(arms) < 2:
        raise InputError(field="arms", expected="at least two arm codes", received=arms)
    for i, arm in enumerate(arms):
        if not isinstance(arm, str) or arm in arms[:i]:
            raise InputError(field=f"arms[{i}]", expected="each arm code once", received=arm)
    weights = tuple(ratio) if ratio is not None else (1,) * len(arms)
    if len(weights) != len(arms):
        raise InputError(
            field="ratio",
            expected=f"{len(arms)} weights, one per arm in the order of arms",
            received=list(weights),
        )
    for i, w in enumerate(weights):
        if isinstance(w, bool) or not isinstance(w, int) or w <= 0:
            raise InputError(field=f"ratio[{i}]", expected="a positive whole number", received=w)
    return weights


def _check_factor_weights(
    factors: Sequence[str], factor_weights: Mapping[str, float | Fraction] | None
) -> dict[str, Fraction]:
    given = dict(factor_weights or {})
    for code, weight in given.items():
        if code not in factors:
            raise InputError(
                field="factor_weights",
                expected=f"weights only for the factors {', '.join(factors)}",
                received=code,
            )
        if (
            isinstance(weight, bool)
            or not isinstance(weight, int | float | Fraction)
            or not math.isfinite(weight)
            or weight <= 0
        ):
            raise InputError(
                field=f"factor_weights.{code}", expected="a positive number", received=weight
            )
    return {code: Fraction(given.get(code, 1)) for code in factors}


def _marginal_counts(
    existing: Sequence[Allocated], new_levels: Mapping[str, str], arms: Sequence[str]
) -> dict[str, dict[str, int]]:
    counts = {factor: dict.fromkeys(arms, 0) for factor in new_levels}
    for i, entry in enumerate(existing):
        levels, arm = entry
        if arm not in arms:
            raise InputError(
                field=f"existing[{i}].arm", expected=f"one of {', '.join(arms)}", received=arm
            )
        for factor, level in new_levels.items():
            if factor not in levels:
                raise InputError(
                    field=f"existing[{i}].levels.{factor}",
                    expected="a level for every factor of the new participant",
                    received=None,
                )
            if levels[factor] == level:
                counts[factor][arm] += 1
    return counts


def minimization_assign(
    existing: Sequence[Allocated],
    new_levels: Mapping[str, str],
    *,
    arms: Sequence[str],
    rng: random.Random,
    ratio: Sequence[int] | None = None,
    p_preferred: float = 0.8,
    measure: ImbalanceMeasure = "range",
    factor_weights: Mapping[str, float | Fraction] | None = None,
) -> MinimizationResult:
    """Assign an arm to a new participant with factor levels ``new_levels`` by minimization.

    ``existing`` holds the (factor levels, arm) of everyone randomized so far; ``ratio`` defaults
    to equal allocation. When every arm ties the arm is drawn at random (weighted by the ratio);
    otherwise one ``rng.random()`` draw below ``p_preferred`` picks among the preferred arms, any
    other draw among the rest. ``p_preferred`` = 1 is deterministic minimization (ties aside).
    Only ``rng.random()`` is used, so a seeded ``random.Random`` replays the same assignments on
    any Python version.
    """
    weights = _check_arms(arms, ratio)
    if not new_levels:
        raise InputError(
            field="new_levels", expected="a level for at least one factor", received={}
        )
    for factor, level in new_levels.items():
        if not isinstance(level, str):
            raise InputError(field=f"new_levels.{factor}", expected="a level name", received=level)
    if (
        isinstance(p_preferred, bool)
        or not isinstance(p_preferred, int | float)
        or not (0.5 <= p_preferred <= 1)
    ):
        raise InputError(
            field="p_preferred", expected="a probability from 0.5 to 1", received=p_preferred
        )
    if measure not in ("range", "variance"):
        raise InputError(field="measure", expected="'range' or 'variance'", received=measure)
    factor_weight = _check_factor_weights(tuple(new_levels), factor_weights)
    counts = _marginal_counts(existing, new_levels, arms)

    imbalance: list[ArmImbalance] = []
    for candidate in arms:
        by_factor = tuple(
            (
                factor,
                _spread(
                    [
                        Fraction(counts[factor][arm] + (arm == candidate), w)
                        for arm, w in zip(arms, weights, strict=True)
                    ],
                    measure,
                ),
            )
            for factor in new_levels
        )
        total = sum((factor_weight[f] * d for f, d in by_factor), Fraction(0))
        imbalance.append(ArmImbalance(candidate, by_factor, total))

    least = min(item.total for item in imbalance)
    preferred = tuple(item.arm for item in imbalance if item.total == least)
    if len(preferred) == len(arms) or rng.random() < p_preferred:
        pool = preferred
    else:
        pool = tuple(arm for arm in arms if arm not in preferred)
    pool_weights = [weights[list(arms).index(arm)] for arm in pool]
    return MinimizationResult(
        arm=pool[_draws.weighted_index(rng, pool_weights)],
        preferred=preferred,
        imbalance=tuple(imbalance),
        measure=measure,
        p_preferred=float(p_preferred),
    )
