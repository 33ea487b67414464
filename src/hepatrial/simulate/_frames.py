"""Column-wise construction of a tabulation domain, for large simulated cohorts.

:func:`hepatrial.tabulate.tabulation` builds a domain from one mapping per record; with millions
of lab rows that costs more than the simulation itself. :func:`domain_frame` gives the same frame
(variables in order, typed, sorted by the domain's keys, ``--SEQ`` numbered per subject, required
values checked) from columns; a test checks the two agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

import pandas as pd

from hepatrial.errors import InputError
from hepatrial.tabulate import domain

__all__ = ["Columns", "domain_frame"]

_DTYPES = {"text": "string", "date": "string", "number": "Float64", "integer": "Int64"}


class Columns:
    """Rows of one domain collected as columns; ``add`` takes one row's values by name."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.names = [v for v in domain(code).names if v not in ("STUDYID", "DOMAIN")]
        self.names = [v for v in self.names if v != f"{code}SEQ"]
        self.data: dict[str, list[Any]] = {name: [] for name in self.names}
        self.rows = 0

    def add(self, **values: Any) -> None:
        # Columns not given in a row are padded with None when a later value or the frame
        # needs them, so a row costs only the values it has.
        for name, value in values.items():
            column = self.data.get(name)
            if column is None:
                raise InputError(
                    field=f"{self.code}.{name}",
                    expected=f"a variable of {self.code}",
                    received=name,
                )
            if len(column) < self.rows:
                column.extend([None] * (self.rows - len(column)))
            column.append(value)
        self.rows += 1

    def extend(self, values: Mapping[str, Sequence[Any]], length: int) -> None:
        self.padded()
        for name, column in self.data.items():
            given = values.get(name)
            column.extend(given if given is not None else [None] * length)
        self.rows += length

    def padded(self) -> dict[str, list[Any]]:
        for column in self.data.values():
            if len(column) < self.rows:
                column.extend([None] * (self.rows - len(column)))
        return self.data


def domain_frame(columns: Columns, *, studyid: str) -> pd.DataFrame:
    """The domain's frame from ``columns``, as :func:`hepatrial.tabulate.tabulation` builds it."""
    code = columns.code
    spec = domain(code)
    length = columns.rows
    frame = pd.DataFrame(columns.padded(), columns=columns.names)
    frame.insert(0, "STUDYID", [studyid] * length)
    frame.insert(1, "DOMAIN", [code] * length)
    frame = frame.reindex(columns=list(spec.names))
    for variable in spec.variables:
        frame[variable.name] = frame[variable.name].astype(cast(Any, _DTYPES[variable.kind]))
    seq = f"{code}SEQ"
    if len(frame):
        frame = frame.sort_values(list(spec.keys), kind="stable", na_position="last")
        if seq in frame.columns:
            frame[seq] = frame.groupby("USUBJID").cumcount().add(1).astype("Int64")
    frame = frame.reset_index(drop=True)
    for variable in spec.variables:
        if variable.required and frame[variable.name].isna().any():
            row = int(frame.index[frame[variable.name].isna()][0])
            raise InputError(
                field=f"{code}.{variable.name}[{row}]", expected="a value", received=None
            )
    return frame
