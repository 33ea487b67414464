"""Validated capture of lab values: parse, standardize, check limits, flag probable unit mix-ups.

A result keeps the value and unit as entered and a standardized value in the catalogue's canonical
unit (DESIGN.md, "Units"). Limits are those of the catalogue (``liver-scores.md`` §8): beyond the
hard range a value is rejected, beyond the soft range it is kept and flagged so that the EDC raises
a data query. The mix-up rules (§8) catch a conventional value typed under an SI unit and the
reverse.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Literal

from hepatrial.clinical.catalogue import LabTest, MixupRule, Range, lab_test
from hepatrial.clinical.units import from_canonical, normalize_unit, to_canonical
from hepatrial.errors import InputError, LimitError

__all__ = [
    "PT_INR_TOLERANCE",
    "LabFlag",
    "LabValue",
    "Panel",
    "PanelError",
    "pt_inr_consistent",
    "pt_inr_expected",
    "standardize_lab",
    "standardize_panel",
]

# A plain decimal number, optionally signed and in exponent form. Python's float() also takes
# "nan", "inf", "1_000" and surrounding text that a lab form should not.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")

# Relative difference allowed between the INR reported and the INR implied by the PT; see
# pt_inr_consistent for why it is this wide.
PT_INR_TOLERANCE = 0.25


@dataclass(frozen=True, slots=True)
class LabFlag:
    """Something about an accepted value that a person should confirm.

    ``kind`` is ``"soft_limit"`` (beyond the soft range: the EDC raises a data query) or
    ``"unit_mixup"`` (the value is typical of another unit).
    """

    kind: Literal["soft_limit", "unit_mixup"]
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class LabValue:
    """One accepted lab result.

    ``value_entered`` and ``unit_entered`` are exactly what was given; ``value`` is its number in
    ``unit``, the catalogue's spelling of the entered unit; ``value_std`` is in ``unit_std``, the
    canonical unit that scores and analyses use, at full precision.
    """

    code: str
    value_entered: float | str
    unit_entered: str
    value: float
    unit: str
    value_std: float
    unit_std: str
    flags: tuple[LabFlag, ...] = ()

    @property
    def value_std_text(self) -> str:
        """``value_std`` at the catalogue's reporting precision, rounded half up (for LBSTRESC)."""
        quantum = Decimal(1).scaleb(-lab_test(self.code).decimals)
        return str(Decimal(repr(self.value_std)).quantize(quantum, rounding=ROUND_HALF_UP))


def _fmt(value: float) -> str:
    return f"{value:.10g}"


def _parse_value(code: str, value: object, unit_words: str) -> float:
    expected = f"a non-negative number in {unit_words}"
    number: float | None = None
    if isinstance(value, str):
        text = value.strip()
        if _NUMBER.fullmatch(text):
            number = float(text)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        # An int too large for a float would raise OverflowError; it is no lab value either.
        number = float(value) if abs(value) < 1e300 else math.inf
    if number is None or not math.isfinite(number):
        raise InputError(field=code, expected=expected, received=value)
    if number < 0:
        raise InputError(field=code, expected=expected, received=value)
    return number


def _mixup(test: LabTest, value: float, unit: str) -> MixupRule | None:
    if value <= 0:
        return None
    for rule in test.mixups:
        if rule.unit != unit:
            continue
        if (rule.below is not None and value < rule.below) or (
            rule.above is not None and value > rule.above
        ):
            return rule
    return None


def _mixup_hint(test: LabTest, value: float, unit: str, rule: MixupRule) -> str:
    canonical = test.canonical_unit
    if rule.likely_unit == canonical:
        as_entered = to_canonical(test.code, value, unit)
        return (
            f"this looks like {rule.likely_unit} "
            f"({_fmt(value)} {canonical}, not {_fmt(as_entered)} {canonical})"
        )
    as_likely = to_canonical(test.code, value, rule.likely_unit)
    return (
        f"this looks like {rule.likely_unit} "
        f"({_fmt(value)} {rule.likely_unit} = {_fmt(as_likely)} {canonical})"
    )


def _range_words(test: LabTest, rng: Range, unit: str) -> str:
    """The range in canonical units, and in ``unit`` too when that differs."""
    words = rng.describe(test.canonical_unit)
    if unit == test.canonical_unit:
        return words
    converted = Range(
        None if rng.low is None else from_canonical(test.code, rng.low, unit),
        None if rng.high is None else from_canonical(test.code, rng.high, unit),
        rng.low_closed,
        rng.high_closed,
    )
    return f"{words} (that is, {converted.describe(unit).removeprefix('a value ')})"


def _amount(value: float, unit: str, value_std: float, unit_std: str) -> str:
    if unit == unit_std:
        return f"{_fmt(value)} {unit}"
    return f"{_fmt(value)} {unit} (= {_fmt(value_std)} {unit_std})"


