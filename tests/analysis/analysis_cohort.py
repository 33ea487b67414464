"""A 12-participant, two-arm cohort of tabulations for running the whole analysis plan.

Day 0 is randomization, which is also the day of the infusion. ``fate`` is how follow-up ends:
``("death", day)``, ``("withdrawn", day)`` or ``("alive", 366)`` (seen after day 365). Labs and
scores are taken at baseline and at weeks 1, 4, 8, 12, 24 and 48 while the participant is followed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

from hepatrial.tabulate import Tabulations, tabulation

STUDY = "NCT06167473"
CUTOFF = date(2026, 9, 1)
LABELS = {"LOW": "Low dose (1×10^6 cells/kg)", "MIDHIGH": "Medium-high dose (3×10^6 cells/kg)"}
LAB_DAYS = (7, 28, 56, 84, 168, 336)
LABS = {"BILI": ("Bilirubin", "umol/L", 60.0), "ALB": ("Albumin", "g/L", 28.0),
        "INR": ("Prothrombin Intl. Normalized Ratio", "ratio", 1.8)}  # fmt: skip
SCORES = {"MELD": ("MELD Score", 20.0), "CPSCORE": ("Child-Pugh Score", 9.0)}


@dataclass(frozen=True)
class Person:
    number: str
    arm: str
    fate: tuple[str, int]
    decompensations: tuple[tuple[str, int], ...] = field(default_factory=tuple)


COHORT = (
    Person("001", "LOW", ("death", 100), (("ASCITES", 50),)),
    Person("002", "LOW", ("death", 200)),
    Person("003", "LOW", ("withdrawn", 150)),
    Person("004", "LOW", ("alive", 366), (("GI_BLEEDING", 30),)),
    Person("005", "LOW", ("alive", 366), (("HEPATIC_ENCEPHALOPATHY", 120),)),
    Person("006", "LOW", ("alive", 366)),
    Person("007", "MIDHIGH", ("death", 60), (("GI_BLEEDING", 40),)),
    Person("008", "MIDHIGH", ("alive", 366), (("ASCITES", 90),)),
    Person("009", "MIDHIGH", ("withdrawn", 250)),
    Person("010", "MIDHIGH", ("alive", 366)),
    Person("011", "MIDHIGH", ("death", 300)),
    Person("012", "MIDHIGH", ("alive", 366), (("HEPATIC_ENCEPHALOPATHY", 20), ("ASCITES", 200))),
)


def _day(start: date, day: int) -> str:
    return (start + timedelta(days=day)).isoformat()


def _records(person: Person, index: int, rng: np.random.Generator) -> dict[str, list[Any]]:
    u = f"{STUDY}-{person.number}"
    start = date(2025, 1, 6) + timedelta(days=7 * index)
    kind, end = person.fate
    dead = kind == "death"
    out: dict[str, list[Any]] = {k: [] for k in ("DM", "DS", "EX", "SV", "LB", "RS", "CE", "AE")}
    out["DM"].append({"USUBJID": u, "SUBJID": person.number, "SITEID": "01", "AGE": 50.0,
                      "AGEU": "YEARS", "SEX": "F", "ARMCD": person.arm,
                      "ARM": LABELS[person.arm], "ACTARMCD": person.arm,
                      "ACTARM": LABELS[person.arm], "RFICDTC": _day(start, -7),
                      "RANDDTC": _day(start, 0), "DTHDTC": _day(start, end) if dead else None,
                      "DTHFL": "Y" if dead else None})  # fmt: skip

    def ds(decod: str, day: int, cat: str = "DISPOSITION EVENT") -> dict[str, Any]:
        return {"USUBJID": u, "DSTERM": decod, "DSDECOD": decod, "DSCAT": cat,
                "DSSTDTC": _day(start, day)}  # fmt: skip

    ending = {"death": "DEATH", "withdrawn": "WITHDRAWAL BY SUBJECT", "alive": "COMPLETED"}[kind]
    out["DS"] += [ds("INFORMED CONSENT OBTAINED", -7, "PROTOCOL MILESTONE"),
                  ds("RANDOMIZED", 0, "PROTOCOL MILESTONE"), ds(ending, end)]  # fmt: skip
    out["EX"].append({"USUBJID": u, "EXTRT": "UC-MSC", "EXSTDTC": _day(start, 0),
                      "EXENDTC": _day(start, 0)})  # fmt: skip
    days = [0, *(d for d in LAB_DAYS if d < end)]
    visits = [*days, end] if not dead else days
    out["SV"] += [{"USUBJID": u, "VISITNUM": float(i), "SVSTDTC": _day(start, d)}
                  for i, d in enumerate(visits, start=1)]  # fmt: skip
    drift = 0.15 if person.arm == "MIDHIGH" else 0.0
    for day in days:
        factor = 1.0 + rng.normal(0.0, 0.1) - drift * day / 336
        for code, (name, unit, typical) in LABS.items():
            out["LB"].append({"USUBJID": u, "LBTESTCD": code, "LBTEST": name,
                              "LBSTRESN": round(typical * factor * rng.uniform(0.8, 1.2), 2),
                              "LBSTRESU": unit, "LBLOBXFL": "Y" if day == 0 else None,
                              "LBDTC": _day(start, day)})  # fmt: skip
        for code, (name, typical) in SCORES.items():
            value = float(round(typical * factor * rng.uniform(0.9, 1.1)))
            out["RS"].append({"USUBJID": u, "RSTESTCD": code, "RSTEST": name,
                              "RSORRES": f"{value:g}", "RSSTRESC": f"{value:g}",
                              "RSSTRESN": value, "RSDTC": _day(start, day)})  # fmt: skip
    out["CE"] += [{"USUBJID": u, "CETERM": decod.title(), "CEDECOD": decod,
                   "CECAT": "DECOMPENSATION", "CEPRESP": "Y", "CEOCCUR": "Y",
                   "CESTDTC": _day(start, day)}
                  for decod, day in person.decompensations]  # fmt: skip
    out["AE"].append({"USUBJID": u, "AETERM": "Fatigue", "AESTDTC": _day(start, 3)})
    return out


def build_tabulations(people: Sequence[Person] = COHORT) -> Tabulations:
    """Tabulations for ``people`` (the same values every call)."""
    rng = np.random.default_rng(5)
    rows: dict[str, list[Any]] = {}
    for index, person in enumerate(people):
        for code, records in _records(person, index, rng).items():
            rows.setdefault(code, []).extend(records)
    return Tabulations(
        studyid=STUDY,
        domains={code: tabulation(code, records, studyid=STUDY) for code, records in rows.items()},
    )
