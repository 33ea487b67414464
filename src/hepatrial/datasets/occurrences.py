"""ADAE and ADCE: adverse and clinical events with a treatment-emergent flag.

Structure follows the ADaM Occurrence Data Structure (OCCDS v1.1, referenced by ADaMIG v1.3): one
row per event record, the SDTM variables kept, analysis dates ASTDT/AENDT with study day ASTDY,
the treatment-emergent flag TRTEMFL and the first-occurrence flag AOCCPFL.
"""

from __future__ import annotations

import pandas as pd

from hepatrial.datasets._frames import domain_frame, iso_dates, lookup
from hepatrial.tabulate import Tabulations

__all__ = ["ADAE_VARIABLES", "ADCE_VARIABLES", "derive_adae", "derive_adce"]

_SUBJECT = ("STUDYID", "USUBJID", "SUBJID", "SITEID", "TRT01P", "TRT01PN", "TRT01A", "TRT01AN",
            "ITTFL", "SAFFL")  # fmt: skip
_TIMING = ("ASTDT", "AENDT", "ASTDY", "TRTEMFL", "AOCCPFL")
ADAE_VARIABLES = (
    *_SUBJECT, "AESEQ", "AETERM", "AEDECOD", "AETOXGR", "ATOXGRN", "AESER", "AESDTH", "AEREL",
    "AEACN", "AEOUT", *_TIMING,
)  # fmt: skip
ADCE_VARIABLES = (
    *_SUBJECT, "CESEQ", "CETERM", "CEDECOD", "CECAT", "CEOCCUR", "CESEV", "CEHOSP", *_TIMING,
)  # fmt: skip


def derive_adae(adsl: pd.DataFrame, tabulations: Tabulations) -> pd.DataFrame:
    """ADAE (OCCDS) from AE for the participants in ``adsl``; see :func:`derive_adce` for the
    timing variables and flags. ``ATOXGRN`` is AETOXGR as a number. Neither input is changed."""
    ae = domain_frame(tabulations, "AE")
    frame = _occurrences(adsl, ae, "AE")
    frame["ATOXGRN"] = pd.to_numeric(frame["AETOXGR"], errors="coerce").astype("Float64")
    return frame[list(ADAE_VARIABLES)]


def derive_adce(adsl: pd.DataFrame, tabulations: Tabulations) -> pd.DataFrame:
    """ADCE (OCCDS) from CE (decompensations and the liver transplant) for the participants in
    ``adsl``. Records with CEOCCUR = ``N`` (a pre-specified event that did not occur) are kept and
    never flagged.

    - ``ASTDT``/``AENDT``: the complete start and end dates; ``ASTDY`` = ASTDT - TRTSDT in days.
    - ``TRTEMFL``: ``Y`` when the event starts on or after the first infusion (TRTSDT), or when
      its start date is missing in a participant who was infused (the conservative convention:
      an event cannot be shown to precede treatment). Blank for participants never infused. No
      end-of-treatment window applies: the treatment is one infusion, followed for a year.
    - ``AOCCPFL``: ``Y`` on the first treatment-emergent record of each participant and
      dictionary term (by ASTDT, then sequence number), for incidence counts.

    Neither input is changed.
    """
    ce = domain_frame(tabulations, "CE")
    return _occurrences(adsl, ce, "CE")[list(ADCE_VARIABLES)]


def _occurrences(adsl: pd.DataFrame, source: pd.DataFrame, prefix: str) -> pd.DataFrame:
    subjects = adsl.set_index("USUBJID")
    frame = source[source["USUBJID"].isin(subjects.index)].copy().reset_index(drop=True)
    for name in _SUBJECT:
        if name != "USUBJID":
            frame[name] = lookup(frame["USUBJID"], subjects[name])
    trtsdt = lookup(frame["USUBJID"], subjects["TRTSDT"]).astype("datetime64[ns]")
    frame["ASTDT"] = iso_dates(frame[f"{prefix}STDTC"])
    frame["AENDT"] = iso_dates(frame[f"{prefix}ENDTC"])
    frame["ASTDY"] = (frame["ASTDT"] - trtsdt).dt.days.astype("Int64")
    occurred = (frame["CEOCCUR"] != "N").fillna(True) if prefix == "CE" else True
    on_or_after = (frame["ASTDT"] >= trtsdt) | frame["ASTDT"].isna()
    emergent = trtsdt.notna() & on_or_after & occurred
    frame["TRTEMFL"] = pd.Series(pd.NA, index=frame.index, dtype="string").mask(emergent, "Y")
    first = (
        frame[emergent]
        .sort_values(["ASTDT", f"{prefix}SEQ"], kind="stable", na_position="last")
        .groupby(["USUBJID", f"{prefix}DECOD"], dropna=False)
        .head(1)
    )
    frame["AOCCPFL"] = pd.Series(pd.NA, index=frame.index, dtype="string")
    frame.loc[first.index, "AOCCPFL"] = "Y"
    return frame.sort_values(["USUBJID", "ASTDT", f"{prefix}SEQ"], kind="stable").reset_index(
        drop=True
    )
