"""Shared checking of survival inputs: follow-up times, event indicators and group labels.

Every survival method of :mod:`hepatrial.stats` takes its data as plain arrays (lists, numpy arrays
or pandas Series) so that a statistician can call it from a notebook on any table. The checks here
turn those into validated numpy arrays, or raise :class:`~hepatrial.errors.InputError` naming the
argument, what was expected and what was received.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from hepatrial.errors import InputError

__all__ = [
    "ArrayLike",
    "Groups",
    "check_conf_level",
    "check_groups",
    "check_time_event",
    "format_time",
]

ArrayLike: TypeAlias = "Sequence[Any] | NDArray[Any] | pd.Series[Any]"


@dataclass(frozen=True, slots=True)
class Groups:
    """Group labels coded ``0 .. k-1``; ``labels`` are sorted as R sorts factor levels."""

    codes: NDArray[np.intp]
    labels: tuple[str, ...]


def _as_1d(values: ArrayLike, field: str) -> NDArray[Any]:
    array = np.asarray(values)
    if array.ndim != 1:
        raise InputError(
            field=field, expected="a one-dimensional array", received=f"shape {array.shape}"
        )
    return array


def check_time_event(
    time: ArrayLike, event: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Validate follow-up times (finite, ≥ 0) and event indicators (0/1 or bool) of equal length."""
    time_raw = _as_1d(time, "time")
    event_raw = _as_1d(event, "event")
    if time_raw.size == 0:
        raise InputError(field="time", expected="at least one participant", received="no values")
    if event_raw.size != time_raw.size:
        raise InputError(
            field="event",
            expected=f"{time_raw.size} values (one per time)",
            received=f"{event_raw.size} values",
        )
    try:
        time_f = time_raw.astype(np.float64)
    except (TypeError, ValueError):
        raise InputError(
            field="time", expected="numbers", received=f"values of type {time_raw.dtype}"
        ) from None
    bad = ~np.isfinite(time_f) | (time_f < 0)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise InputError(
            field=f"time[{first}]", expected="a finite time ≥ 0", received=float(time_f[first])
        )
    try:
        event_f = event_raw.astype(np.float64)
    except (TypeError, ValueError):
        raise InputError(
            field="event",
            expected="0/1 or True/False",
            received=f"values of type {event_raw.dtype}",
        ) from None
    bad = ~np.isin(event_f, (0.0, 1.0))
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise InputError(
            field=f"event[{first}]",
            expected="0 (censored) or 1 (event)",
            received=event_raw[first].item(),
        )
    return time_f, event_f == 1.0


def check_groups(group: ArrayLike, n: int, field: str = "group") -> Groups:
    """Validate one label per participant (no missing label) and code the labels ``0 .. k-1``."""
    raw = _as_1d(group, field)
    if raw.size != n:
        raise InputError(
            field=field, expected=f"{n} labels (one per time)", received=f"{raw.size} labels"
        )
    missing = pd.isna(raw)
    if missing.any():
        first = int(np.flatnonzero(missing)[0])
        raise InputError(field=f"{field}[{first}]", expected="a label", received=raw[first])
    try:
        levels, codes = np.unique(raw, return_inverse=True)
    except TypeError:
        raise InputError(
            field=field, expected="labels of one type", received="a mix of types"
        ) from None
    labels = tuple(
        str(level.item() if isinstance(level, np.generic) else level) for level in levels
    )
    return Groups(codes=codes.astype(np.intp).reshape(-1), labels=labels)


def check_conf_level(conf_level: float) -> float:
    """Validate a confidence level strictly between 0 and 1."""
    if not isinstance(conf_level, int | float) or not 0.0 < float(conf_level) < 1.0:
        raise InputError(
            field="conf_level", expected="a number strictly between 0 and 1", received=conf_level
        )
    return float(conf_level)


def format_time(value: float) -> str:
    """A time for a note: integers without a decimal point, as follow-up days usually are."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
