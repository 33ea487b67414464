"""What the trial measures: lab tests, clinical assessments, derived scores and clinical events.

Labs, clinical assessments and scores share one namespace of codes, because procedures and
outcomes refer to them by code alone. Lab codes are SDTM LBTESTCD values; whether the lab
catalogue knows them is checked in ``hepatrial.clinical``, which this package may not import.
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, model_validator

from hepatrial.protocol._base import (
    Code,
    Flag,
    Frozen,
    LabCode,
    Name,
    Problem,
    Text,
    duplicate_problems,
    one_of,
    problem,
    raise_problems,
)

__all__ = [
    "ClinicalEvent",
    "ClinicalMeasure",
    "Grade",
    "LabMeasure",
    "MeasureKind",
    "Measures",
    "Score",
]

MeasureKind = Literal["lab", "clinical", "score"]


class LabMeasure(Frozen):
    """A lab test, by its SDTM LBTESTCD; ``registered`` says whether the registration names it."""

    code: LabCode
    label: Text
    registered: Flag
    note: Text | None = None


class Grade(Frozen):
    """One grade of a graded clinical assessment, in order from best to worst."""

    code: Name
    label: Text


class ClinicalMeasure(Frozen):
    """A clinical assessment: graded (with ``grades``), a quantity (with a ``unit``) or yes/no."""

    code: Code
    label: Text
    type: Literal["grade", "quantity", "boolean"]
    registered: Flag
    grades: tuple[Grade, ...] = ()
    unit: Text | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _extras_fit_the_type(self) -> Self:
        problems: list[Problem] = []
        if self.type == "grade":
            if len(self.grades) < 2:
                problems.append(
                    problem(("grades",), "at least 2 grades for a graded assessment", None)
                    if not self.grades
                    else problem(("grades",), "at least 2 grades", [g.code for g in self.grades])
                )
            problems += duplicate_problems(self.grades, ("grades",))
            if self.unit is not None:
                problems.append(problem(("unit",), "no unit for a graded assessment", self.unit))
        else:
            if self.grades:
                grades = [g.code for g in self.grades]
                problems.append(problem(("grades",), f"no grades for a {self.type}", grades))
            if self.type == "quantity" and self.unit is None:
                problems.append(problem(("unit",), "a unit for a quantity", None))
            if self.type == "boolean" and self.unit is not None:
                problems.append(problem(("unit",), "no unit for a yes/no assessment", self.unit))
        raise_problems("ClinicalMeasure", problems)
        return self


class Score(Frozen):
    """A score derived from other measures (``inputs``: lab or clinical codes) at the same visit."""

    code: Code
    label: Text
    registered: Flag
    inputs: tuple[Code, ...] = Field(min_length=1)
    reference: Text
    note: Text | None = None


class ClinicalEvent(Frozen):
    """A kind of clinical event recorded whenever it happens (e.g. a decompensation)."""

    code: Code
    label: Text
    definition: Text


class Measures(Frozen):
    """The catalogue of everything measured, derived or recorded as an event."""

    labs: tuple[LabMeasure, ...] = ()
    clinical: tuple[ClinicalMeasure, ...] = ()
    scores: tuple[Score, ...] = ()
    events: tuple[ClinicalEvent, ...] = ()

    @model_validator(mode="after")
    def _codes_unique_and_inputs_declared(self) -> Self:
        problems: list[Problem] = []
        for name in ("labs", "clinical", "scores", "events"):
            problems += duplicate_problems(getattr(self, name), (name,))
        seen: dict[str, str] = {}
        for name, codes in (
            ("labs", [m.code for m in self.labs]),
            ("clinical", [m.code for m in self.clinical]),
            ("scores", [s.code for s in self.scores]),
        ):
            for index, code in enumerate(codes):
                owner = seen.setdefault(code, name)
                if owner != name:
                    problems.append(
                        problem(
                            (name, index, "code"),
                            f"a code not already used in measures.{owner}",
                            code,
                        )
                    )
        inputs = [m.code for m in self.labs] + [m.code for m in self.clinical]
        for index, score in enumerate(self.scores):
            problems += [
                problem(
                    ("scores", index, "inputs", position),
                    f"a declared lab or clinical measure (one of {one_of(inputs)})",
                    code,
                )
                for position, code in enumerate(score.inputs)
                if code not in inputs
            ]
        raise_problems("Measures", problems)
        return self

    def kind_of(self, code: str) -> MeasureKind | None:
        """Whether ``code`` is a lab, a clinical assessment or a score (None if undeclared)."""
        if any(m.code == code for m in self.labs):
            return "lab"
        if any(m.code == code for m in self.clinical):
            return "clinical"
        if any(s.code == code for s in self.scores):
            return "score"
        return None

    @property
    def codes(self) -> tuple[str, ...]:
        """Every lab, clinical and score code, in that order."""
        labs, clinical = [m.code for m in self.labs], [m.code for m in self.clinical]
        return (*labs, *clinical, *(s.code for s in self.scores))
