"""One scenario of the design evaluation: sample size, allocation, effects, accrual and dropout.

Defaults describe the registered trial (22 participants, 1:1, 1 year of follow-up, MELD at weeks
24 and 48) under the null hypothesis. The control-arm figures are the assumptions of
``reference/clinical-parameters.md``: 1-year mortality 25 % for a stable, trial-eligible ESLD
population with MELD about 15 (N5: 15–30 %), SD of MELD change 4 points (§4), correlation 0.6
between the week-24 and week-48 changes (V4: no published figure; both changes share the baseline,
so they correlate more than the levels' 0.5 over 24 weeks). ``from_protocol`` reads the design
from a protocol file.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, fields
from typing import Any

from hepatrial.errors import InputError
from hepatrial.protocol import Protocol

__all__ = ["DesignScenario"]

_DAYS_PER_MONTH = 365.25 / 12


def _check(ok: bool, field: str, expected: str, received: object) -> None:
    if not ok:
        raise InputError(field=field, expected=expected, received=received)


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@dataclass(frozen=True, slots=True)
class DesignScenario:
    """A two-arm trial to simulate: the reference arm (the registered low dose) and the other.

    - ``n`` participants, ``allocation_ratio`` other : reference (fixed arm sizes, as blocked
      randomization gives).
    - Survival: exponential, with 1-year mortality ``control_mortality_1y`` in the reference arm
      and hazard ratio ``hazard_ratio`` (other / reference); follow-up ends at
      ``follow_up_days``.
    - MELD change from baseline at ``meld_days`` (weeks 24 and 48): bivariate normal with mean
      ``meld_change_reference`` in the reference arm plus ``meld_difference`` (other − reference)
      in the other, SD ``meld_change_sd`` in both arms and correlation
      ``meld_change_correlation``; observed in participants alive and followed at the visit.
    - Accrual uniform over ``accrual_days``; dropout (loss to follow-up, exponential)
      with probability ``dropout_1y`` by 1 year; an analysis at ``analysis_day`` after the
      first enrolment censors participants enrolled late (``None``: all complete follow-up).
    """

    n: int = 22
    allocation_ratio: float = 1.0
    control_mortality_1y: float = 0.25
    hazard_ratio: float = 1.0
    meld_change_reference: tuple[float, float] = (0.0, 0.0)
    meld_difference: tuple[float, float] = (0.0, 0.0)
    meld_change_sd: tuple[float, float] = (4.0, 4.0)
    meld_change_correlation: float = 0.6
    meld_days: tuple[float, float] = (168.0, 336.0)
    accrual_days: float = 0.0
    dropout_1y: float = 0.0
    analysis_day: float | None = None
    follow_up_days: float = 365.0

    def __post_init__(self) -> None:
        _check(
            isinstance(self.n, int) and not isinstance(self.n, bool) and self.n >= 4,
            "n",
            "a whole number of participants ≥ 4",
            self.n,
        )
        _check(
            _finite(self.allocation_ratio) and self.allocation_ratio > 0,
            "allocation_ratio",
            "a ratio > 0 (other : reference)",
            self.allocation_ratio,
        )
        _check(
            min(self.n_reference, self.n_other) >= 2,
            "n",
            f"at least 2 participants per arm at ratio {self.allocation_ratio:g}",
            self.n,
        )
        _check(
            _finite(self.control_mortality_1y) and 0 < self.control_mortality_1y < 1,
            "control_mortality_1y",
            "a probability strictly between 0 and 1",
            self.control_mortality_1y,
        )
        _check(
            _finite(self.hazard_ratio) and self.hazard_ratio > 0,
            "hazard_ratio",
            "a hazard ratio > 0",
            self.hazard_ratio,
        )
        for name in ("meld_change_reference", "meld_difference", "meld_change_sd", "meld_days"):
            value = getattr(self, name)
            _check(
                isinstance(value, tuple) and len(value) == 2 and all(map(_finite, value)),
                name,
                "two numbers (week 24, week 48)",
                value,
            )
        _check(min(self.meld_change_sd) > 0, "meld_change_sd", "SDs > 0", self.meld_change_sd)
        _check(
            _finite(self.meld_change_correlation) and -1 < self.meld_change_correlation < 1,
            "meld_change_correlation",
            "a correlation strictly between -1 and 1",
            self.meld_change_correlation,
        )
        _check(
            _finite(self.follow_up_days) and self.follow_up_days > 0,
            "follow_up_days",
            "a number of days > 0",
            self.follow_up_days,
        )
        _check(
            0 < self.meld_days[0] < self.meld_days[1] <= self.follow_up_days,
            "meld_days",
            f"two increasing study days within follow-up ({self.follow_up_days:g})",
            self.meld_days,
        )
        _check(
            _finite(self.accrual_days) and self.accrual_days >= 0,
            "accrual_days",
            "a number of days ≥ 0",
            self.accrual_days,
        )
        _check(
            _finite(self.dropout_1y) and 0 <= self.dropout_1y < 1,
            "dropout_1y",
            "a probability in [0, 1)",
            self.dropout_1y,
        )
        _check(
            self.analysis_day is None or (_finite(self.analysis_day) and self.analysis_day > 0),
            "analysis_day",
            "nothing, or a study day > 0",
            self.analysis_day,
        )

    @property
    def n_other(self) -> int:
        """Participants in the other arm: n × ratio / (1 + ratio), rounded."""
        return round(self.n * self.allocation_ratio / (1.0 + self.allocation_ratio))

    @property
    def n_reference(self) -> int:
        return self.n - self.n_other

    @property
    def hazard_reference(self) -> float:
        """Daily hazard giving ``control_mortality_1y`` at 365 days: −ln(1 − m)/365."""
        return -math.log1p(-self.control_mortality_1y) / 365.0

    @property
    def hazard_dropout(self) -> float:
        return -math.log1p(-self.dropout_1y) / 365.0

    def meld_null(self, week_index: int) -> bool:
        """Whether there is no MELD-change difference at the week-24 (0) or week-48 (1) visit."""
        return self.meld_difference[week_index] == 0.0

    def replace(self, **changes: Any) -> DesignScenario:
        """A copy with some fields changed (and checked again)."""
        names = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - names)
        if unknown:
            raise InputError(
                field=unknown[0], expected=f"one of {sorted(names)}", received="an unknown field"
            )
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_protocol(cls, protocol: Protocol, **changes: Any) -> DesignScenario:
        """The registered design of ``protocol``: target enrolment, allocation ratio of its two
        arms (second : first), the enrolment period as accrual, the last visit as the end of
        follow-up and the W24 and W48 visit days; ``changes`` then override any field."""
        ratio = protocol.design.allocation_ratio
        if len(ratio) != 2:
            raise InputError(
                field="design.allocation_ratio", expected="two arms", received=len(ratio)
            )
        base = cls(
            n=protocol.design.target_enrollment,
            allocation_ratio=ratio[1] / ratio[0],
            meld_days=(float(protocol.visit("W24").day), float(protocol.visit("W48").day)),
            follow_up_days=float(max(visit.day for visit in protocol.visits)),
            accrual_days=protocol.design.enrollment_period.months * _DAYS_PER_MONTH,
        )
        return base.replace(**changes)
