"""Shared machinery of the batched tests: checking (replicates × participants) arrays and the
per-row sorted risk sets with ties grouped.

Every batched kernel takes one row per simulated trial. Sorting each row by time once turns the
risk set at a distinct time into a suffix of the row, so numbers at risk and events per tie group
come from cumulative sums instead of a loop over rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hepatrial.errors import InputError

__all__ = ["SortedRows", "check_rows", "padded_cumsum", "sort_rows"]


def _as_2d(values: Any, field: str) -> NDArray[Any]:
    array = np.asarray(values)
    if array.ndim != 2 or array.shape[1] == 0:
        raise InputError(
            field=field,
            expected="a 2-D array (replicates × participants) with at least one column",
            received=f"shape {array.shape}",
        )
    return array


def check_rows(
    time: Any, event: Any, group: Any
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Validate times (finite, ≥ 0), events (0/1) and groups (0 = reference, 1 = other) of one
    shape; return them as float arrays."""
    t = _as_2d(time, "time").astype(np.float64)
    shape = t.shape
    arrays = [t]
    for name, raw in (("event", event), ("group", group)):
        values = _as_2d(raw, name)
        if values.shape != shape:
            raise InputError(
                field=name, expected=f"shape {shape}", received=f"shape {values.shape}"
            )
        as_float = values.astype(np.float64)
        if not np.isin(as_float, (0.0, 1.0)).all():
            raise InputError(field=name, expected="only 0 and 1", received="other values")
        arrays.append(as_float)
    if not (np.isfinite(t).all() and (t >= 0).all()):
        raise InputError(field="time", expected="finite times ≥ 0", received="a negative or NaN")
    return arrays[0], arrays[1], arrays[2]


def padded_cumsum(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Row-wise cumulative sums with a leading zero: ``out[:, k]`` is the sum of the first k."""
    out = np.zeros((values.shape[0], values.shape[1] + 1))
    np.cumsum(values, axis=1, out=out[:, 1:])
    return out


@dataclass(frozen=True, slots=True)
class SortedRows:
    """Rows sorted by time. ``start``/``end`` are the first/last position of each position's tie
    group, and ``last`` marks the last position of a group, where per-time sums are read."""

    time: NDArray[np.float64]
    event: NDArray[np.float64]
    group: NDArray[np.float64]
    start: NDArray[np.intp]
    end: NDArray[np.intp]
    last: NDArray[np.bool_]

    @property
    def n(self) -> int:
        return int(self.time.shape[1])

    def at_start(self, cumulative: NDArray[np.float64]) -> NDArray[np.float64]:
        """Read a padded cumulative sum at each position's tie-group start."""
        return np.take_along_axis(cumulative, self.start, axis=1)

    def group_sum(self, values: NDArray[np.float64]) -> NDArray[np.float64]:
        """Sum of ``values`` over each position's tie group so far (the whole group at ``last``)."""
        cumulative = padded_cumsum(values)
        return cumulative[:, 1:] - self.at_start(cumulative)

    def suffix_count(self, members: NDArray[np.float64]) -> NDArray[np.float64]:
        """How many ``members`` are at risk (time ≥ the position's time) at each position."""
        cumulative = padded_cumsum(members)
        return cumulative[:, -1:] - self.at_start(cumulative)


def sort_rows(
    time: NDArray[np.float64], event: NDArray[np.float64], group: NDArray[np.float64]
) -> SortedRows:
    """Sort every row by time and mark its tie groups."""
    order = np.argsort(time, axis=1, kind="stable")
    t = np.take_along_axis(time, order, axis=1)
    rows, n = t.shape
    positions = np.broadcast_to(np.arange(n), (rows, n))
    new = np.ones((rows, n), dtype=bool)
    new[:, 1:] = t[:, 1:] != t[:, :-1]
    last = np.ones((rows, n), dtype=bool)
    last[:, :-1] = new[:, 1:]
    start = np.maximum.accumulate(np.where(new, positions, 0), axis=1)
    end = np.minimum.accumulate(np.where(last, positions, n)[:, ::-1], axis=1)[:, ::-1]
    return SortedRows(
        time=t,
        event=np.take_along_axis(event, order, axis=1),
        group=np.take_along_axis(group, order, axis=1),
        start=start.astype(np.intp),
        end=np.ascontiguousarray(end).astype(np.intp),
        last=last,
    )
