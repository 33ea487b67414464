"""ADTTE: time-to-event analysis dataset, one row per randomized participant and parameter.

Structure follows the ADaM Basic Data Structure for time-to-event analyses (ADaMIG v1.3 §4 and the
ADaM BDS for TTE): PARAMCD/PARAM, STARTDT (the origin), ADT (event or censoring date), AVAL in
days, CNSR (0 for the event, a positive integer per censoring reason), EVNTDESC and CNSDTDSC.
The derivation mirrors admiral's ``derive_param_tte`` (event sources give CNSR 0, censoring sources
a positive code; a date before the origin is moved to the origin).

ADaM has no competing-event variable, so this dataset defines two (documented for the ADRG):

- ``EVNTTYPE``: the cause code as cmprsk's ``fstatus`` reads it: 0 censored, 1 the event of the
  parameter, 2 a competing event.
- ``CMPEVFL``: ``Y`` on rows that end in a competing event; such rows carry ``CNSR`` 3, so a
  cause-specific analysis that takes ``CNSR == 0`` as the event treats them as censored.

Intercurrent event, liver transplant (ICH E9(R1)):

- OS and TTDCDTH: treatment-policy strategy. Follow-up continues after a transplant and a later
  death (or decompensation) counts. ``LTXFL`` is ``Y`` when the transplant came before ADT.
- TTDECOMP and the per-type parameters: a transplant ends the native liver's course, after which
  its decompensation cannot occur, so it is a competing event like death (EVNTTYPE 2, CNSR 3).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd

from hepatrial.datasets._frames import domain_frame, iso_dates, timestamp
from hepatrial.errors import InputError
from hepatrial.tabulate import Tabulations

__all__ = [
    "ADTTE_VARIABLES",
    "CNSR_ADMINISTRATIVE",
    "CNSR_COMPETING",
    "CNSR_EVENT",
    "CNSR_LAST_ALIVE",
    "DECOMPENSATION_TYPES",
    "derive_adtte",
]

ADTTE_VARIABLES = (
    "STUDYID", "USUBJID", "SUBJID", "SITEID", "ARMCD", "TRT01P", "TRT01PN", "ITTFL", "SAFFL",
    "PARAMCD", "PARAM", "PARAMN", "STARTDT", "ADT", "AVAL", "AVALU", "CNSR", "EVNTDESC",
    "CNSDTDSC", "EVNTTYPE", "CMPEVFL", "LTXFL", "SRCDOM", "SRCVAR",
)  # fmt: skip

DECOMPENSATION_TYPES = {
    "GI_BLEEDING": "TTGIB",
    "ASCITES": "TTASC",
    "HEPATIC_ENCEPHALOPATHY": "TTHE",
}

CNSR_EVENT = 0
CNSR_LAST_ALIVE = 1
CNSR_ADMINISTRATIVE = 2
CNSR_COMPETING = 3

_PARAMS = {
    "OS": "Overall survival (days)",
    "TTDECOMP": "Time to first decompensation (days)",
    "TTDCDTH": "Time to first decompensation or death (days)",
    "TTGIB": "Time to first gastrointestinal bleeding (days)",
    "TTASC": "Time to first ascites (days)",
    "TTHE": "Time to first hepatic encephalopathy (days)",
}


@dataclass(frozen=True, slots=True)
class _Dated:
    """A candidate end of follow-up: its date, description and source variable."""

    when: pd.Timestamp
    description: str
    domain: str
    variable: str


def derive_adtte(
    adsl: pd.DataFrame, tabulations: Tabulations, *, cutoff: date, horizon_days: int = 365
) -> pd.DataFrame:
    """ADTTE (ADaMIG v1.3, BDS for time-to-event) for the participants with ``ITTFL = "Y"``.

    The origin STARTDT is RANDDT. Follow-up ends administratively at
    ``min(RANDDT + horizon_days, cutoff)``: an event after it is not counted, and a participant
    known alive on that date is censored there with CNSR 2. Otherwise a participant without the
    event is censored at LSTALVDT with CNSR 1. AVAL is ADT - STARTDT in days (day 0 is the origin,
    so an event on the day of randomization has AVAL 0). Parameters:

    - ``OS``: death.
    - ``TTDECOMP``: the first decompensation (GI bleeding, ascites or hepatic encephalopathy
      from CE); death or liver transplant before it is a competing event.
    - ``TTDCDTH``: the first decompensation or death, whichever comes first (composite).
    - ``TTGIB``, ``TTASC``, ``TTHE``: the first event of that type; death or transplant before it
      is a competing event.

    Decompensations dated before RANDDT (history) are not counted. When a decompensation and a
    death fall on the same day, the decompensation is the event. Neither input is changed.
    """
    if horizon_days < 1:
        raise InputError(field="horizon_days", expected="a whole number of days >= 1",
                         received=horizon_days)  # fmt: skip
    cut = timestamp(cutoff)
    onsets = _onsets(tabulations, cut)
    rows: list[dict[str, object]] = []
    for subject in adsl[adsl["ITTFL"] == "Y"].to_dict("records"):
        start = pd.Timestamp(subject["RANDDT"])
        horizon = start + timedelta(days=horizon_days)
        end = min(horizon, cut)
        end_text = "DATA CUTOFF" if cut < horizon else f"DAY {horizon_days} (END OF FOLLOW-UP)"
        death = _dated(subject["DTHDT"], "DEATH", "ADSL", "DTHDT")
        transplant = _dated(subject["LTXDT"], "LIVER TRANSPLANT", "ADSL", "LTXDT")
        by_type = onsets.get(str(subject["USUBJID"]), {})
        decomp = _earliest([d for t in DECOMPENSATION_TYPES for d in by_type.get(t, [])], start)
        competing = _earliest([death, transplant], start)
        ends: dict[str, tuple[_Dated | None, _Dated | None]] = {
            "OS": (death, None),
            "TTDECOMP": (decomp, competing),
            "TTDCDTH": (_earliest([decomp, death], start), None),
        }
        for decod, paramcd in DECOMPENSATION_TYPES.items():
            ends[paramcd] = (_earliest(list(by_type.get(decod, [])), start), competing)
        for number, (paramcd, (event, rival)) in enumerate(ends.items(), start=1):
            row = _outcome(event, rival, subject, start, end, end_text)
            row.update(PARAMCD=paramcd, PARAM=_PARAMS[paramcd], PARAMN=float(number))
            rows.append(row)
    return _frame(rows)


def _dated(value: object, description: str, domain: str, variable: str) -> _Dated | None:
    if not isinstance(value, date) or pd.isna(pd.Timestamp(value)):
        return None
    return _Dated(pd.Timestamp(value), description, domain, variable)


def _earliest(candidates: list[_Dated | None], start: pd.Timestamp) -> _Dated | None:
    """The first candidate on or after the origin; on a tie the one listed first wins."""
    dated = [c for c in candidates if c is not None and c.when >= start]
    return min(dated, key=lambda c: c.when) if dated else None


def _onsets(tabulations: Tabulations, cut: pd.Timestamp) -> dict[str, dict[str, list[_Dated]]]:
    """Every decompensation onset up to the cut, by participant and type, in date order."""
    ce = domain_frame(tabulations, "CE")
    onset = iso_dates(ce["CESTDTC"])
    keep = (
        ce["CEDECOD"].isin(list(DECOMPENSATION_TYPES))
        & (ce["CEOCCUR"] != "N").fillna(True)
        & (onset <= cut).fillna(False)
    )
    events = pd.DataFrame({"USUBJID": ce["USUBJID"], "DECOD": ce["CEDECOD"], "DT": onset})[keep]
    found: dict[str, dict[str, list[_Dated]]] = {}
    for subject, decod, when in events.sort_values("DT", kind="stable").itertuples(index=False):
        text = f"DECOMPENSATION: {str(decod).replace('_', ' ')}"
        by_type = found.setdefault(str(subject), {})
        by_type.setdefault(str(decod), []).append(_Dated(when, text, "CE", "CESTDTC"))
    return found


def _outcome(
    event: _Dated | None,
    rival: _Dated | None,
    subject: Mapping[Hashable, Any],
    start: pd.Timestamp,
    end: pd.Timestamp,
    end_text: str,
) -> dict[str, object]:
    if event is not None and event.when <= end and (rival is None or event.when <= rival.when):
        return _row(subject, start, event, CNSR_EVENT, event.description, None, 1)
    if rival is not None and rival.when <= end:
        text = f"{rival.description} (COMPETING EVENT)"
        return _row(subject, start, rival, CNSR_COMPETING, text, text, 2)
    last_alive = subject["LSTALVDT"]
    if pd.notna(last_alive) and pd.Timestamp(last_alive) >= end:
        censor = _Dated(end, end_text, "", "")
        return _row(subject, start, censor, CNSR_ADMINISTRATIVE, end_text, end_text, 0)
    when = max(pd.Timestamp(last_alive), start) if pd.notna(last_alive) else start
    text = "LAST KNOWN ALIVE"
    return _row(subject, start, _Dated(when, text, "ADSL", "LSTALVDT"), CNSR_LAST_ALIVE, text,
                text, 0)  # fmt: skip


def _row(
    subject: Mapping[Hashable, Any],
    start: pd.Timestamp,
    end: _Dated,
    cnsr: int,
    description: str,
    censor_text: str | None,
    event_type: int,
) -> dict[str, object]:
    carried = ("STUDYID", "USUBJID", "SUBJID", "SITEID", "ARMCD", "TRT01P", "TRT01PN", "ITTFL",
               "SAFFL")  # fmt: skip
    transplant = subject["LTXDT"]
    return {
        **{name: subject[name] for name in carried},
        "STARTDT": start,
        "ADT": end.when,
        "AVAL": float((end.when - start).days),
        "AVALU": "DAYS",
        "CNSR": cnsr,
        "EVNTDESC": description,
        "CNSDTDSC": censor_text,
        "EVNTTYPE": event_type,
        "CMPEVFL": "Y" if event_type == 2 else None,
        "LTXFL": "Y" if pd.notna(transplant) and pd.Timestamp(transplant) <= end.when else None,
        "SRCDOM": end.domain or None,
        "SRCVAR": end.variable or None,
    }


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(ADTTE_VARIABLES))
    for name in ("STARTDT", "ADT"):
        frame[name] = frame[name].astype("datetime64[ns]")
    for name in ("AVAL", "TRT01PN", "PARAMN"):
        frame[name] = frame[name].astype("Float64")
    for name in ("CNSR", "EVNTTYPE"):
        frame[name] = frame[name].astype("Int64")
    text = [n for n in ADTTE_VARIABLES if n not in ("STARTDT", "ADT", "AVAL", "TRT01PN", "PARAMN",
                                                    "CNSR", "EVNTTYPE")]  # fmt: skip
    for name in text:
        frame[name] = frame[name].astype("string")
    return frame.sort_values(["USUBJID", "PARAMN"], kind="stable").reset_index(drop=True)
