"""Scoring a whole table of lab panels without losing a row to one bad cell.

The input is a table as read from a CSV file: text columns named after the score arguments
(``bilirubin``, ``creatinine``, ``inr``, ``sodium``, ``albumin``, ``pt_prolongation``, ``sex``,
``age``, ``dialysis``, ``ascites``, ``encephalopathy``, ``cholestatic``) and optional unit columns
(``bilirubin_unit``, ...; blank or absent means the canonical unit). Each score is computed when
the table has the columns it needs. A cell that cannot be used leaves the scores that need it
blank on its row, and the row's error names the column, what was expected and what was received.
Every usable row goes through the vector path (``compute_*``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hepatrial.clinical.catalogue import lab_test
from hepatrial.clinical.scores import (
    ASCITES,
    ENCEPHALOPATHY,
    compute_albi,
    compute_child_pugh,
    compute_meld,
    compute_meld_3,
    compute_meld_na,
)
from hepatrial.clinical.units import denoise_array, normalize_unit
from hepatrial.errors import InputError, UnitError, describe

__all__ = ["PANEL_COLUMNS", "SCORE_COLUMNS", "ScoredPanels", "score_panels"]

_LAB_CODES = {
    "bilirubin": "BILI",
    "creatinine": "CREAT",
    "inr": "INR",
    "sodium": "SODIUM",
    "albumin": "ALB",
}
PANEL_COLUMNS = (
    *_LAB_CODES,
    "pt_prolongation",
    "sex",
    "age",
    "dialysis",
    "ascites",
    "encephalopathy",
    "cholestatic",
)
SCORE_COLUMNS = (
    "meld",
    "meld_na",
    "meld_3",
    "child_pugh",
    "child_pugh_class",
    "albi",
    "albi_grade",
)

_TRUE = ("true", "t", "yes", "y", "1")
_FALSE = ("false", "f", "no", "n", "0", "")
_SEX = {"f": True, "female": True, "m": False, "male": False}

Scores = dict[str, NDArray[np.float64] | NDArray[np.str_]]


@dataclass(frozen=True, slots=True)
class ScoredPanels:
    """Scores per row and each row's errors.

    Numeric scores are NaN and classes ``""`` where a row could not be scored. ``computed`` names
    the scores the table had the columns for. ``errors[i]`` is ``""`` for a clean row, else every
    problem of the row joined by ``"; "``.
    """

    computed: tuple[str, ...]
    scores: Mapping[str, NDArray[np.float64] | NDArray[np.str_]]
    errors: NDArray[np.str_]

    @property
    def rows_with_errors(self) -> int:
        return int(np.count_nonzero(self.errors != ""))


@dataclass(frozen=True, slots=True)
class _Column:
    """A parsed input column: values for the kernels, and each row's problem (``""`` if none)."""

    values: NDArray[np.generic]
    problems: NDArray[np.str_]

    @property
    def ok(self) -> NDArray[np.bool_]:
        return np.asarray(self.problems == "", dtype=np.bool_)


@dataclass(frozen=True, slots=True)
class _Rows:
    """The parsed columns restricted to the rows a score can use."""

    columns: Mapping[str, _Column]
    rows: NDArray[np.bool_]

    def get(self, name: str) -> NDArray[np.generic]:
        return self.columns[name].values[self.rows]

    def flag(self, name: str) -> NDArray[np.generic] | bool:
        return self.get(name) if name in self.columns else False


@dataclass(frozen=True, slots=True)
class _Score:
    name: str
    needs: tuple[str, ...]
    optional: tuple[str, ...]
    run: Callable[[_Rows], Mapping[str, NDArray[np.generic]]]


def _meld_labs(r: _Rows) -> dict[str, NDArray[np.generic]]:
    return {"bilirubin": r.get("bilirubin"), "creatinine": r.get("creatinine"), "inr": r.get("inr")}


def _child_pugh(r: _Rows) -> Mapping[str, NDArray[np.generic]]:
    coagulation = {name: r.get(name) for name in ("inr", "pt_prolongation") if name in r.columns}
    result = compute_child_pugh(
        bilirubin=r.get("bilirubin"),
        albumin=r.get("albumin"),
        ascites=r.get("ascites"),
        encephalopathy=r.get("encephalopathy"),
        cholestatic=r.flag("cholestatic"),
        **coagulation,
    )
    return {"child_pugh": result.points, "child_pugh_class": result.cls}


