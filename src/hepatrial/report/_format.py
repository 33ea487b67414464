"""Numbers as the report prints them: never "nan" or "inf", always "not estimable" instead."""

from __future__ import annotations

import math

__all__ = ["NOT_ESTIMABLE", "count_percent", "estimable", "interval", "number", "p_value"]

NOT_ESTIMABLE = "not estimable"


def estimable(value: object) -> bool:
    """Whether ``value`` is a finite number."""
    if value is None or isinstance(value, bool):
        return False
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return math.isfinite(number)


def number(value: object, digits: int = 2) -> str:
    """``value`` with ``digits`` decimals, or "not estimable"."""
    if not estimable(value):
        return NOT_ESTIMABLE
    return f"{float(value):.{digits}f}"  # type: ignore[arg-type]


def interval(lower: object, upper: object, digits: int = 2) -> str:
    """ "(lower to upper)", or "(not estimable)" when either limit is not a finite number."""
    if not (estimable(lower) and estimable(upper)):
        return f"({NOT_ESTIMABLE})"
    return f"({number(lower, digits)} to {number(upper, digits)})"


def p_value(value: object) -> str:
    """A p-value: three decimals, "<0.001" below that, or "not estimable"."""
    if not estimable(value):
        return NOT_ESTIMABLE
    p = float(value)  # type: ignore[arg-type]
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def count_percent(count: object, percent: object) -> str:
    """ "n (x.x%)"; the percentage is left out when it is not estimable (no denominator)."""
    if not estimable(count):
        return NOT_ESTIMABLE
    n = int(float(count))  # type: ignore[arg-type]
    return f"{n} ({float(percent):.1f}%)" if estimable(percent) else f"{n}"  # type: ignore[arg-type]
