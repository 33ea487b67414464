"""Which liver score can be derived from the values at a visit, and its value: pure.

The formulas are those of :mod:`hepatrial.clinical.scores`; this module only says which measure
code feeds which argument, and derives a score when every input the protocol lists for it
(``measures.scores[].inputs``) is present at the visit. MELD 3.0 also needs the participant's sex
(and uses the age at the visit). Values are in the catalogue's canonical units.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from hepatrial.clinical.scores import (
    ASCITES,
    ENCEPHALOPATHY,
    albi,
    child_pugh,
    meld,
    meld_3,
    meld_na,
)
from hepatrial.errors import InputError
from hepatrial.protocol import Protocol

__all__ = ["DERIVABLE", "ScoreValue", "age_in_years", "derive_score"]


@dataclass(frozen=True, slots=True)
class ScoreValue:
    """A derived score: value, grade or class (``""`` if none), formula version, and details."""

    code: str
    value: float
    grade: str
    formula: str
    details: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class _Person:
    """What a score may need about the participant: sex (True if female) and age at the visit."""

    female: bool | None
    age: int | None


def age_in_years(birth_date: date, on: date) -> int:
    """Completed years of age on ``on``."""
    before_birthday = (on.month, on.day) < (birth_date.month, birth_date.day)
    return on.year - birth_date.year - before_birthday


def _grade(protocol: Protocol, code: str, grade: str, scale: tuple[str, ...]) -> str:
    # The protocol lists grades from best to worst, as Child-Pugh scores them 1, 2 and 3.
    measure = next(m for m in protocol.measures.clinical if m.code == code)
    codes = [g.code for g in measure.grades]
    if len(codes) != len(scale) or grade not in codes:
        raise InputError(
            field=code, expected=f"one of {', '.join(codes)} (Child-Pugh grades)", received=grade
        )
    return scale[codes.index(grade)]


def _meld(v: Mapping[str, Any], p: Protocol, person: _Person) -> ScoreValue:
    result = meld(bilirubin=v["BILI"], creatinine=v["CREAT"], inr=v["INR"], dialysis=v["DIALYSIS"])
    return ScoreValue("MELD", result.score, "", result.formula, result.to_dict())


def _meld_na(v: Mapping[str, Any], p: Protocol, person: _Person) -> ScoreValue:
    result = meld_na(
        bilirubin=v["BILI"],
        creatinine=v["CREAT"],
        inr=v["INR"],
        sodium=v["SODIUM"],
        dialysis=v["DIALYSIS"],
    )
    return ScoreValue("MELD_NA", result.score, "", result.formula, result.to_dict())


def _meld_3(v: Mapping[str, Any], p: Protocol, person: _Person) -> ScoreValue | None:
    if person.female is None:
        return None
    result = meld_3(
        bilirubin=v["BILI"],
        creatinine=v["CREAT"],
        inr=v["INR"],
        sodium=v["SODIUM"],
        albumin=v["ALB"],
        female=person.female,
        age=person.age,
        dialysis=v["DIALYSIS"],
    )
    return ScoreValue("MELD3", result.score, "", result.formula, result.to_dict())


def _child_pugh(v: Mapping[str, Any], p: Protocol, person: _Person) -> ScoreValue:
    result = child_pugh(
        bilirubin=v["BILI"],
        albumin=v["ALB"],
        inr=v["INR"],
        ascites=_grade(p, "ASCITES_GRADE", v["ASCITES_GRADE"], ASCITES),  # type: ignore[arg-type]
        encephalopathy=_grade(p, "HE_GRADE", v["HE_GRADE"], ENCEPHALOPATHY),  # type: ignore[arg-type]
    )
    return ScoreValue("CHILD_PUGH", result.points, result.cls, result.table, result.to_dict())


def _albi(v: Mapping[str, Any], p: Protocol, person: _Person) -> ScoreValue:
    result = albi(bilirubin=v["BILI"], albumin=v["ALB"])
    return ScoreValue("ALBI", result.score, str(result.grade), result.formula, result.to_dict())


_Rule = Callable[[Mapping[str, Any], Protocol, _Person], ScoreValue | None]

# Score codes of the protocol this EDC can derive, with the measure codes each formula reads.
_RULES: Mapping[str, tuple[tuple[str, ...], _Rule]] = {
    "MELD": (("BILI", "CREAT", "INR", "DIALYSIS"), _meld),
    "MELD_NA": (("BILI", "CREAT", "INR", "SODIUM", "DIALYSIS"), _meld_na),
    "MELD3": (("BILI", "CREAT", "INR", "SODIUM", "ALB", "DIALYSIS"), _meld_3),
    "CHILD_PUGH": (("BILI", "ALB", "INR", "ASCITES_GRADE", "HE_GRADE"), _child_pugh),
    "ALBI": (("BILI", "ALB"), _albi),
}
DERIVABLE = frozenset(_RULES)


def derive_score(
    protocol: Protocol,
    code: str,
    values: Mapping[str, Any],
    *,
    female: bool | None = None,
    age: int | None = None,
) -> ScoreValue | None:
    """Score ``code`` from ``values`` (measure code → canonical value, grade code or flag), or
    None while an input the protocol or the formula needs is missing, or for a score this EDC
    does not derive."""
    if code not in _RULES:
        return None
    reads, rule = _RULES[code]
    listed = next(s.inputs for s in protocol.measures.scores if s.code == code)
    if any(values.get(name) is None for name in (*listed, *reads)):
        return None
    return rule(values, protocol, _Person(female=female, age=age))
