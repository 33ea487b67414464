"""The CONSORT flow of one data cut: screened, excluded by reason, allocated, followed, analysed.

The boxes follow the CONSORT 2010 flow diagram (Schulz KF, Altman DG, Moher D. CONSORT 2010
Statement. BMJ 2010;340:c332, Figure 1): enrolment (assessed for eligibility, excluded with
reasons, randomized), allocation (allocated, received the intervention), follow-up (lost,
discontinued) and analysis (analysed).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pandas as pd

from hepatrial.tabulate import Tabulations

__all__ = ["Consort", "ConsortArm", "describe_consort"]

_GROUP = "GROUP"
_MILESTONE = "PROTOCOL MILESTONE"
_SCREEN_FAILURE = "SCREEN FAILURE"


@dataclass(frozen=True, slots=True)
class ConsortArm:
    """One arm's column of the flow diagram.

    ``died``, ``lost``, ``withdrawn``, ``completed`` and ``in_follow_up`` split the allocated
    participants into exclusive states at the data cut, in that order of precedence (a participant
    who withdrew and later died counts as died), so they add up to ``allocated``.
    """

    group: str
    allocated: int
    infused: int
    not_infused: int
    died: int
    lost: int
    withdrawn: int
    completed: int
    in_follow_up: int
    analysed: int


@dataclass(frozen=True, slots=True)
class Consort:
    """The counts of the flow diagram.

    ``excluded_reasons`` lists (reason, participants); a screen failure counts once under every
    criterion it failed, so the reasons may add up to more than ``excluded``.
    """

    screened: int
    excluded: int
    excluded_reasons: tuple[tuple[str, int], ...]
    randomized: int
    arms: tuple[ConsortArm, ...]


def describe_consort(
    adsl: pd.DataFrame, tabulations: Tabulations, groups: tuple[str, ...]
) -> Consort:
    """CONSORT counts from ADSL (one row per consented participant, with ``GROUP``), IE and DS.

    - screened: every ADSL row (everyone who consented); randomized: ``ITTFL = "Y"``.
    - excluded by reason, for those not randomized: each failed criterion of IE
      (``IETESTCD: IETEST``); otherwise the last DS disposition term (a screen failure without
      a recorded criterion, a withdrawal of consent...); otherwise "screening not finished".
    - per arm: infused is ``SAFFL = "Y"``; died is ``DTHFL = "Y"``; lost, withdrawn (any other
      discontinuation) and completed come from ``EOSSTT``/``DCSREAS``; in follow-up is the rest.
      Analysed is every allocated participant (intention to treat).
    """
    randomized = adsl[(adsl["ITTFL"] == "Y").fillna(False)]
    excluded = adsl[~adsl["USUBJID"].isin(randomized["USUBJID"])]
    reasons = _exclusion_reasons(excluded["USUBJID"], tabulations)
    arms = tuple(_arm(randomized[randomized[_GROUP] == group], group) for group in groups)
    return Consort(
        screened=len(adsl),
        excluded=len(excluded),
        excluded_reasons=reasons,
        randomized=len(randomized),
        arms=arms,
    )


def _exclusion_reasons(
    subjects: pd.Series, tabulations: Tabulations
) -> tuple[tuple[str, int], ...]:
    wanted = set(subjects.astype(str))
    counts: Counter[str] = Counter()
    explained: set[str] = set()
    ie = tabulations.domains.get("IE")
    if ie is not None and not ie.empty:
        failed = ie[ie["USUBJID"].isin(wanted)].drop_duplicates(["USUBJID", "IETESTCD"])
        for row in failed.itertuples(index=False):
            counts[f"{row.IETESTCD}: {row.IETEST}"] += 1
            explained.add(str(row.USUBJID))
    ds = tabulations.domains.get("DS")
    last: dict[str, str] = {}
    if ds is not None and not ds.empty:
        events = ds[ds["USUBJID"].isin(wanted) & (ds["DSCAT"] != _MILESTONE).fillna(True)]
        for row in events.sort_values("DSSTDTC", kind="stable").itertuples(index=False):
            term = str(row.DSDECOD)
            if term == _SCREEN_FAILURE and str(row.DSTERM) != term:
                term = f"{term}: {row.DSTERM}"
            last[str(row.USUBJID)] = term
    for subject in sorted(wanted - explained):
        counts[_sentence(last.get(subject, "screening not finished"))] += 1
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _sentence(term: str) -> str:
    """A disposition term in sentence case ("LOST TO FOLLOW-UP" -> "Lost to follow-up")."""
    return term[:1].upper() + term[1:].lower() if term.isupper() else term


def _arm(rows: pd.DataFrame, group: str) -> ConsortArm:
    died = (rows["DTHFL"] == "Y").fillna(False)
    status = rows["EOSSTT"].astype("string")
    reason = rows["DCSREAS"].astype("string")
    alive = ~died
    lost = alive & (status == "DISCONTINUED").fillna(False)
    lost &= (reason == "LOST TO FOLLOW-UP").fillna(False)
    withdrawn = alive & ~lost & (status == "DISCONTINUED").fillna(False)
    completed = alive & (status == "COMPLETED").fillna(False)
    infused = int((rows["SAFFL"] == "Y").fillna(False).sum())
    allocated = len(rows)
    return ConsortArm(
        group=group,
        allocated=allocated,
        infused=infused,
        not_infused=allocated - infused,
        died=int(died.sum()),
        lost=int(lost.sum()),
        withdrawn=int(withdrawn.sum()),
        completed=int(completed.sum()),
        in_follow_up=int((alive & ~lost & ~withdrawn & ~completed).sum()),
        analysed=allocated,
    )
