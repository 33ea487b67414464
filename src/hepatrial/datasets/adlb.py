"""ADLB: labs and liver scores by analysis visit, with baseline and change from baseline.

Structure follows the ADaM Basic Data Structure (ADaMIG v1.3 §4, BDS): one row per participant,
parameter and record, with PARAMCD/PARAM, ADT/ADY, AVISIT/AVISITN, AVAL, BASE/ABLFL, CHG, PCHG,
the analysis flag ANL01FL and DTYPE (blank: no value is imputed or derived across records).
"""

from __future__ import annotations

import pandas as pd

from hepatrial.datasets._frames import domain_frame, iso_dates, lookup
from hepatrial.protocol import Protocol
from hepatrial.tabulate import Tabulations

__all__ = ["ADLB_VARIABLES", "derive_adlb"]

ADLB_VARIABLES = (
    "STUDYID", "USUBJID", "SUBJID", "SITEID", "ARMCD", "TRT01P", "TRT01PN", "ITTFL", "SAFFL",
    "PARCAT1", "PARAMCD", "PARAM", "ADT", "ADY", "AVISIT", "AVISITN", "AVAL", "BASE", "ABLFL",
    "CHG", "PCHG", "ANL01FL", "LTXFL", "DTYPE", "SRCDOM", "SRCSEQ",
)  # fmt: skip

BASELINE_VISIT = "Baseline"
_CARRIED = ("STUDYID", "SUBJID", "SITEID", "ARMCD", "TRT01P", "TRT01PN", "ITTFL", "SAFFL")


def derive_adlb(
    adsl: pd.DataFrame, tabulations: Tabulations, *, protocol: Protocol
) -> pd.DataFrame:
    """ADLB (ADaMIG v1.3, BDS) from LB (standard units) and the numeric scores of RS.

    Every numeric LB and RS record of a participant in ``adsl`` gives one row; records without a
    numeric result (e.g. the Child-Pugh class) are not analysis values here. Derivations:

    - ``ADY`` = ADT - TRTSDT in days (day 0 is the infusion, the trial's convention); blank for a
      participant never infused.
    - ``ABLFL``/``BASE``: the baseline is the last value before the first infusion (protocol:
      ``last_before_first_infusion``), on or before TRTSDT as in ADSL: for LB the record flagged
      LBLOBXFL = ``Y``, for RS the last record. Its row gets ``AVISIT = "Baseline"`` and
      ``AVISITN = 0``.
    - ``AVISIT``/``AVISITN``: the protocol visit whose window contains ADY (windows do not
      overlap), with the protocol's label and VISITNUM; blank outside every window.
    - ``ANL01FL``: ``Y`` on the baseline row and, after day 0, on one row per participant,
      parameter and visit: the one nearest the visit's target day, the earlier on a tie. Rows
      after a liver transplant (``LTXFL = "Y"``) are never selected: the labs then describe the
      graft, so the analysis uses values while on the native liver (ICH E9(R1) intercurrent
      event; a while-on-native-liver strategy, which an MMRM treats as missing at random).
    - ``CHG`` = AVAL - BASE and ``PCHG`` = 100 CHG / BASE after day 0 (blank when BASE is
      missing or zero).

    Neither input is changed.
    """
    subjects = adsl.set_index("USUBJID")
    records = _stack(_lb(tabulations), _rs(tabulations))
    records = records[records["USUBJID"].isin(subjects.index) & records["AVAL"].notna()].copy()
    for name in _CARRIED:
        records[name] = lookup(records["USUBJID"], subjects[name])
    trtsdt = lookup(records["USUBJID"], subjects["TRTSDT"]).astype("datetime64[ns]")
    records["ADY"] = (records["ADT"] - trtsdt).dt.days.astype("Int64")
    transplant = lookup(records["USUBJID"], subjects["LTXDT"]).astype("datetime64[ns]")
    records["LTXFL"] = pd.Series(pd.NA, index=records.index, dtype="string").mask(
        (records["ADT"] > transplant).fillna(False), "Y"
    )
    _visits(records, protocol)
    _baseline(records, trtsdt)
    _analysis_flag(records, protocol)
    post = (records["ADY"] > 0).fillna(False)
    records["CHG"] = (records["AVAL"] - records["BASE"]).where(post)
    records["PCHG"] = (100 * records["CHG"] / records["BASE"]).where(post & (records["BASE"] != 0))
    records["DTYPE"] = pd.Series(pd.NA, index=records.index, dtype="string")
    return _frame(records)


def _lb(tabulations: Tabulations) -> pd.DataFrame:
    lb = domain_frame(tabulations, "LB")
    unit = lb["LBSTRESU"].fillna("")
    return pd.DataFrame(
        {
            "USUBJID": lb["USUBJID"],
            "PARCAT1": "LABORATORY",
            "PARAMCD": lb["LBTESTCD"],
            "PARAM": (lb["LBTEST"] + " (" + unit + ")").where(unit != "", lb["LBTEST"]),
            "ADT": iso_dates(lb["LBDTC"]),
            "AVAL": lb["LBSTRESN"],
            "FLAGGED": (lb["LBLOBXFL"] == "Y").fillna(False),
            "SRCDOM": "LB",
            "SRCSEQ": lb["LBSEQ"],
        }
    )