def _albi(r: _Rows) -> Mapping[str, NDArray[np.generic]]:
    result = compute_albi(bilirubin=r.get("bilirubin"), albumin=r.get("albumin"))
    return {"albi": result.score, "albi_grade": result.grade}


_SCORES = (
    _Score(
        "meld",
        ("bilirubin", "creatinine", "inr"),
        ("dialysis",),
        lambda r: {"meld": compute_meld(**_meld_labs(r), dialysis=r.flag("dialysis"))},
    ),
    _Score(
        "meld_na",
        ("bilirubin", "creatinine", "inr", "sodium"),
        ("dialysis",),
        lambda r: {
            "meld_na": compute_meld_na(
                **_meld_labs(r), sodium=r.get("sodium"), dialysis=r.flag("dialysis")
            )
        },
    ),
    _Score(
        "meld_3",
        ("bilirubin", "creatinine", "inr", "sodium", "albumin", "sex"),
        ("dialysis", "age"),
        lambda r: {
            "meld_3": compute_meld_3(
                **_meld_labs(r),
                sodium=r.get("sodium"),
                albumin=r.get("albumin"),
                female=r.get("sex"),
                age=r.get("age") if "age" in r.columns else None,
                dialysis=r.flag("dialysis"),
            )
        },
    ),
    _Score(
        "child_pugh",
        ("bilirubin", "albumin", "coagulation", "ascites", "encephalopathy"),
        ("cholestatic",),
        _child_pugh,
    ),
    _Score("albi", ("bilirubin", "albumin"), (), _albi),
)


def score_panels(table: Mapping[str, Sequence[str]]) -> ScoredPanels:
    """Score every row of ``table`` (text columns, as read from a CSV) that can be scored.

    Raises :class:`~hepatrial.errors.InputError` only for a problem with the table itself:
    columns of unequal length, or not one score whose columns are all present.
    """
    raw = {name: np.asarray(values, dtype=str) for name, values in table.items()}
    lengths = sorted({len(v) for v in raw.values()})
    if len(lengths) > 1:
        raise InputError(field="table", expected="columns of equal length", received=lengths)
    n = lengths[0] if lengths else 0
    columns = _parse(raw)
    planned = [s for s in _SCORES if set(s.needs) <= set(columns)]
    if not planned:
        raise InputError(
            field="columns",
            expected="the columns of at least one score (bilirubin, creatinine, inr for MELD)",
            received=", ".join(table) or "no columns",
        )

    scores: Scores = {}
    used: dict[str, None] = {}
    for score in planned:
        inputs = [c for c in (*score.needs, *score.optional) if c in columns]
        used.update(dict.fromkeys(inputs))
        rows = np.logical_and.reduce([columns[c].ok for c in inputs])
        for name, values in score.run(_Rows(columns, rows)).items():
            scores[name] = _scatter(values, rows, n)
    return ScoredPanels(
        computed=tuple(s.name for s in planned),
        scores=scores,
        errors=_row_errors([columns[c] for c in used], n),
    )


def _scatter(
    values: NDArray[np.generic], rows: NDArray[np.bool_], n: int
) -> NDArray[np.float64] | NDArray[np.str_]:
    if values.dtype.kind in "US":
        text = np.full(n, "", dtype=values.dtype)
        text[rows] = values
        return text
    numbers = np.full(n, np.nan)
    numbers[rows] = values
    return numbers


def _parse(raw: Mapping[str, NDArray[np.str_]]) -> dict[str, _Column]:
    columns: dict[str, _Column] = {}
    for name, code in _LAB_CODES.items():
        if name in raw:
            columns[name] = _lab(name, code, raw[name], raw.get(f"{name}_unit"))
    if "pt_prolongation" in raw:
        text = raw["pt_prolongation"]
        values = _floats(text)
        bad = ~np.isfinite(values)
        columns["pt_prolongation"] = _Column(
            values, _problems("pt_prolongation", bad, text, "a number of seconds above control")
        )
    if "age" in raw:
        columns["age"] = _age(raw["age"])
    for name in ("dialysis", "cholestatic"):
        if name in raw:
            columns[name] = _flag(name, raw[name])
    if "sex" in raw:
        columns["sex"] = _choice("sex", raw["sex"], _SEX, "F or M", fold=True)
    for name, allowed in (("ascites", ASCITES), ("encephalopathy", ENCEPHALOPATHY)):
        if name in raw:
            choices = {a: a for a in allowed}
            columns[name] = _choice(name, raw[name], choices, " or ".join(allowed), fold=False)
    coagulation = _coagulation(columns)
    if coagulation is not None:
        columns["coagulation"] = coagulation
    return columns


