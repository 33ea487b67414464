"""Helpers shared by the derivations: reading a domain, and dates as analysis dates.

Analysis dates (``--DT``) are ``datetime64`` columns at day resolution, derived from the ISO 8601
text of the tabulations (ADaMIG v1.3 §3.1.5: a ``*DT`` variable is the numeric date of a ``*DTC``).
Only complete dates are converted: a partial date (``2024-05``) becomes missing, because this trial
imputes no dates.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from hepatrial.tabulate import Tabulations, tabulation

__all__ = [
    "by_subject_first",
    "by_subject_last",
    "domain_frame",
    "iso_dates",
    "lookup",
    "timestamp",
]


def domain_frame(tabulations: Tabulations, code: str) -> pd.DataFrame:
    """The domain ``code``, or an empty one of the right shape when the set does not hold it."""
    if code in tabulations.domains:
        return tabulations.domains[code]
    return tabulation(code, [], studyid=tabulations.studyid)


def iso_dates(values: pd.Series) -> pd.Series:
    """Complete ISO 8601 dates (a time part is dropped) as ``datetime64``; anything else is NaT."""
    text = values.astype("string").str.slice(0, 10)
    return pd.to_datetime(text, format="%Y-%m-%d", errors="coerce").astype("datetime64[ns]")


def timestamp(day: date) -> pd.Timestamp:
    """A clinical date as the timestamp the ``--DT`` columns hold."""
    return pd.Timestamp(day.year, day.month, day.day)


def by_subject_first(subjects: pd.Series, dates: pd.Series) -> pd.Series:
    """The earliest non-missing date of each subject, indexed by USUBJID."""
    frame = pd.DataFrame(
        {"USUBJID": subjects.to_numpy(), "DT": dates.astype("datetime64[ns]").to_numpy()}
    ).dropna()
    return frame.groupby("USUBJID")["DT"].min().astype("datetime64[ns]")


def by_subject_last(subjects: pd.Series, dates: pd.Series) -> pd.Series:
    """The latest non-missing date of each subject, indexed by USUBJID."""
    frame = pd.DataFrame(
        {"USUBJID": subjects.to_numpy(), "DT": dates.astype("datetime64[ns]").to_numpy()}
    ).dropna()
    return frame.groupby("USUBJID")["DT"].max().astype("datetime64[ns]")


def lookup(keys: pd.Series, table: pd.Series) -> pd.Series:
    """``table``'s value for each key, aligned with ``keys`` and keeping ``table``'s dtype.

    Unlike ``Series.map`` this keeps a date column a date column when nothing matches.
    """
    return pd.Series(table.reindex(keys.to_numpy()).to_numpy(), index=keys.index, dtype=table.dtype)
