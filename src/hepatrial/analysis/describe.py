"""Descriptive results of a data cut: what the report shows beside the planned analyses.

CONSORT counts, Table 1, per-participant lab trajectories with their means, safety tables and data
quality, computed here (in the analysis) so that the report only draws and formats. Every frame
names arms by their result label (``GROUP``): "Group A", "Group B" in a masked bundle. Nothing here
reads the exposure domain's dose, cell count or volume, so no descriptive reveals the arm.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from scipy import stats as sps

from hepatrial.analysis.describe_baseline import OVERALL, describe_baseline
from hepatrial.analysis.describe_consort import Consort, ConsortArm, describe_consort
from hepatrial.analysis.describe_quality import (
    describe_labs_missing,
    describe_queries,
    describe_visits,
)
from hepatrial.analysis.describe_safety import describe_deaths, describe_safety
from hepatrial.protocol import Protocol
from hepatrial.tabulate import Tabulations

__all__ = ["OVERALL", "Consort", "ConsortArm", "Descriptives", "describe_cut"]

_GROUP = "GROUP"


@dataclass(frozen=True, slots=True, eq=False)
class Descriptives:
    """The descriptive results of one data cut (see the ``describe_*`` functions for each frame).

    ``group_names`` maps each group label to the name the report prints: the arm's label when
    unmasked, the group label itself when masked. ``trajectories`` holds one row per participant,
    parameter and analysis visit (``USUBJID, group, param, label, visit, visitnum, week, value``)
    and ``trajectory_summary`` the mean with its t-based 95% confidence interval per parameter,
    group and visit. ``queries`` is ``None`` when the query status was not given.
    """

    title: str
    groups: tuple[str, ...]
    group_names: Mapping[str, str]
    consort: Consort
    table1: pd.DataFrame
    trajectories: pd.DataFrame
    trajectory_summary: pd.DataFrame
    ae_overview: pd.DataFrame
    ae_terms: pd.DataFrame
    infusion_reactions: pd.DataFrame
    deaths: pd.DataFrame
    visits: pd.DataFrame
    labs_missing: pd.DataFrame
    queries: pd.DataFrame | None
    notes: tuple[str, ...]


def describe_cut(
    *,
    adsl: pd.DataFrame,
    adlb: pd.DataFrame,
    adae: pd.DataFrame,
    tabulations: Tabulations,
    protocol: Protocol,
    labels: Mapping[str, str],
    masked: bool,
    cutoff: date,
    open_queries: pd.DataFrame | None = None,
) -> Descriptives:
    """Every descriptive result from the analysis datasets (each with ``GROUP``).

    ``labels`` maps arm code to group label, in protocol order, as the results use them.
    """
    groups = tuple(labels.values())
    names = (
        dict(zip(groups, groups, strict=True))
        if masked
        else {labels[str(arm.code)]: str(arm.label) for arm in protocol.arms}
    )
    overview, terms, reactions = describe_safety(adsl, adae, groups)
    trajectories = _trajectories(adlb, protocol)
    notes: list[str] = []
    if open_queries is None:
        notes.append("query status is not part of the tabulations")
    return Descriptives(
        title=str(protocol.identity.brief_title),
        groups=groups,
        group_names=names,
        consort=describe_consort(adsl, tabulations, groups),
        table1=describe_baseline(adsl, adlb, tabulations, groups),
        trajectories=trajectories,
        trajectory_summary=_trajectory_summary(trajectories),
        ae_overview=overview,
        ae_terms=terms,
        infusion_reactions=reactions,
        deaths=describe_deaths(adsl, adae, tabulations.domains.get("DS")),
        visits=describe_visits(adsl, tabulations, protocol, cutoff),
        labs_missing=describe_labs_missing(adsl, adlb, tabulations, protocol, cutoff),
        queries=describe_queries(open_queries, cutoff),
        notes=tuple(notes),
    )


def _trajectories(adlb: pd.DataFrame, protocol: Protocol) -> pd.DataFrame:
    """The analysis values (``ANL01FL = "Y"``) of the randomized, by planned week of the visit."""
    chosen = adlb[
        (adlb["ANL01FL"] == "Y").fillna(False)
        & (adlb["ITTFL"] == "Y").fillna(False)
        & adlb[_GROUP].notna()
        & adlb["AVISITN"].notna()
    ]
    week = {float(v.visitnum): v.day / 7.0 for v in protocol.visits}
    week[0.0] = 0.0
    frame = pd.DataFrame(
        {
            "USUBJID": chosen["USUBJID"].astype(str),
            "group": chosen[_GROUP].astype(str),
            "param": chosen["PARAMCD"].astype(str),
            "label": chosen["PARAM"].astype(str),
            "visit": chosen["AVISIT"].astype(str),
            "visitnum": chosen["AVISITN"].astype(float),
            "week": chosen["AVISITN"].astype(float).map(week).astype(float),
            "value": chosen["AVAL"].astype(float),
        }
    )
    return frame.sort_values(["param", "group", "USUBJID", "visitnum"], kind="stable").reset_index(
        drop=True
    )


def _trajectory_summary(trajectories: pd.DataFrame) -> pd.DataFrame:
    """Mean and 95% CI (mean ± t(0.975, n-1)·SD/√n; blank limits when n < 2) per visit."""
    rows: list[dict[str, object]] = []
    keys = ["param", "group", "visitnum"]
    for (param, group, visitnum), chunk in trajectories.groupby(keys, sort=True):
        values = chunk["value"].to_numpy(dtype=float)
        n = values.size
        mean = float(np.mean(values))
        half = float("nan")
        if n > 1:
            half = float(sps.t.ppf(0.975, n - 1) * np.std(values, ddof=1) / np.sqrt(n))
        rows.append({"param": param, "group": group, "visit": chunk["visit"].iloc[0],
                     "visitnum": visitnum, "week": float(chunk["week"].iloc[0]), "n": n,
                     "mean": mean, "lower": mean - half, "upper": mean + half})  # fmt: skip
    columns = ["param", "group", "visit", "visitnum", "week", "n", "mean", "lower", "upper"]
    return pd.DataFrame(rows, columns=columns)
