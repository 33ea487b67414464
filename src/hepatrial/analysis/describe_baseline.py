"""Table 1: baseline characteristics of the randomized participants, by arm and overall.

Continuous variables are summarised by n, mean, SD, median and quartiles, and the report shows
mean (SD) or, for skewed laboratory values, median [IQR]; categorical variables by n (%), the
percentage of the participants with a known value (CONSORT 2010 item 15; Schulz et al.,
BMJ 2010;340:c332). No p-values: in a randomized trial baseline differences are due to chance
(CONSORT 2010 explanation and elaboration, item 15).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hepatrial.tabulate import Tabulations

__all__ = ["OVERALL", "TABLE1_COLUMNS", "describe_baseline"]

OVERALL = "All"
"""The group label of the column with every randomized participant."""

TABLE1_COLUMNS = (
    "variable", "label", "kind", "summary", "level", "group", "n", "mean", "sd", "median",
    "q1", "q3", "count", "percent",
)  # fmt: skip

_GROUP = "GROUP"
# ADLB parameters in the order Table 1 lists them; "median" marks the right-skewed ones
_PARAMETERS = (
    ("MELD", "mean"), ("MELDNA", "mean"), ("MELD3", "mean"), ("CPSCORE", "mean"),
    ("ALBI", "mean"), ("BILI", "median"), ("ALB", "mean"), ("INR", "median"),
    ("PT", "median"), ("CREAT", "median"), ("SODIUM", "mean"), ("ALT", "median"),
    ("AST", "median"), ("ALP", "median"),
)  # fmt: skip
_LABELS = {
    "MELD": "MELD score", "MELDNA": "MELD-Na score", "MELD3": "MELD 3.0 score",
    "CPSCORE": "Child-Pugh score", "ALBI": "ALBI score",
}  # fmt: skip
_SEX = {"F": "Female", "M": "Male", "U": "Unknown", "UNDIFFERENTIATED": "Undifferentiated"}


def describe_baseline(
    adsl: pd.DataFrame,
    adlb: pd.DataFrame,
    tabulations: Tabulations,
    groups: tuple[str, ...],
) -> pd.DataFrame:
    """Table 1 as a long frame (:data:`TABLE1_COLUMNS`), one row per variable, level and group.

    Population: randomized participants (``ITTFL = "Y"``), in their ``GROUP`` and in
    :data:`OVERALL`. Variables: age and sex (ADSL); weight and BMI at baseline when VS holds
    WEIGHT (and HEIGHT), the last value on or before the infusion, else the first; every ADLB
    parameter with a baseline record (``ABLFL = "Y"``), scores first; the Child-Pugh class
    (ADSL ``CPCLASBL``). ``summary`` says which statistic to show ("mean" or "median").
    """
    itt = adsl[(adsl["ITTFL"] == "Y").fillna(False)]
    subjects = itt[["USUBJID", _GROUP]].astype({"USUBJID": str})
    rows: list[dict[str, object]] = []

    def continuous(name: str, label: str, values: pd.Series, summary: str) -> None:
        by_subject = values.astype(float)
        for group, members in _columns(subjects, groups):
            data = by_subject.reindex(members).dropna().to_numpy(dtype=float)
            rows.append(_continuous_row(name, label, summary, group, data))

    def categorical(name: str, label: str, values: pd.Series, levels: list[str]) -> None:
        for group, members in _columns(subjects, groups):
            data = values.reindex(members).dropna().astype(str)
            for level in levels:
                count = int((data == level).sum())
                percent = 100.0 * count / len(data) if len(data) else float("nan")
                rows.append({"variable": name, "label": label, "kind": "categorical",
                             "summary": "count", "level": level, "group": group,
                             "n": len(data), "count": count, "percent": percent})  # fmt: skip

    by_id = itt.assign(USUBJID=itt["USUBJID"].astype(str)).set_index("USUBJID")
    continuous("AGE", "Age (years)", by_id["AGE"], "mean")
    sex = by_id["SEX"].astype("string").map(lambda s: _SEX.get(str(s), str(s)))
    categorical("SEX", "Sex", sex, sorted(sex.dropna().unique()))
    for name, label, values in _body_size(by_id, tabulations):
        continuous(name, label, values, "mean")
    baseline = adlb[(adlb["ABLFL"] == "Y").fillna(False)]
    baseline = baseline.assign(USUBJID=baseline["USUBJID"].astype(str))
    for param, summary in _parameter_order(baseline):
        rows_of = baseline[baseline["PARAMCD"] == param]
        values = rows_of.groupby("USUBJID")["AVAL"].last()
        label = _LABELS.get(param, str(rows_of["PARAM"].iloc[0]))
        continuous(param, label, values, summary)
    classes = by_id["CPCLASBL"].astype("string")
    if classes.notna().any():
        categorical("CPCLASBL", "Child-Pugh class", classes, ["A", "B", "C"])
    frame = pd.DataFrame(rows, columns=list(TABLE1_COLUMNS))
    for name in ("n", "count"):
        frame[name] = frame[name].astype("Int64")
    for name in ("mean", "sd", "median", "q1", "q3", "percent"):
        frame[name] = frame[name].astype(float)
    return frame


def _columns(subjects: pd.DataFrame, groups: tuple[str, ...]) -> list[tuple[str, list[str]]]:
    out = [(g, subjects.loc[subjects[_GROUP] == g, "USUBJID"].tolist()) for g in groups]
    return [*out, (OVERALL, subjects["USUBJID"].tolist())]


def _continuous_row(
    name: str, label: str, summary: str, group: str, data: np.ndarray
) -> dict[str, object]:
    nan = float("nan")
    n = int(data.size)
    q1, median, q3 = np.quantile(data, [0.25, 0.5, 0.75]) if n else (nan, nan, nan)
    return {
        "variable": name,
        "label": label,
        "kind": "continuous",
        "summary": summary,
        "level": None,
        "group": group,
        "n": n,
        "mean": float(np.mean(data)) if n else nan,
        # the sample SD needs two values; with one it is not estimable
        "sd": float(np.std(data, ddof=1)) if n > 1 else nan,
        "median": float(median),
        "q1": float(q1),
        "q3": float(q3),
    }


def _parameter_order(baseline: pd.DataFrame) -> list[tuple[str, str]]:
    present = set(baseline["PARAMCD"].dropna().astype(str))
    known = [(p, s) for p, s in _PARAMETERS if p in present]
    others = sorted(present - {p for p, _ in _PARAMETERS})
    return [*known, *((p, "mean") for p in others)]


def _body_size(by_id: pd.DataFrame, tabulations: Tabulations) -> list[tuple[str, str, pd.Series]]:
    vs = tabulations.domains.get("VS")
    if vs is None or vs.empty:
        return []
    dates = pd.to_datetime(vs["VSDTC"].astype("string").str.slice(0, 10), errors="coerce")
    start = vs["USUBJID"].map(by_id["TRTSDT"]).astype("datetime64[ns]")
    frame = vs.assign(ADT=dates, BEFORE=(dates <= start).fillna(False).astype(bool))
    out: list[tuple[str, str, pd.Series]] = []
    measured: dict[str, pd.Series] = {}
    for code in ("WEIGHT", "HEIGHT"):
        rows = frame[(frame["VSTESTCD"] == code) & frame["VSSTRESN"].notna()]
        # the last value on or before the infusion, else (never infused) the first one
        ordered = rows.sort_values("ADT", kind="stable")
        before = ordered[ordered["BEFORE"]].groupby("USUBJID")["VSSTRESN"].last()
        first = ordered.groupby("USUBJID")["VSSTRESN"].first()
        measured[code] = before.combine_first(first).astype(float)
    if not measured["WEIGHT"].empty:
        out.append(("WEIGHT", "Weight (kg)", measured["WEIGHT"]))
    if not measured["WEIGHT"].empty and not measured["HEIGHT"].empty:
        metres = measured["HEIGHT"] / 100.0
        bmi = (measured["WEIGHT"] / metres.pow(2)).dropna()
        out.append(("BMI", "Body-mass index (kg/m²)", bmi))
    return out
