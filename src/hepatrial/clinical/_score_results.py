"""The result objects of the liver scores: frozen, and able to describe themselves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from hepatrial.clinical.units import denoise

__all__ = [
    "AlbiArrays",
    "AlbiResult",
    "ChildPughArrays",
    "ChildPughResult",
    "MeldResult",
    "UsedInput",
]


@dataclass(frozen=True, slots=True)
class UsedInput:
    """One input of a score: as received and as the formula used it, both in ``unit``.

    ``unit`` is the formula's unit (mg/dL for MELD bilirubin, for instance), so ``received`` is
    the canonical value converted to it. ``reason`` says which rule made ``used`` differ from
    ``received`` (or, for dialysis, set it whatever it was); it is None when no rule applied.
    """

    field: str
    received: float
    used: float
    unit: str
    reason: str | None = None

    def __post_init__(self) -> None:
        # Both are unit conversions of canonical values; drop their floating-point noise as
        # every conversion does (units.denoise), so 97.24 umol/L reads as 1.1 mg/dL, not
        # 1.0999999999999999. The score itself is computed before this, on the full value.
        object.__setattr__(self, "received", denoise(self.received))
        object.__setattr__(self, "used", denoise(self.used))

    def to_dict(self) -> dict[str, object]:
        return {
            "field": self.field,
            "received": self.received,
            "used": self.used,
            "unit": self.unit,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class MeldResult:
    """A MELD, MELD-Na or MELD 3.0 score and how it was reached.

    ``formula`` names the version (e.g. ``"MELD-Na (OPTN 2016)"``), ``raw`` is the value before
    the final rounding, ``meld_i`` the integer MELD(i) for MELD and MELD-Na (None for MELD 3.0),
    ``notes`` any rule that applied to the score as a whole (the MELD-Na gate, the adolescent rule).
    """

    score: int
    formula: str
    inputs: tuple[UsedInput, ...]
    raw: float
    meld_i: int | None = None
    notes: tuple[str, ...] = ()

    @property
    def adjustments(self) -> tuple[UsedInput, ...]:
        """The inputs that a bound or rule changed (or set), each with its reason."""
        return tuple(i for i in self.inputs if i.reason is not None)

    def input(self, field: str) -> UsedInput:
        """The input named ``field`` (e.g. ``"creatinine"``)."""
        for used in self.inputs:
            if used.field == field:
                return used
        raise KeyError(field)

    def to_dict(self) -> dict[str, object]:
        return {
            "score": self.score,
            "formula": self.formula,
            "raw": self.raw,
            "meld_i": self.meld_i,
            "inputs": [i.to_dict() for i in self.inputs],
            "notes": list(self.notes),
        }

    def __str__(self) -> str:
        details = [i.reason for i in self.inputs if i.reason is not None] + list(self.notes)
        return f"{self.formula}: {self.score}" + (f" ({'; '.join(details)})" if details else "")


@dataclass(frozen=True, slots=True)
class ChildPughResult:
    """A Child-Pugh score: total points (5–15), class, the points of each component.

    ``coagulation`` says whether INR or PT prolongation was scored; ``table`` names the table
    version (standard or cholestatic bilirubin bands, with the µmol/L cut-offs used); ``inputs``
    are the values as compared, at the lab's reporting precision.
    """

    points: int
    cls: Literal["A", "B", "C"]
    bilirubin_points: int
    albumin_points: int
    coagulation_points: int
    ascites_points: int
    encephalopathy_points: int
    coagulation: Literal["INR", "PT"]
    table: str
    inputs: tuple[UsedInput, ...]
    notes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The usual way to write the result, e.g. ``"Child-Pugh B (8)"``."""
        return f"Child-Pugh {self.cls} ({self.points})"

    def to_dict(self) -> dict[str, object]:
        return {
            "points": self.points,
            "class": self.cls,
            "components": {
                "bilirubin": self.bilirubin_points,
                "albumin": self.albumin_points,
                "coagulation": self.coagulation_points,
                "ascites": self.ascites_points,
                "encephalopathy": self.encephalopathy_points,
            },
            "coagulation": self.coagulation,
            "table": self.table,
            "inputs": [i.to_dict() for i in self.inputs],
            "notes": list(self.notes),
        }

    def __str__(self) -> str:
        notes = "".join(f"; {note}" for note in self.notes)
        return f"{self.label} [{self.table}{notes}]"


@dataclass(frozen=True, slots=True)
class AlbiResult:
    """An ALBI score (unrounded) and its grade 1–3."""

    score: float
    grade: Literal[1, 2, 3]
    formula: str = "ALBI (Johnson 2015)"

    def to_dict(self) -> dict[str, object]:
        return {"score": self.score, "grade": self.grade, "formula": self.formula}

    def __str__(self) -> str:
        return f"{self.formula}: {self.score:.3f}, grade {self.grade}"


@dataclass(frozen=True, slots=True)
class ChildPughArrays:
    """Child-Pugh for many panels: total points, class (``"A"``/``"B"``/``"C"``), components."""

    points: NDArray[np.int64]
    cls: NDArray[np.str_]
    bilirubin_points: NDArray[np.int64]
    albumin_points: NDArray[np.int64]
    coagulation_points: NDArray[np.int64]
    ascites_points: NDArray[np.int64]
    encephalopathy_points: NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class AlbiArrays:
    """ALBI for many panels: unrounded scores and grades 1–3."""

    score: NDArray[np.float64]
    grade: NDArray[np.int64]
