"""Building, checking, reading and writing tabulations as pandas DataFrames."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from hepatrial.errors import InputError
from hepatrial.tabulate.domains import DOMAINS, domain

__all__ = ["Tabulations", "tabulation"]

_DTYPES = {"text": "string", "date": "string", "number": "Float64", "integer": "Int64"}


def tabulation(code: str, records: Iterable[Mapping[str, Any]], *, studyid: str) -> pd.DataFrame:
    """One domain as a DataFrame: its variables in order, typed, sorted by its keys, with
    ``STUDYID``, ``DOMAIN`` and ``--SEQ`` (1.. per subject) filled in.

    A record with a variable the domain does not have, or without a required value, is an
    :class:`~hepatrial.errors.InputError` naming the domain, the row and the variable.
    """
    spec = domain(code)
    rows = []
    seq = f"{code}SEQ"
    for index, record in enumerate(records):
        unknown = set(record) - set(spec.names)
        if unknown:
            raise InputError(
                field=f"{code}[{index}]", expected=f"variables of {code}", received=sorted(unknown)
            )
        rows.append({"STUDYID": studyid, "DOMAIN": code, **record})
    frame = pd.DataFrame(rows, columns=list(spec.names))
    for variable in spec.variables:
        frame[variable.name] = frame[variable.name].astype(_DTYPES[variable.kind])
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


@dataclass(frozen=True)
class Tabulations:
    """A set of domains, keyed by code. The seam between capture and analysis."""

    studyid: str
    domains: Mapping[str, pd.DataFrame] = field(default_factory=dict)

    def __getitem__(self, code: str) -> pd.DataFrame:
        return self.domains[code]

    def write_csv(self, directory: str | Path) -> list[Path]:
        """One ``<domain>.csv`` per domain (lower-case, as SDTM file names are)."""
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        for code, frame in self.domains.items():
            path = out / f"{code.lower()}.csv"
            frame.to_csv(path, index=False)
            paths.append(path)
        return paths

    @classmethod
    def read_csv(cls, directory: str | Path) -> Tabulations:
        folder = Path(directory)
        frames: dict[str, pd.DataFrame] = {}
        for code, spec in DOMAINS.items():
            path = folder / f"{code.lower()}.csv"
            if not path.exists():
                continue
            raw = pd.read_csv(path, dtype=str, keep_default_na=False)
            missing = [n for n in spec.names if n not in raw.columns]
            if missing:
                raise InputError(
                    field=str(path),
                    expected=f"columns {', '.join(spec.names)}",
                    received=f"missing {missing}",
                )
            frame = raw[list(spec.names)].replace("", pd.NA)
            for variable in spec.variables:
                kind = variable.kind
                column = frame[variable.name]
                frame[variable.name] = (
                    _numbers(column, kind)
                    if kind in ("number", "integer")
                    else column.astype("string")
                )
            frames[code] = frame
        studyid = next((str(f["STUDYID"].iloc[0]) for f in frames.values() if len(f)), "")
        return cls(studyid=studyid, domains=frames)


def _numbers(column: pd.Series, kind: str) -> pd.Series:
    """Text to numbers, exactly as written: pandas' fast parser may change the last digit of a
    17-digit float, and the input hash of the analysis must not depend on a CSV round trip."""
    parse = float if kind == "number" else _integer
    values = [pd.NA if pd.isna(text) else parse(str(text)) for text in column]
    return pd.Series(pd.array(values, dtype=_DTYPES[kind]), index=column.index, name=column.name)


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        value = float(text)  # "3.0", as a spreadsheet may write it
        if not value.is_integer():
            raise
        return int(value)
