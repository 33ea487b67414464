"""Data quality of a data cut: visits within window, outside it or missed; missing labs; queries.

Windows come from the protocol (``protocol.visits``): a visit is in window when its study day
(day 0 = the infusion) lies in ``[day - before, day + after]``.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from hepatrial.errors import InputError
from hepatrial.protocol import Protocol
from hepatrial.tabulate import Tabulations

__all__ = ["QUERY_COLUMNS", "describe_labs_missing", "describe_queries", "describe_visits"]

QUERY_COLUMNS = ("USUBJID", "VISIT", "FIELD", "STATUS", "OPENED")


def _followed(adsl: pd.DataFrame, cutoff: date) -> pd.DataFrame:
    """Randomized participants with their day 0 and the last day they could be seen."""
    itt = adsl[(adsl["ITTFL"] == "Y").fillna(False)]
    start = itt["TRTSDT"].astype("datetime64[ns]").fillna(itt["RANDDT"].astype("datetime64[ns]"))
    ends = pd.concat(
        [
            itt["DTHDT"].astype("datetime64[ns]"),
            itt["EOSDT"].astype("datetime64[ns]"),
            pd.Series(pd.Timestamp(cutoff), index=itt.index),
        ],
        axis=1,
    ).min(axis=1)
    return pd.DataFrame(
        {
            "USUBJID": itt["USUBJID"].astype(str).to_numpy(),
            "START": start.to_numpy(),
            "LAST": (ends - start).dt.days.to_numpy(),
        }
    )


def _done_visits(tabulations: Tabulations, protocol: Protocol) -> pd.DataFrame:
    sv = tabulations.domains.get("SV")
    if sv is None or sv.empty:
        return pd.DataFrame(columns=["USUBJID", "VISITNUM", "DATE"])
    by_label = {v.label: float(v.visitnum) for v in protocol.visits}
    number = sv["VISITNUM"].astype(float)
    if "VISIT" in sv:
        number = sv["VISIT"].map(by_label).astype(float).fillna(number)
    dates = pd.to_datetime(sv["SVSTDTC"].astype("string").str.slice(0, 10), errors="coerce")
    done = (sv["SVOCCUR"].astype("string") != "N").fillna(True) & dates.notna()
    return pd.DataFrame({"USUBJID": sv["USUBJID"].astype(str), "VISITNUM": number, "DATE": dates})[
        done.to_numpy()
    ]


def describe_visits(
    adsl: pd.DataFrame, tabulations: Tabulations, protocol: Protocol, cutoff: date
) -> pd.DataFrame:
    """Per protocol visit from day 0 on: ``visit, visitnum, day, earliest, latest, expected,
    in_window, outside_window, missed, not_yet_due``.

    A visit is expected of a randomized participant when its window closed on or before the last
    day they could be seen (death, end of study or the data cut) or when it was done. Done visits
    are SV records with a date (``SVOCCUR`` not ``N``), matched by VISIT label, else VISITNUM;
    a done visit's study day decides in or outside the window. Missed: expected and not done.
    """
    people = _followed(adsl, cutoff)
    done = _done_visits(tabulations, protocol).merge(people, on="USUBJID")
    done["DAY"] = (done["DATE"] - done["START"]).dt.days
    rows: list[dict[str, object]] = []
    for visit in protocol.visits:
        if visit.day < 0:
            continue
        these = done[done["VISITNUM"] == float(visit.visitnum)].drop_duplicates("USUBJID")
        inside = these["DAY"].between(visit.earliest_day, visit.latest_day)
        closed = set(people.loc[people["LAST"] >= visit.latest_day, "USUBJID"])
        seen = set(these["USUBJID"])
        expected = closed | seen
        rows.append({"visit": visit.label, "visitnum": visit.visitnum, "day": visit.day,
                     "earliest": visit.earliest_day, "latest": visit.latest_day,
                     "expected": len(expected), "in_window": int(inside.sum()),
                     "outside_window": int((~inside).sum()), "missed": len(closed - seen),
                     "not_yet_due": len(people) - len(expected)})  # fmt: skip
    return pd.DataFrame(rows)


def describe_labs_missing(
    adsl: pd.DataFrame,
    adlb: pd.DataFrame,
    tabulations: Tabulations,
    protocol: Protocol,
    cutoff: date,
) -> pd.DataFrame:
    """Per visit with labs and per lab the protocol collects there: ``visit, visitnum, test,
    done, present, missing``.

    Among the done visits (as in :func:`describe_visits`), a lab is present when ADLB holds a
    value of it dated on the visit date or assigned to that visit (AVISITN; the baseline for
    day 0). Missed visits are counted in the visit table, not here.
    """
    people = _followed(adsl, cutoff)
    done = _done_visits(tabulations, protocol).merge(people, on="USUBJID")
    labs = {str(m.code) for m in protocol.measures.labs}
    values = adlb[adlb["AVAL"].notna()].assign(
        USUBJID=adlb["USUBJID"].astype(str), ADT=adlb["ADT"].astype("datetime64[ns]")
    )
    # index each test's values once (by assigned visit and by date): a cohort of 10,000 has
    # millions of lab rows, and a per-visit scan of them dominated the whole analysis
    by_test = {
        str(test): (
            frame.loc[:, ["AVISITN", "USUBJID"]],
            pd.MultiIndex.from_arrays([frame["USUBJID"], frame["ADT"]]),
        )
        for test, frame in values.groupby("PARAMCD", sort=False)
    }
    rows: list[dict[str, object]] = []
    for visit in protocol.visits:
        collected = [c for c in protocol.collected_at(str(visit.code)) if c in labs]
        if visit.day < 0 or not collected:
            continue
        these = done[done["VISITNUM"] == float(visit.visitnum)].drop_duplicates("USUBJID")
        number = 0.0 if visit.day == 0 else float(visit.visitnum)
        visit_keys = pd.MultiIndex.from_arrays(
            [these["USUBJID"].astype(str), pd.to_datetime(these["DATE"]).astype("datetime64[ns]")]
        )
        for test in collected:
            present = 0
            if test in by_test:
                assigned, dated = by_test[test]
                in_visit = assigned.loc[(assigned["AVISITN"] == number).fillna(False), "USUBJID"]
                found = these["USUBJID"].astype(str).isin(set(in_visit)).to_numpy()
                present = int((found | visit_keys.isin(dated)).sum())
            rows.append({"visit": visit.label, "visitnum": visit.visitnum, "test": test,
                         "done": len(these), "present": present,
                         "missing": len(these) - present})  # fmt: skip
    return pd.DataFrame(rows, columns=["visit", "visitnum", "test", "done", "present", "missing"])


def describe_queries(queries: pd.DataFrame | None, cutoff: date) -> pd.DataFrame | None:
    """Queries by status: ``status, n, median_age_days, max_age_days`` (age at the data cut of
    the queries opened on or before it), or ``None`` when no query status was given."""
    if queries is None:
        return None
    missing = [c for c in QUERY_COLUMNS if c not in queries.columns]
    if missing:
        raise InputError(
            field="open_queries",
            expected=f"columns {', '.join(QUERY_COLUMNS)}",
            received=f"no {', '.join(missing)}",
        )
    opened = pd.to_datetime(queries["OPENED"].astype("string").str.slice(0, 10), errors="coerce")
    age = (pd.Timestamp(cutoff) - opened).dt.days
    frame = pd.DataFrame({"status": queries["STATUS"].astype(str).str.lower(), "age": age})
    frame = frame[(frame["age"] >= 0).fillna(True)]
    rows = [
        {"status": status, "n": len(chunk),
         "median_age_days": float(chunk["age"].median()) if chunk["age"].notna().any()
         else float("nan"),
         "max_age_days": float(chunk["age"].max()) if chunk["age"].notna().any()
         else float("nan")}
        for status, chunk in frame.groupby("status", sort=True)
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["status", "n", "median_age_days", "max_age_days"])
