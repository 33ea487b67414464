"""A small cohort of tabulations whose analysis values are worked out by hand in the tests.

Participants (randomized on RANDDT, infused on TRTSDT; data cut 2026-03-01):

- 001 LOW: ascites on day 50, GI bleeding on day 70, death on day 100.
- 002 MIDHIGH: withdrew on 2025-06-01 (day 137), two Week 4 labs, full baseline.
- 003 LOW: alive past day 365 (censored administratively); no baseline; encephalopathy before
  randomization (history) and after day 365.
- 004: screen failure, never randomized.
- 005 MIDHIGH: liver transplant on day 31, death on day 122, a lab after the transplant.
- 006 LOW: randomized, never infused; last contact an adverse event on 2025-05-10.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import pytest

from hepatrial.datasets import derive_adsl
from hepatrial.protocol import Protocol, load_seed_protocol
from hepatrial.tabulate import Tabulations, tabulation

STUDY = "NCT06167473"
CUTOFF = date(2026, 3, 1)
LOW = "Low dose (1×10^6 cells/kg)"
MIDHIGH = "Medium-high dose (3×10^6 cells/kg)"


def u(number: str) -> str:
    return f"{STUDY}-{number}"


def _dm() -> list[dict[str, Any]]:
    def row(
        n: str, arm: str, label: str, actual: str, consent: str, **extra: Any
    ) -> dict[str, Any]:
        actual_label = label if actual == arm else "Not Treated"
        return {"USUBJID": u(n), "SUBJID": n, "SITEID": "01", "AGE": 50.0, "AGEU": "YEARS",
                "SEX": "F", "ARMCD": arm, "ARM": label, "ACTARMCD": actual,
                "ACTARM": actual_label, "RFICDTC": consent, **extra}  # fmt: skip

    return [
        row("001", "LOW", LOW, "LOW", "2025-01-02", RANDDTC="2025-01-10",
            DTHDTC="2025-04-20", DTHFL="Y"),
        row("002", "MIDHIGH", MIDHIGH, "MIDHIGH", "2025-01-08", RANDDTC="2025-01-15"),
        row("003", "LOW", LOW, "LOW", "2025-01-25", RANDDTC="2025-02-01"),
        row("004", "SCRNFAIL", "Screen Failure", "SCRNFAIL", "2025-01-05"),
        row("005", "MIDHIGH", MIDHIGH, "MIDHIGH", "2025-02-20", RANDDTC="2025-03-01",
            DTHDTC="2025-07-01", DTHFL="Y"),
        row("006", "LOW", LOW, "NOTTRT", "2025-03-25", RANDDTC="2025-04-01"),
    ]  # fmt: skip


def _ds() -> list[dict[str, Any]]:
    def row(n: str, decod: str, when: str, cat: str = "DISPOSITION EVENT") -> dict[str, Any]:
        return {"USUBJID": u(n), "DSTERM": decod, "DSDECOD": decod, "DSCAT": cat,
                "DSSTDTC": when}  # fmt: skip

    milestone = "PROTOCOL MILESTONE"
    rows = [row(d["SUBJID"], "INFORMED CONSENT OBTAINED", d["RFICDTC"], milestone) for d in _dm()]
    rows += [row(d["SUBJID"], "RANDOMIZED", d["RANDDTC"], milestone) for d in _dm()
             if "RANDDTC" in d]  # fmt: skip
    return [
        *rows,
        row("001", "DEATH", "2025-04-20"),
        row("002", "WITHDRAWAL BY SUBJECT", "2025-06-01"),
        row("003", "COMPLETED", "2026-02-10"),
        row("004", "SCREEN FAILURE", "2025-01-20"),
        row("005", "DEATH", "2025-07-01"),
    ]


def _ex() -> list[dict[str, Any]]:
    days = {"001": "2025-01-10", "002": "2025-01-16", "003": "2025-02-01", "005": "2025-03-02"}
    return [{"USUBJID": u(n), "EXTRT": "UC-MSC", "EXSTDTC": d, "EXENDTC": d}
            for n, d in days.items()]  # fmt: skip


def _sv() -> list[dict[str, Any]]:
    visits = {
        "001": ["2025-01-10", "2025-01-17", "2025-04-10"],
        "002": ["2025-01-16", "2025-05-20"],
        "003": ["2025-02-01", "2026-02-10", "2026-04-01"],  # the last is after the data cut
        "004": ["2025-01-05"],
        "005": ["2025-03-02", "2025-04-27"],
        "006": ["2025-04-01", "2025-05-01"],
    }
    return [{"USUBJID": u(n), "VISITNUM": float(i), "SVSTDTC": d}
            for n, dates in visits.items() for i, d in enumerate(dates, start=1)]  # fmt: skip


def lab(n: str, code: str, value: float, when: str, baseline: bool = False) -> dict[str, Any]:
    names = {"BILI": ("Bilirubin", "umol/L"), "ALB": ("Albumin", "g/L"),
             "INR": ("Prothrombin Intl. Normalized Ratio", "ratio")}  # fmt: skip
    name, unit = names[code]
    return {"USUBJID": u(n), "LBTESTCD": code, "LBTEST": name, "LBSTRESN": value,
            "LBSTRESU": unit, "LBLOBXFL": "Y" if baseline else None, "LBDTC": when}  # fmt: skip


def _lb() -> list[dict[str, Any]]:
    return [
        lab("001", "BILI", 80.0, "2025-01-10", baseline=True),
        lab("001", "ALB", 25.0, "2025-01-10", baseline=True),
        lab("001", "INR", 2.0, "2025-01-10", baseline=True),
        lab("001", "BILI", 70.0, "2025-01-15"),  # day 5, two days before Week 1's target
        lab("001", "BILI", 90.0, "2025-01-19"),  # day 9, two days after it
        lab("002", "BILI", 55.0, "2025-01-10"),  # screening, day -6
        lab("002", "BILI", 50.0, "2025-01-16", baseline=True),
        lab("002", "ALB", 30.0, "2025-01-16", baseline=True),
        lab("002", "INR", 1.5, "2025-01-16", baseline=True),
        lab("002", "BILI", 45.0, "2025-01-23"),  # day 7: Week 1
        lab("002", "BILI", 40.0, "2025-02-09"),  # day 24: Week 4, 4 days from target
        lab("002", "BILI", 60.0, "2025-02-15"),  # day 30: Week 4, 2 days from target
        lab("003", "BILI", 30.0, "2025-02-08"),  # day 7, no baseline
        lab("005", "BILI", 100.0, "2025-03-02", baseline=True),
        lab("005", "BILI", 20.0, "2025-04-27"),  # day 56, after the transplant on 2025-04-01
    ]


def score(
    n: str, code: str, value: float | None, when: str, text: str | None = None
) -> dict[str, Any]:
    names = {"MELD": "MELD Score", "MELDNA": "MELD-Na Score", "CPSCORE": "Child-Pugh Score",
             "CPCLASS": "Child-Pugh Class"}  # fmt: skip
    result = text if text is not None else f"{value:g}"
    return {"USUBJID": u(n), "RSTESTCD": code, "RSTEST": names[code], "RSORRES": result,
            "RSSTRESC": result, "RSSTRESN": value, "RSDTC": when}  # fmt: skip


def _rs() -> list[dict[str, Any]]:
    return [
        score("001", "MELD", 25.0, "2025-01-03"),
        score("001", "MELD", 24.0, "2025-01-10"),
        score("001", "MELDNA", 26.0, "2025-01-10"),
        score("001", "CPSCORE", 10.0, "2025-01-10"),
        score("001", "CPCLASS", None, "2025-01-10", text="C"),
        score("001", "MELD", 22.0, "2025-01-17"),
        score("002", "MELD", 20.0, "2025-01-16"),
        score("002", "MELD", 18.0, "2025-01-23"),
        score("006", "MELD", 15.0, "2025-03-28"),
    ]


def _ce() -> list[dict[str, Any]]:
    def row(n: str, decod: str, when: str, cat: str = "DECOMPENSATION") -> dict[str, Any]:
        return {"USUBJID": u(n), "CETERM": decod.title(), "CEDECOD": decod, "CECAT": cat,
                "CEPRESP": "Y", "CEOCCUR": "Y", "CESTDTC": when}  # fmt: skip

    return [
        row("001", "ASCITES", "2025-03-01"),
        row("001", "GI_BLEEDING", "2025-03-21"),
        row("003", "HEPATIC_ENCEPHALOPATHY", "2025-01-28"),
        row("003", "HEPATIC_ENCEPHALOPATHY", "2026-02-15"),
        row("005", "LIVER_TRANSPLANT", "2025-04-01", cat="INTERCURRENT EVENT"),
    ]


def _ae() -> list[dict[str, Any]]:
    return [{"USUBJID": u("006"), "AETERM": "Fatigue", "AESTDTC": "2025-05-10"}]


def build_cohort() -> Tabulations:
    rows = {"DM": _dm(), "DS": _ds(), "EX": _ex(), "SV": _sv(), "LB": _lb(), "RS": _rs(),
            "CE": _ce(), "AE": _ae()}  # fmt: skip
    return Tabulations(
        studyid=STUDY,
        domains={code: tabulation(code, records, studyid=STUDY) for code, records in rows.items()},
    )


@pytest.fixture(scope="session")
def protocol() -> Protocol:
    return load_seed_protocol()


@pytest.fixture
def cutoff() -> date:
    return CUTOFF


@pytest.fixture
def cohort() -> Tabulations:
    return build_cohort()


@pytest.fixture
def adsl(cohort: Tabulations, protocol: Protocol) -> pd.DataFrame:
    return derive_adsl(cohort, protocol=protocol, cutoff=CUTOFF)
