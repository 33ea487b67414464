"""Long-format data to the MMRM design: checked columns, visit and arm coding, estimable terms.

The fixed effects are intercept, baseline, visit (treatment contrasts against the first visit) and
arm within visit, as R builds ``y ~ baseline + visit + visit:arm`` (Chambers & Hastie 1992,
*Statistical Models in S*, §2.3). A term that the data cannot estimate (a visit with one arm only,
a baseline that does not vary) is dropped with a note rather than left to make the fit singular.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.linalg import qr

from hepatrial.errors import InputError

__all__ = ["Design", "build_design"]

# A pivoted-QR diagonal below this fraction of the largest marks a column as aliased.
_ALIAS_TOLERANCE = 1e-7


@dataclass(frozen=True, slots=True)
class Design:
    """Rows sorted by subject then visit, with their design matrix and coding."""

    y: NDArray[np.float64]
    x: NDArray[np.float64]
    names: tuple[str, ...]
    subject_index: NDArray[np.intp]
    visit_index: NDArray[np.intp]
    visits: tuple[str, ...]
    arms: tuple[str, ...]
    n_subjects: int
    notes: tuple[str, ...]


def _levels(values: pd.Series[Any]) -> list[Any]:
    if isinstance(values.dtype, pd.CategoricalDtype) and values.cat.ordered:
        present = set(values.dropna())
        return [c for c in values.cat.categories if c in present]
    return sorted(values.dropna().unique().tolist(), key=lambda v: (str(type(v)), v))


def _check_columns(data: pd.DataFrame, columns: dict[str, str | None]) -> None:
    if not isinstance(data, pd.DataFrame):
        raise InputError(field="data", expected="a pandas DataFrame", received=type(data).__name__)
    for argument, column in columns.items():
        if column is not None and column not in data.columns:
            raise InputError(
                field=argument,
                expected=f"a column of data ({', '.join(map(str, data.columns))})",
                received=column,
            )


def _numeric(frame: pd.DataFrame, column: str, field: str) -> NDArray[np.float64]:
    try:
        return frame[column].to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise InputError(
            field=field, expected="numeric values", received=str(frame[column].dtype)
        ) from None


def _clean(
    frame: pd.DataFrame, response: str, subject: str, visit: str, arm: str, baseline: str | None
) -> tuple[pd.DataFrame, list[str]]:
    notes = []
    frame = frame.copy()
    frame[response] = _numeric(frame, response, "response")
    if baseline is not None:
        frame[baseline] = _numeric(frame, baseline, "baseline")
    missing_keys = frame[[subject, visit, arm]].isna().any(axis=1)
    if missing_keys.any():
        raise InputError(
            field="data",
            expected=f"no missing {subject}, {visit} or {arm}",
            received=f"{int(missing_keys.sum())} rows with one missing",
        )
    if not np.all(frame.groupby(subject, sort=False)[arm].nunique() == 1):
        raise InputError(field="arm", expected="one arm per participant", received="several")
    duplicated = frame.duplicated([subject, visit])
    if duplicated.any():
        first = frame.loc[duplicated, [subject, visit]].iloc[0].tolist()
        raise InputError(
            field="data",
            expected="one row per participant and visit",
            received=f"participant {first[0]} twice at visit {first[1]}",
        )
    unusable = ~np.isfinite(frame[response].to_numpy())
    if baseline is not None:
        unusable |= ~np.isfinite(frame[baseline].to_numpy())
    if unusable.any():
        notes.append(
            f"{int(unusable.sum())} rows without a finite response or baseline were left out"
        )
        frame = frame.loc[~unusable]
    if frame.empty:
        raise InputError(field="data", expected="at least one usable row", received="none")
    return frame, notes


def build_design(
    data: pd.DataFrame, *, response: str, subject: str, visit: str, arm: str, baseline: str | None
) -> Design:
    """Check ``data`` and build the MMRM design matrix, dropping inestimable terms with a note."""
    _check_columns(
        data,
        {
            "response": response,
            "subject": subject,
            "visit": visit,
            "arm": arm,
            "baseline": baseline,
        },
    )
    frame, notes = _clean(data, response, subject, visit, arm, baseline)
    visit_levels = _levels(frame[visit])
    arm_levels = _levels(frame[arm])
    visits = tuple(str(v) for v in visit_levels)
    arms = tuple(str(a) for a in arm_levels)
    visit_index = frame[visit].map({v: i for i, v in enumerate(visit_levels)}).to_numpy(np.intp)
    arm_index = frame[arm].map({a: i for i, a in enumerate(arm_levels)}).to_numpy(np.intp)
    subject_codes, subjects = pd.factorize(frame[subject], sort=True)
    order = np.lexsort((visit_index, subject_codes))
    visit_index, arm_index = visit_index[order], arm_index[order]
    subject_index = np.asarray(subject_codes[order], dtype=np.intp)
    columns: list[NDArray[np.float64]] = [np.ones(order.size)]
    names = ["(Intercept)"]
    if baseline is not None:
        columns.append(frame[baseline].to_numpy(float)[order])
        names.append("baseline")
    for v in range(1, len(visits)):
        columns.append((visit_index == v).astype(float))
        names.append(f"visit[{visits[v]}]")
    if len(arms) < 2:
        notes.append(f"only one arm ({arms[0]}) in the data: no arm difference is estimable")
    for a in range(1, len(arms)):
        for v, label in enumerate(visits):
            at_visit = arm_index[visit_index == v]
            if not np.any(at_visit == a) or not np.any(at_visit == 0):
                notes.append(
                    f"visit {label}: {arms[a]} and {arms[0]} are not both observed, so their "
                    "difference at this visit is not estimable"
                )
                continue
            columns.append(((visit_index == v) & (arm_index == a)).astype(float))
            names.append(f"arm[{arms[a]}]:visit[{label}]")
    x = np.column_stack(columns)
    _, r, pivot = qr(x, mode="economic", pivoting=True)
    diagonal = np.abs(np.diag(r))
    rank = int(np.sum(diagonal > _ALIAS_TOLERANCE * diagonal[0]))
    if rank < x.shape[1]:
        aliased = sorted(int(k) for k in pivot[rank:])
        notes.append(
            "aliased with other terms and dropped: " + ", ".join(names[k] for k in aliased)
        )
        keep = [k for k in range(x.shape[1]) if k not in aliased]
        x = x[:, keep]
        names = [names[k] for k in keep]
    return Design(
        y=frame[response].to_numpy(float)[order],
        x=x,
        names=tuple(names),
        subject_index=subject_index,
        visit_index=visit_index,
        visits=visits,
        arms=arms,
        n_subjects=len(subjects),
        notes=tuple(notes),
    )