def _problems(
    field: str, bad: NDArray[np.bool_], text: NDArray[np.str_], expected: str
) -> NDArray[np.str_]:
    problems = np.full(text.shape, "", dtype=object)
    for i in np.flatnonzero(bad):
        cell = str(text[i])
        received = describe(cell) if cell.strip() else "nothing"
        problems[i] = f"{field}: expected {expected}, got {received}"
    return problems.astype(str)


def _floats(text: NDArray[np.str_]) -> NDArray[np.float64]:
    """Text to numbers: NaN where blank or not a number. Clean columns convert in one step."""
    stripped = np.char.strip(text)
    try:
        return np.where(stripped == "", "nan", stripped).astype(np.float64)
    except ValueError:
        out = np.full(text.shape, np.nan)
        for i, cell in enumerate(stripped):
            try:
                out[i] = float(cell)
            except ValueError:
                continue
        return out


def _lab(field: str, code: str, text: NDArray[np.str_], units: NDArray[np.str_] | None) -> _Column:
    test = lab_test(code)
    values = _floats(text)
    with np.errstate(invalid="ignore"):
        bad = ~(np.isfinite(values) & (values > 0))
    problems = _problems(field, bad, text, "a positive number")
    factors = np.ones(values.shape)
    if units is not None:
        unique, inverse = np.unique(np.char.strip(units), return_inverse=True)
        for k, unit in enumerate(unique.tolist()):
            rows = inverse == k
            try:
                factors[rows] = test.units[normalize_unit(code, unit or test.canonical_unit)].factor
            except UnitError:
                message = (
                    f"{field}_unit: expected one of [{', '.join(test.units)}], got {describe(unit)}"
                )
                problems = np.where(rows & (problems == ""), message, problems)
    return _Column(denoise_array(values * factors), problems)


def _age(text: NDArray[np.str_]) -> _Column:
    values = _floats(text)
    blank = np.char.strip(text) == ""
    with np.errstate(invalid="ignore"):
        bad = ~blank & ~(np.isfinite(values) & (values >= 12))
    expected = "an age of 12 years or more, or blank for an adult (PELD applies under 12)"
    return _Column(values, _problems("age", bad, text, expected))


def _flag(field: str, text: NDArray[np.str_]) -> _Column:
    folded = np.char.lower(np.char.strip(text))
    truthy = np.isin(folded, _TRUE)
    bad = ~truthy & ~np.isin(folded, _FALSE)
    return _Column(truthy, _problems(field, bad, text, "true or false (blank for false)"))


def _choice(
    field: str,
    text: NDArray[np.str_],
    choices: Mapping[str, object],
    expected: str,
    *,
    fold: bool,
) -> _Column:
    keys = np.char.strip(text)
    if fold:
        keys = np.char.lower(keys)
    unique, inverse = np.unique(keys, return_inverse=True)
    mapped = [choices.get(k) for k in unique.tolist()]
    bad = np.array([m is None for m in mapped], dtype=np.bool_)[inverse]
    values = np.array(mapped, dtype=object)[inverse]
    return _Column(values, _problems(field, bad, text, expected))


def _coagulation(columns: Mapping[str, _Column]) -> _Column | None:
    """Child-Pugh's coagulation input: INR where recorded, else the PT prolongation.

    A blank INR falls back to the PT; an INR that is present but invalid stays an error.
    """
    inr, pt = columns.get("inr"), columns.get("pt_prolongation")
    if inr is None and pt is None:
        return None
    if inr is None or pt is None:
        only = inr if inr is not None else pt
        assert only is not None
        return _Column(np.zeros(only.ok.shape), only.problems)
    inr_blank = np.char.endswith(inr.problems, "got nothing")
    problems = np.where(inr_blank, pt.problems, inr.problems)
    return _Column(np.zeros(inr.ok.shape), problems)


def _row_errors(columns: Sequence[_Column], n: int) -> NDArray[np.str_]:
    errors = np.full(n, "", dtype=object)
    for column in columns:
        # Child-Pugh's coagulation repeats the INR's problem; say each problem once.
        already = np.char.find(errors.astype(str), column.problems) >= 0
        has = (column.problems != "") & ~already
        joined = np.where(errors == "", column.problems, errors + "; " + column.problems)
        errors = np.where(has, joined, errors)
    return errors.astype(str)
