"""RS rows: the liver scores of each visit, derived as the EDC derives them (vectorized).

The formulas are those of :mod:`hepatrial.clinical.scores` (MELD: Kamath 2001 / OPTN 9.1.D;
MELD-Na: OPTN 2016; MELD 3.0: Kim 2021; Child-Pugh: Pugh 1973; ALBI: Johnson 2015), from the
standardized labs, the clinical assessment, sex and age at the visit. Test codes, names and
categories are those of the EDC's RS domain.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from hepatrial.clinical import (
    albi,
    child_pugh,
    compute_albi,
    compute_child_pugh,
    compute_meld,
    compute_meld_3,
    compute_meld_na,
)
from hepatrial.clinical.scores import MELD_3_FORMULA, MELD_FORMULA, MELD_NA_FORMULA
from hepatrial.protocol import Protocol

__all__ = ["score_rows"]

# Formula names stored with each score (RSMETHOD), taken from the clinical results themselves.
_CHILD_PUGH_TABLE = child_pugh(
    bilirubin=20.0, albumin=40.0, inr=1.0, ascites="none", encephalopathy="none"
).table
_ALBI_FORMULA = albi(bilirubin=20.0, albumin=40.0).formula


def _points(protocol: Protocol, code: str, grades: Sequence[str]) -> np.ndarray[Any, Any]:
    """Child-Pugh points (1-3) of protocol grade codes: their order in the protocol, best first."""
    measure = next(m for m in protocol.measures.clinical if m.code == code)
    order = {g.code: i + 1 for i, g in enumerate(measure.grades)}
    return np.array([order[g] for g in grades], dtype=np.int64)


def _text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(round(value, 3))


def score_rows(
    scored: Sequence[dict[str, Any]], protocol: Protocol
) -> tuple[dict[str, list[Any]], int]:
    """RS columns for the visits in ``scored`` (each: identifiers, ``std`` labs, assessment,
    ``female`` and ``age``), and their number of rows."""
    if not scored:
        return {}, 0
    lab = {
        code: np.array([s["std"][code] for s in scored])
        for code in ("BILI", "CREAT", "INR", "SODIUM", "ALB")
    }
    dialysis = np.array([bool(s["assessment"].dialysis) for s in scored])
    female = np.array([s["female"] for s in scored])
    age = np.array([float(s["age"]) for s in scored])
    base = {"bilirubin": lab["BILI"], "creatinine": lab["CREAT"], "inr": lab["INR"]}
    base["dialysis"] = dialysis
    meld = compute_meld(**base)
    meld_na = compute_meld_na(**base, sodium=lab["SODIUM"])
    meld3 = compute_meld_3(**base, sodium=lab["SODIUM"], albumin=lab["ALB"], female=female, age=age)
    cp = compute_child_pugh(
        bilirubin=lab["BILI"],
        albumin=lab["ALB"],
        inr=lab["INR"],
        ascites=_points(protocol, "ASCITES_GRADE", [s["assessment"].ascites_grade for s in scored]),
        encephalopathy=_points(protocol, "HE_GRADE", [s["assessment"].he_grade for s in scored]),
    )
    al = compute_albi(bilirubin=lab["BILI"], albumin=lab["ALB"])
    wanted = {s.code for s in protocol.measures.scores}
    tests: list[tuple[str, str, str, str, str, Any, Any]] = []
    if "MELD" in wanted:
        tests.append(("MELD", "MELD", "MELD Score", "MELD", MELD_FORMULA, meld, None))
    if "MELD_NA" in wanted:
        tests.append(("MELD_NA", "MELDNA", "MELD-Na Score", "MELD", MELD_NA_FORMULA, meld_na, None))
    if "MELD3" in wanted:
        tests.append(("MELD3", "MELD3", "MELD 3.0 Score", "MELD", MELD_3_FORMULA, meld3, None))
    if "CHILD_PUGH" in wanted:
        tests.append(
            (
                "CHILD_PUGH",
                "CPSCORE",
                "Child-Pugh Score",
                "CHILD-PUGH CLASSIFICATION",
                _CHILD_PUGH_TABLE,
                cp.points,
                cp.cls,
            )
        )
    if "ALBI" in wanted:
        tests.append(("ALBI", "ALBI", "ALBI Score", "ALBI", _ALBI_FORMULA, al.score, al.grade))
    columns: dict[str, list[Any]] = {
        name: []
        for name in (
            "USUBJID",
            "RSTESTCD",
            "RSTEST",
            "RSCAT",
            "RSORRES",
            "RSSTRESC",
            "RSSTRESN",
            "RSMETHOD",
            "VISITNUM",
            "VISIT",
            "RSDTC",
            "RSDY",
        )
    }
    for k, s in enumerate(scored):
        for code, testcd, test, cat, formula, values, grades in tests:
            value = float(values[k])
            rows: list[tuple[str, str, str, float | None]] = [(testcd, test, _text(value), value)]
            if grades is not None:
                grade = str(grades[k])
                grade_cd = "CPCLASS" if code == "CHILD_PUGH" else f"{testcd}GR"[:8]
                grade_test = "Child-Pugh Class" if code == "CHILD_PUGH" else f"{test[:-6]} Grade"
                rows.append((grade_cd, grade_test, grade, None))
            for row_cd, row_test, text, number in rows:
                columns["USUBJID"].append(s["USUBJID"])
                columns["RSTESTCD"].append(row_cd)
                columns["RSTEST"].append(row_test)
                columns["RSCAT"].append(cat)
                columns["RSORRES"].append(text)
                columns["RSSTRESC"].append(text)
                columns["RSSTRESN"].append(number)
                columns["RSMETHOD"].append(formula)
                for name in ("VISITNUM", "VISIT", "RSDTC", "RSDY"):
                    columns[name].append(s[name])
    return columns, len(columns["USUBJID"])
