"""The results bundle: every planned analysis, its notes and the provenance, as stable JSON."""

from __future__ import annotations

import dataclasses
import json
import math
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from hepatrial.analysis.describe import Descriptives

__all__ = ["RESULTS_FILE", "MethodResult", "Provenance", "ResultsBundle"]

RESULTS_FILE = "results.json"


@dataclass(frozen=True, slots=True)
class Provenance:
    """What the results were computed from: data cut, protocol, software and input hash.

    ``input_sha256`` is the SHA-256 over each domain's code and canonical CSV bytes, domains in
    sorted order; ``domain_sha256`` holds each domain's own hash. ``seed`` is the seed of the random
    generator used by any Monte Carlo method.
    """

    cutoff: date
    protocol_version: str
    registry_id: str
    software_version: str
    input_sha256: str
    domain_sha256: Mapping[str, str]
    seed: int


@dataclass(frozen=True, slots=True, eq=False)
class MethodResult:
    """One planned method run on one parameter of one outcome.

    ``result`` is the stats result object (or a mapping of them), ``None`` when the method could not
    run; ``notes`` then say why. ``parameter`` is the ADaM PARAMCD the method was run on.
    """

    outcome: str
    method: str
    role: str
    parameter: str
    result: object
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True, eq=False)
class ResultsBundle:
    """The results of the protocol's analysis plan on one data cut.

    ``groups`` maps each arm code to the group label used in the results; in a masked bundle it is
    empty (the key is withheld) and the labels are "Group A", "Group B". ``descriptives`` holds
    what the report shows beside the analyses (CONSORT, Table 1, trajectories, safety, quality).
    """

    masked: bool
    groups: Mapping[str, str]
    provenance: Provenance
    results: tuple[MethodResult, ...]
    descriptives: Descriptives | None = None

    def find(self, outcome: str, method: str, parameter: str | None = None) -> MethodResult:
        """The result of ``method`` for ``outcome`` (and ``parameter``, if several were run)."""
        for item in self.results:
            same = item.outcome == outcome and item.method == method
            if same and (parameter is None or item.parameter == parameter):
                return item
        raise KeyError((outcome, method, parameter))

    def to_dict(self) -> dict[str, object]:
        """Plain JSON types: NaN and infinities become ``None`` and a note names the fields."""
        prov = self.provenance
        return {
            "masked": self.masked,
            "groups": None if self.masked else dict(self.groups),
            "provenance": {
                "cutoff": prov.cutoff.isoformat(),
                "protocol_version": prov.protocol_version,
                "registry_id": prov.registry_id,
                "software_version": prov.software_version,
                "input_sha256": prov.input_sha256,
                "domain_sha256": dict(prov.domain_sha256),
                "seed": prov.seed,
            },
            "results": [_method_dict(item) for item in self.results],
            "descriptives": _descriptives_dict(self.descriptives),
        }

    def to_json(self) -> str:
        """Stable JSON text: sorted keys, two-space indent, no NaN."""
        return json.dumps(self.to_dict(), sort_keys=True, indent=2, allow_nan=False) + "\n"

    def write(self, directory: str | Path) -> Path:
        """Write ``results.json`` into ``directory`` atomically (a temporary file, then rename)."""
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / RESULTS_FILE
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".results-", suffix=".json")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(self.to_json())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return target


def _method_dict(item: MethodResult) -> dict[str, object]:
    missing: list[str] = []
    value = _plain(item.result, "result", missing)
    notes = list(item.notes)
    if missing:
        notes.append("not estimable (null): " + ", ".join(sorted(set(missing))))
    return {
        "outcome": item.outcome,
        "method": item.method,
        "role": item.role,
        "parameter": item.parameter,
        "result": value,
        "notes": notes,
    }


def _descriptives_dict(descriptives: Descriptives | None) -> dict[str, object] | None:
    if descriptives is None:
        return None
    missing: list[str] = []
    value = cast("dict[str, object]", _plain(descriptives, "descriptives", missing))
    value["notes"] = list(descriptives.notes)
    return value


def _plain(value: object, path: str, missing: list[str]) -> object:
    """JSON types for a result; the path of every NaN is added to ``missing``."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        if math.isfinite(number):
            return number
        missing.append(path)
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, np.ndarray):
        return [_plain(v, path, missing) for v in value.tolist()]
    if isinstance(value, pd.DataFrame):
        return [
            {str(k): _plain(v, f"{path}.{k}", missing) for k, v in row.items()}
            for row in value.astype(object).to_dict("records")
        ]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _plain(getattr(value, f.name), f"{path}.{f.name}", missing)
            for f in dataclasses.fields(value)
            if f.name != "notes"
        }
    if isinstance(value, Mapping):
        return {str(k): _plain(v, f"{path}.{k}", missing) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v, path, missing) for v in value]
    if value is pd.NA:
        missing.append(path)
        return None
    return str(value)