def standardize_lab(code: str, value: float | str, unit: str) -> LabValue:
    """Validate one lab result and convert it to the catalogue's canonical unit.

    Raises :class:`~hepatrial.errors.InputError` for a value that is not a finite non-negative
    number, :class:`~hepatrial.errors.UnitError` for a unit the catalogue does not know for the
    test, and :class:`~hepatrial.errors.LimitError` for a value beyond the hard range
    (``liver-scores.md`` §8); the limit message states the range in the canonical unit (and in the
    entered unit when it differs) and adds a unit mix-up hint when one of the §8 rules matches.
    A value beyond the soft range, or a probable mix-up within the hard range, is accepted with a
    :class:`LabFlag`.
    """
    test = lab_test(code)
    unit_norm = normalize_unit(code, unit)
    number = _parse_value(code, value, unit_norm)
    value_std = to_canonical(code, number, unit_norm)
    canonical = test.canonical_unit
    rule = _mixup(test, number, unit_norm)

    if not test.hard.contains(value_std):
        expected = _range_words(test, test.hard, unit_norm)
        message = (
            f"{code}: expected {expected}, got {_amount(number, unit_norm, value_std, canonical)}"
        )
        if rule is not None:
            message += f"; {_mixup_hint(test, number, unit_norm, rule)}"
        raise LimitError(message, field=code, expected=expected, received=value)

    flags: list[LabFlag] = []
    if not test.soft.contains(value_std):
        flags.append(
            LabFlag(
                kind="soft_limit",
                code=code,
                message=(
                    f"{code} ({test.name}) {_amount(number, unit_norm, value_std, canonical)} is "
                    f"outside the plausible range {_range_words(test, test.soft, unit_norm)}; "
                    "please confirm it"
                ),
            )
        )
    if rule is not None:
        flags.append(
            LabFlag(
                kind="unit_mixup",
                code=code,
                message=(
                    f"{code} ({test.name}) {_fmt(number)} {unit_norm}: "
                    f"{_mixup_hint(test, number, unit_norm, rule)}; please check the unit"
                ),
            )
        )
    return LabValue(
        code=code,
        value_entered=value,
        unit_entered=unit,
        value=number,
        unit=unit_norm,
        value_std=value_std,
        unit_std=canonical,
        flags=tuple(flags),
    )


class PanelError(InputError):
    """One or more values of a panel are not acceptable; ``problems`` holds each field's error."""

    def __init__(self, problems: tuple[InputError, ...]) -> None:
        self.problems = problems
        listing = "\n".join(f"  {p.message}" for p in problems)
        super().__init__(
            f"lab panel: {len(problems)} problem(s)\n{listing}",
            field="lab panel",
            expected="every value acceptable",
            received=f"{len(problems)} problem(s)",
        )


@dataclass(frozen=True, slots=True)
class Panel:
    """Lab results taken together, by test code; every one of them was accepted."""

    values: Mapping[str, LabValue] = field(default_factory=lambda: MappingProxyType({}))

    def __getitem__(self, code: str) -> LabValue:
        return self.values[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    @property
    def flags(self) -> tuple[LabFlag, ...]:
        """Every flag of every value, in panel order."""
        return tuple(flag for value in self.values.values() for flag in value.flags)


def standardize_panel(values: Mapping[str, tuple[float | str, str]]) -> Panel:
    """Standardize every ``code -> (value, unit)``; all are accepted, or none.

    Raises :class:`PanelError` (an :class:`~hepatrial.errors.InputError`) whose message lists the
    problem with every bad field, and whose ``problems`` keeps each field's own error.
    """
    accepted: dict[str, LabValue] = {}
    problems: list[InputError] = []
    for code, entry in values.items():
        try:
            value, unit = entry
            accepted[code] = standardize_lab(code, value, unit)
        except InputError as error:
            problems.append(error)
        except (TypeError, ValueError):
            problems.append(InputError(field=code, expected="a (value, unit) pair", received=entry))
    if problems:
        raise PanelError(tuple(problems))
    return Panel(MappingProxyType(accepted))


def pt_inr_expected(
    pt_seconds: float, *, control_pt_seconds: float = 12.0, isi: float = 1.0
) -> float:
    """The INR implied by a prothrombin time: INR = (PT / MNPT) ^ ISI.

    MNPT is the laboratory's mean normal prothrombin time and ISI the International Sensitivity
    Index of its thromboplastin (WHO Expert Committee on Biological Standardization, 33rd report,
    TRS 687, 1983; WHO Guidelines for thromboplastins and plasma used to control oral
    anticoagulant therapy, TRS 889 Annex 3, 1999). The defaults (12 s, ISI 1.0) are the
    simulator's assumptions (clinical-parameters.md B10), not any laboratory's values.
    """
    for name, number in (
        ("PT", pt_seconds),
        ("control PT", control_pt_seconds),
        ("ISI", isi),
    ):
        if not math.isfinite(number) or number <= 0:
            raise InputError(field=name, expected="a positive number", received=number)
    return float((pt_seconds / control_pt_seconds) ** isi)


def pt_inr_consistent(
    pt_seconds: float,
    inr: float,
    *,
    control_pt_seconds: float = 12.0,
    isi: float = 1.0,
    tolerance: float = PT_INR_TOLERANCE,
) -> bool:
    """Whether a reported INR agrees with its PT (the "PT inconsistent with INR" data check).

    True when ``|INR - (PT/MNPT)^ISI|`` is at most ``tolerance`` × the implied INR (see
    :func:`pt_inr_expected`). The default tolerance, 25 % relative, is wide on purpose: the site's
    MNPT and ISI are usually not recorded with the result, and a normal PT ranges over about
    11–13.5 s between laboratories (up to about ±12 % around 12 s) while modern thromboplastins
    have ISI about 0.9–1.3 (another 10–15 % at an INR of 2). A relative tolerance follows the
    error, which scales with the INR. The check still catches the gross errors it is for: PT and
    INR swapped, a PT activity (PTA %) typed as seconds, or a result copied from another visit.
    Pass the laboratory's own MNPT and ISI and a tighter tolerance when they are known.
    """
    if not math.isfinite(inr) or inr <= 0:
        raise InputError(field="INR", expected="a positive number", received=inr)
    if not math.isfinite(tolerance) or tolerance < 0:
        raise InputError(
            field="PT/INR tolerance", expected="a non-negative fraction", received=tolerance
        )
    expected = pt_inr_expected(pt_seconds, control_pt_seconds=control_pt_seconds, isi=isi)
    return abs(inr - expected) <= tolerance * expected
