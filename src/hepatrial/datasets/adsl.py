"""ADSL: the subject-level analysis dataset, one row per screened participant.

Structure and variable names follow ADaMIG v1.3 §3.2 (ADSL): the required identifiers and
demographics, the planned and actual treatment (TRT01P is "the treatment to which the subject was
randomized"), the dates of consent, randomization and first treatment, the death and last-known-
alive dates, the end-of-study status and the population flags.

Population: every participant in DM, that is everyone who consented (screened), so that screen
failures can be counted in the CONSORT flow; the flags select the analysis populations.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from hepatrial.datasets._frames import (
    by_subject_first,
    by_subject_last,
    domain_frame,
    iso_dates,
    lookup,
    timestamp,
)
from hepatrial.protocol import Protocol
from hepatrial.tabulate import Tabulations

__all__ = ["ADSL_VARIABLES", "derive_adsl"]

ADSL_VARIABLES = (
    "STUDYID", "USUBJID", "SUBJID", "SITEID", "AGE", "AGEU", "SEX", "ARMCD", "ARM",
    "ACTARMCD", "ACTARM", "TRT01P", "TRT01PN", "TRT01A", "TRT01AN", "RFICDT", "RANDDT",
    "TRTSDT", "TRTEDT", "DTHDT", "DTHFL", "LTXDT", "LTXFL", "LSTALVDT", "EOSSTT", "EOSDT",
    "DCSREAS", "ITTFL", "SAFFL", "PPFL", "MELDBL", "MELDNABL", "CPSCBL", "CPCLASBL",
    "BILIBL", "ALBBL", "INRBL",
)  # fmt: skip

_Y = "Y"
_BASELINE_LABS = {"BILI": "BILIBL", "ALB": "ALBBL", "INR": "INRBL"}
_BASELINE_SCORES = {"MELD": "MELDBL", "MELDNA": "MELDNABL", "CPSCORE": "CPSCBL"}
_MILESTONE = "PROTOCOL MILESTONE"
# A disposition date that is not a contact with the participant: the death date enters
# LSTALVDT on its own, and "lost to follow-up" is declared after contact has ended.
_NOT_A_CONTACT = {"DEATH", "LOST TO FOLLOW-UP"}


def derive_adsl(tabulations: Tabulations, *, protocol: Protocol, cutoff: date) -> pd.DataFrame:
    """ADSL (ADaMIG v1.3 §3.2) from the tabulations, as of the data cut ``cutoff``.

    Records dated after ``cutoff`` are ignored, so a data cut is reproducible. The input is not
    changed. Derivations:

    - ``RANDDT``: DM.RANDDTC. ``ITTFL`` is ``Y`` when randomized (on or before the cut).
    - ``TRTSDT``/``TRTEDT``: the first EX start and last EX end (the infusion). ``SAFFL`` is ``Y``
      when infused. ``PPFL``: randomized and infused. Protocol deviations are not part of the
      tabulations, so no participant is excluded for one and ``PPFL`` equals ``ITTFL`` and
      ``SAFFL`` together.
    - ``TRT01P`` is ARM for randomized participants; ``TRT01A`` is ACTARM for infused ones;
      ``TRT01PN``/``TRT01AN`` number the arms in the protocol's order (blank when masked).
    - ``DTHDT``: DM.DTHDTC, else the date of a DS ``DEATH`` record; ``DTHFL`` ``Y`` when dead.
    - ``LTXDT``: the first CE ``LIVER_TRANSPLANT`` (an intercurrent event); ``LTXFL`` ``Y``.
    - ``LSTALVDT`` (last known alive): the death date if dead, otherwise the latest of consent,
      randomization, infusion, visit, lab, score, vital-sign, AE, CE and disposition dates up to
      the cut (disposition dates of death and loss to follow-up excluded, as they are no contact).
    - ``EOSSTT``/``EOSDT``/``DCSREAS``: from the last DS disposition event (any record whose
      DSCAT is not "PROTOCOL MILESTONE"): ``COMPLETED``, else ``DISCONTINUED`` with DSDECOD as
      the reason; ``ONGOING`` when there is none.
    - Baseline ``MELDBL``, ``MELDNABL``, ``CPSCBL`` (Child-Pugh score), ``CPCLASBL`` (class): the
      last RS value on or before TRTSDT. ``BILIBL``, ``ALBBL``, ``INRBL``: the LB value flagged
      LBLOBXFL = ``Y`` (standard units), dated on or before TRTSDT. Blank when never infused.
    """
    cut = timestamp(cutoff)
    dm = domain_frame(tabulations, "DM")
    kept = ["STUDYID", "USUBJID", "SUBJID", "SITEID", "AGE", "AGEU", "SEX", "ARMCD", "ARM"]
    adsl = dm[[*kept, "ACTARMCD", "ACTARM"]].reset_index(drop=True).copy()
    subjects = adsl["USUBJID"]

    adsl["RFICDT"] = _until(iso_dates(dm["RFICDTC"]), cut).to_numpy()
    adsl["RANDDT"] = _until(iso_dates(dm["RANDDTC"]), cut).to_numpy()
    ex = domain_frame(tabulations, "EX")
    ex_start = _until(iso_dates(ex["EXSTDTC"]), cut)
    ex_end = _until(iso_dates(ex["EXENDTC"]).fillna(iso_dates(ex["EXSTDTC"])), cut)
    adsl["TRTSDT"] = lookup(subjects, by_subject_first(ex["USUBJID"], ex_start))
    adsl["TRTEDT"] = lookup(subjects, by_subject_last(ex["USUBJID"], ex_end))

    adsl["ITTFL"] = _flag(adsl["RANDDT"].notna(), yes_no=True)
    adsl["SAFFL"] = _flag(adsl["TRTSDT"].notna(), yes_no=True)
    adsl["PPFL"] = _flag(adsl["RANDDT"].notna() & adsl["TRTSDT"].notna(), yes_no=True)
    order = {arm.code: float(number) for number, arm in enumerate(protocol.arms, start=1)}
    randomized = adsl["ITTFL"] == _Y
    infused = adsl["SAFFL"] == _Y
    adsl["TRT01P"] = adsl["ARM"].where(randomized)
    adsl["TRT01PN"] = adsl["ARMCD"].map(order).astype("Float64").where(randomized)
    adsl["TRT01A"] = adsl["ACTARM"].where(infused)
    adsl["TRT01AN"] = adsl["ACTARMCD"].map(order).astype("Float64").where(infused)

    ds = domain_frame(tabulations, "DS")
    ds_date = _until(iso_dates(ds["DSSTDTC"]), cut)
    died_ds = by_subject_first(ds["USUBJID"], ds_date.where(ds["DSDECOD"] == "DEATH"))
    death = _until(iso_dates(dm["DTHDTC"]), cut).to_numpy()
    adsl["DTHDT"] = pd.Series(death, index=adsl.index).fillna(lookup(subjects, died_ds))
    adsl["DTHFL"] = _flag(adsl["DTHDT"].notna(), yes_no=False)

    ce = domain_frame(tabulations, "CE")
    ce_start = _until(iso_dates(ce["CESTDTC"]), cut)
    transplant = ce_start.where(ce["CEDECOD"] == "LIVER_TRANSPLANT")
    adsl["LTXDT"] = lookup(subjects, by_subject_first(ce["USUBJID"], transplant))
    adsl["LTXFL"] = _flag(adsl["LTXDT"].notna(), yes_no=False)

    adsl["LSTALVDT"] = _last_alive(adsl, tabulations, cut)
    _end_of_study(adsl, ds, ds_date)
    _baselines(adsl, tabulations)
    return adsl[list(ADSL_VARIABLES)].sort_values("USUBJID", kind="stable").reset_index(drop=True)


def _until(dates: pd.Series, cut: pd.Timestamp) -> pd.Series:
    return dates.where(dates <= cut)


def _flag(condition: pd.Series, *, yes_no: bool) -> pd.Series:
    """ADaM flags: population flags are Y/N, other flags Y or blank (ADaMIG v1.3 §3.1.4)."""
    other: object = "N" if yes_no else pd.NA
    return condition.map({True: _Y, False: other}).astype("string")


def _last_alive(adsl: pd.DataFrame, tabulations: Tabulations, cut: pd.Timestamp) -> pd.Series:
    sources: list[tuple[pd.Series, pd.Series]] = [
        (adsl["USUBJID"], adsl["RFICDT"]),
        (adsl["USUBJID"], adsl["RANDDT"]),
        (adsl["USUBJID"], adsl["TRTEDT"]),
    ]
    dated = {
        "SV": ("SVSTDTC",),
        "LB": ("LBDTC",),
        "RS": ("RSDTC",),
        "VS": ("VSDTC",),
        "EX": ("EXSTDTC", "EXENDTC"),
        "AE": ("AESTDTC", "AEENDTC"),
        "CE": ("CESTDTC", "CEENDTC"),
    }
    for code, columns in dated.items():
        frame = domain_frame(tabulations, code)
        sources.extend((frame["USUBJID"], iso_dates(frame[column])) for column in columns)
    ds = domain_frame(tabulations, "DS")
    contact = ~ds["DSDECOD"].isin(_NOT_A_CONTACT)
    sources.append((ds["USUBJID"], iso_dates(ds["DSSTDTC"]).where(contact)))
    subjects = pd.concat([s for s, _ in sources], ignore_index=True)
    dates = _until(
        pd.concat([d.astype("datetime64[ns]") for _, d in sources], ignore_index=True), cut
    )
    alive = lookup(adsl["USUBJID"], by_subject_last(subjects, dates))
    return adsl["DTHDT"].fillna(alive)


def _end_of_study(adsl: pd.DataFrame, ds: pd.DataFrame, ds_date: pd.Series) -> None:
    events = pd.DataFrame(
        {"USUBJID": ds["USUBJID"], "DECOD": ds["DSDECOD"], "DT": ds_date, "CAT": ds["DSCAT"]}
    )
    events = events[(events["CAT"] != _MILESTONE).fillna(True) & events["DT"].notna()]
    last = events.sort_values("DT", kind="stable").groupby("USUBJID").tail(1).set_index("USUBJID")
    decod = lookup(adsl["USUBJID"], last["DECOD"])
    adsl["EOSDT"] = lookup(adsl["USUBJID"], last["DT"])
    completed = (decod == "COMPLETED").fillna(False).astype(bool)
    status = pd.Series("DISCONTINUED", index=adsl.index, dtype="string").mask(
        completed, "COMPLETED"
    )
    adsl["EOSSTT"] = status.where(decod.notna(), "ONGOING")
    adsl["DCSREAS"] = decod.where(~completed).astype("string")


def _baselines(adsl: pd.DataFrame, tabulations: Tabulations) -> None:
    trtsdt = adsl.set_index("USUBJID")["TRTSDT"]
    lb = domain_frame(tabulations, "LB")
    before_infusion = iso_dates(lb["LBDTC"]) <= lookup(lb["USUBJID"], trtsdt)
    flagged = lb[((lb["LBLOBXFL"] == _Y) & before_infusion).fillna(False)]
    for testcd, name in _BASELINE_LABS.items():
        rows = flagged[flagged["LBTESTCD"] == testcd]
        value = rows.groupby("USUBJID")["LBSTRESN"].last()
        adsl[name] = lookup(adsl["USUBJID"], value).astype("Float64")
    rs = domain_frame(tabulations, "RS").copy()
    rs["ADT"] = iso_dates(rs["RSDTC"])
    rs["TRTSDT"] = lookup(rs["USUBJID"], trtsdt)
    before = rs[(rs["ADT"] <= rs["TRTSDT"]).fillna(False)].sort_values(
        ["USUBJID", "ADT", "RSSEQ"], kind="stable"
    )
    for testcd, name in _BASELINE_SCORES.items():
        rows = before[(before["RSTESTCD"] == testcd) & before["RSSTRESN"].notna()]
        adsl[name] = lookup(adsl["USUBJID"], rows.groupby("USUBJID")["RSSTRESN"].last())
        adsl[name] = adsl[name].astype("Float64")
    classes = before[(before["RSTESTCD"] == "CPCLASS") & before["RSSTRESC"].notna()]
    value = classes.groupby("USUBJID")["RSSTRESC"].last()
    adsl["CPCLASBL"] = lookup(adsl["USUBJID"], value).astype("string")