def _rs(tabulations: Tabulations) -> pd.DataFrame:
    rs = domain_frame(tabulations, "RS")
    return pd.DataFrame(
        {
            "USUBJID": rs["USUBJID"],
            "PARCAT1": "SCORE",
            "PARAMCD": rs["RSTESTCD"],
            "PARAM": rs["RSTEST"],
            "ADT": iso_dates(rs["RSDTC"]),
            "AVAL": rs["RSSTRESN"],
            "FLAGGED": None,
            "SRCDOM": "RS",
            "SRCSEQ": rs["RSSEQ"],
        }
    )


def _visits(records: pd.DataFrame, protocol: Protocol) -> None:
    records["AVISIT"] = pd.Series(pd.NA, index=records.index, dtype="string")
    records["AVISITN"] = pd.Series(pd.NA, index=records.index, dtype="Float64")
    records["TARGET"] = pd.Series(pd.NA, index=records.index, dtype="Int64")
    for visit in protocol.visits:
        inside = records["ADY"].between(visit.earliest_day, visit.latest_day).fillna(False)
        records.loc[inside, "AVISIT"] = visit.label
        records.loc[inside, "AVISITN"] = float(visit.visitnum)
        records.loc[inside, "TARGET"] = visit.day


def _baseline(records: pd.DataFrame, trtsdt: pd.Series) -> None:
    scores = records["SRCDOM"] == "RS"
    before = (records["ADT"] <= trtsdt).fillna(False)
    flagged = records["FLAGGED"].fillna(False).astype(bool)
    candidates = records[before & (scores | flagged)]
    chosen = (
        candidates.sort_values(["ADT", "SRCSEQ"], kind="stable")
        .groupby(["USUBJID", "PARAMCD"])
        .tail(1)
    )
    records["ABLFL"] = pd.Series(pd.NA, index=records.index, dtype="string")
    records.loc[chosen.index, "ABLFL"] = "Y"
    records.loc[chosen.index, "AVISIT"] = BASELINE_VISIT
    records.loc[chosen.index, "AVISITN"] = 0.0
    base = chosen.set_index(["USUBJID", "PARAMCD"])["AVAL"]
    keys = pd.MultiIndex.from_frame(records[["USUBJID", "PARAMCD"]])
    records["BASE"] = pd.Series(base.reindex(keys).to_numpy(), index=records.index, dtype="Float64")


def _analysis_flag(records: pd.DataFrame, protocol: Protocol) -> None:
    eligible = (
        (records["ADY"] > 0).fillna(False)
        & records["AVISIT"].notna()
        & records["LTXFL"].isna()
        & records["ABLFL"].isna()
    )
    pool = records[eligible].assign(DISTANCE=(records["ADY"] - records["TARGET"]).abs())
    chosen = (
        pool.sort_values(["DISTANCE", "ADT", "SRCSEQ"], kind="stable")
        .groupby(["USUBJID", "PARAMCD", "AVISITN"])
        .head(1)
    )
    records["ANL01FL"] = records["ABLFL"].copy()
    records.loc[chosen.index, "ANL01FL"] = "Y"


def _frame(records: pd.DataFrame) -> pd.DataFrame:
    frame = records[list(ADLB_VARIABLES)].copy()
    for name in ("AVAL", "BASE", "CHG", "PCHG", "TRT01PN", "AVISITN"):
        frame[name] = frame[name].astype("Float64")
    frame["SRCSEQ"] = frame["SRCSEQ"].astype("Int64")
    frame["ADT"] = frame["ADT"].astype("datetime64[ns]")
    for name in (
        "STUDYID",
        "USUBJID",
        "SUBJID",
        "SITEID",
        "ARMCD",
        "TRT01P",
        "ITTFL",
        "SAFFL",
        "PARCAT1",
        "PARAMCD",
        "PARAM",
        "ABLFL",
        "ANL01FL",
        "LTXFL",
        "DTYPE",
        "SRCDOM",
    ):
        frame[name] = frame[name].astype("string")  # fmt: skip
    return frame.sort_values(
        ["USUBJID", "PARCAT1", "PARAMCD", "ADT", "SRCSEQ"], kind="stable"
    ).reset_index(drop=True)


def _stack(labs: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    """Lab and score records in one frame. A column with no value in one part (scores carry no
    reference range, say) must not decide the column's type, so each part drops its empty
    columns before the concatenation, and a column empty in both keeps the labs' type."""
    columns = list(dict.fromkeys([*labs.columns, *scores.columns]))
    parts = [part.dropna(axis=1, how="all") for part in (labs, scores)]
    stacked = pd.concat(parts, ignore_index=True)
    for name in columns:
        if name not in stacked.columns:
            dtype = labs[name].dtype if name in labs.columns else scores[name].dtype
            stacked[name] = pd.Series(pd.NA, index=stacked.index).astype(dtype)
    return stacked[columns]
