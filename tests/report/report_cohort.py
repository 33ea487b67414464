"""A 22-participant, two-arm cohort of tabulations (plus 4 screen failures) for the report tests.

Day 0 is randomization and the infusion. ``fate`` ends follow-up: ``("death", day)``,
``("withdrawn", day)``, ``("lost", day)`` or ``("alive", 366)``; an "alive" participant whose
day 366 falls after the data cut is still in follow-up. ``moved`` shifts a visit's study day (an
out-of-window visit) and ``missed`` lists visits not done. Everything a test counts by hand is in
``COHORT`` and ``SCREEN_FAILURES``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

from hepatrial.tabulate import Tabulations, tabulation

STUDY = "NCT06167473"
CUTOFF = date(2026, 9, 1)
FIRST_START = date(2025, 3, 3)
LABELS = {"LOW": "Low dose (1×10^6 cells/kg)", "MIDHIGH": "Medium-high dose (3×10^6 cells/kg)"}
DOSES = {"LOW": 1.0e6, "MIDHIGH": 3.0e6}
VISITS = {"D0": (2, "Day 0 (infusion)", 0), "W1": (3, "Week 1", 7), "W4": (4, "Week 4", 28),
          "W8": (5, "Week 8", 56), "W12": (6, "Week 12", 84), "W24": (7, "Week 24", 168),
          "W48": (8, "Week 48", 336),
          "D365": (9, "Day 365 (1-year survival contact)", 366)}  # fmt: skip
LABS = {"ALT": ("Alanine Aminotransferase", "U/L", 60.0), "AST": ("Aspartate Aminotransferase",
        "U/L", 80.0), "ALP": ("Alkaline Phosphatase", "U/L", 150.0), "BILI": ("Bilirubin",
        "umol/L", 60.0), "ALB": ("Albumin", "g/L", 28.0), "PT": ("Prothrombin Time", "sec", 18.0),
        "INR": ("Prothrombin Intl. Normalized Ratio", "ratio", 1.8), "CREAT": ("Creatinine",
        "umol/L", 90.0), "SODIUM": ("Sodium", "mmol/L", 134.0)}  # fmt: skip
SCORES = {"MELD": ("MELD Score", 20.0), "MELDNA": ("MELD-Na Score", 22.0),
          "CPSCORE": ("Child-Pugh Score", 9.0)}  # fmt: skip


@dataclass(frozen=True)
class Person:
    number: str
    arm: str
    fate: tuple[str, int]
    age: float = 50.0
    sex: str = "F"
    decompensations: tuple[tuple[str, int], ...] = ()
    # (term, day, grade, serious, results in death)
    events: tuple[tuple[str, int, int, bool, bool], ...] = ()
    moved: Mapping[str, int] = field(default_factory=dict)
    missed: tuple[str, ...] = ()
    lab_gaps: tuple[tuple[str, str], ...] = ()  # (visit, LBTESTCD) not measured at a done visit


COHORT = (
    Person(
        "001",
        "LOW",
        ("death", 100),
        61,
        "M",
        (("ASCITES", 50),),
        (("Hepatic failure", 95, 5, True, True),),
    ),
    Person("002", "LOW", ("death", 200), 55, "F"),
    Person("003", "LOW", ("withdrawn", 150), 47, "M"),
    Person(
        "004",
        "LOW",
        ("alive", 366),
        66,
        "M",
        (("GI_BLEEDING", 30),),
        (("Variceal haemorrhage", 30, 3, True, False),),
    ),
    Person(
        "005",
        "LOW",
        ("alive", 366),
        52,
        "F",
        (("HEPATIC_ENCEPHALOPATHY", 120),),
        (("Infusion related reaction", 0, 2, False, False),),
    ),
    Person("006", "LOW", ("alive", 366), 58, "M", moved={"W4": 40}),
    Person("007", "LOW", ("alive", 366), 44, "F", missed=("W8",)),
    Person("008", "LOW", ("alive", 366), 70, "M"),
    Person("009", "LOW", ("alive", 366), 39, "F", lab_gaps=(("W4", "ALT"), ("W4", "AST"))),
    Person("010", "LOW", ("alive", 366), 63, "M"),
    Person("011", "LOW", ("alive", 366), 57, "M"),
    Person("012", "MIDHIGH", ("death", 60), 68, "M", (("GI_BLEEDING", 40),)),
    Person(
        "013",
        "MIDHIGH",
        ("alive", 366),
        49,
        "F",
        (("ASCITES", 90),),
        (("Pyrexia", 0, 1, False, False),),
    ),
    Person("014", "MIDHIGH", ("lost", 250), 53, "M"),
    Person("015", "MIDHIGH", ("alive", 366), 60, "M"),
    Person("016", "MIDHIGH", ("death", 300), 72, "F"),
    Person(
        "017",
        "MIDHIGH",
        ("alive", 366),
        45,
        "M",
        (("HEPATIC_ENCEPHALOPATHY", 20), ("ASCITES", 200)),
    ),
    Person("018", "MIDHIGH", ("alive", 366), 51, "F"),
    Person("019", "MIDHIGH", ("death", 130), 64, "M"),
    Person("020", "MIDHIGH", ("alive", 366), 59, "M", moved={"W12": 99}),
    Person("021", "MIDHIGH", ("alive", 366), 42, "F"),
    Person("022", "MIDHIGH", ("alive", 366), 56, "M"),
)

SCREEN_FAILURES = {
    "S01": (("EX05", "Human immunodeficiency syndrome", "EXCLUSION"),),
    "S02": (("IN01", "18-80 years old", "INCLUSION"),
            ("EX09", "Pregnant or breastfeeding subjects", "EXCLUSION")),
    "S03": (("EX05", "Human immunodeficiency syndrome", "EXCLUSION"),),
    "S04": (),  # withdrew consent before randomization: no criterion failed
}  # fmt: skip


def start_of(index: int) -> date:
    """Day 0 of the participant at ``index`` in the cohort (one every two weeks)."""
    return FIRST_START + timedelta(days=14 * index)


def followed_days(person: Person, index: int) -> int:
    """The last study day of follow-up: the fate's day, or the data cut if that comes first."""
    return min(person.fate[1], (CUTOFF - start_of(index)).days)


def _day(start: date, day: int) -> str:
    return (start + timedelta(days=day)).isoformat()


def _records(person: Person, index: int, rng: np.random.Generator) -> dict[str, list[Any]]:
    u = f"{STUDY}-{person.number}"
    start = start_of(index)
    kind, end = person.fate
    # an "alive" participant is seen on the last day too (the day-365 contact)
    end = min(end + (kind == "alive"), (CUTOFF - start).days + 1)
    dead = kind == "death" and start + timedelta(days=person.fate[1]) <= CUTOFF
    out: dict[str, list[Any]] = {k: [] for k in ("DM", "DS", "EX", "SV", "LB", "RS", "CE", "AE",
                                                 "VS")}  # fmt: skip
    out["DM"].append({"USUBJID": u, "SUBJID": person.number, "SITEID": "01", "AGE": person.age,
                      "AGEU": "YEARS", "SEX": person.sex, "ARMCD": person.arm,
                      "ARM": LABELS[person.arm], "ACTARMCD": person.arm,
                      "ACTARM": LABELS[person.arm], "RFICDTC": _day(start, -7),
                      "RANDDTC": _day(start, 0), "DTHDTC": _day(start, end) if dead else None,
                      "DTHFL": "Y" if dead else None})  # fmt: skip

    def ds(decod: str, day: int, cat: str = "DISPOSITION EVENT") -> dict[str, Any]:
        return {"USUBJID": u, "DSTERM": decod, "DSDECOD": decod, "DSCAT": cat,
                "DSSTDTC": _day(start, day)}  # fmt: skip

    out["DS"] += [ds("INFORMED CONSENT OBTAINED", -7, "PROTOCOL MILESTONE"),
                  ds("RANDOMIZED", 0, "PROTOCOL MILESTONE")]  # fmt: skip
    ending = {"death": "DEATH", "withdrawn": "WITHDRAWAL BY SUBJECT",
              "lost": "LOST TO FOLLOW-UP", "alive": "COMPLETED"}[kind]  # fmt: skip
    if start + timedelta(days=person.fate[1]) <= CUTOFF:
        out["DS"].append(ds(ending, person.fate[1]))
    out["EX"].append({"USUBJID": u, "EXTRT": "UC-MSC", "EXDOSE": DOSES[person.arm],
                      "EXDOSU": "cells/kg", "EXSTDTC": _day(start, 0),
                      "EXENDTC": _day(start, 0)})  # fmt: skip
    out["VS"] += [{"USUBJID": u, "VSTESTCD": code, "VSTEST": name, "VSSTRESN": value,
                   "VSSTRESU": unit, "VSDTC": _day(start, 0)}
                  for code, name, value, unit in (("WEIGHT", "Weight", 60.0 + index, "kg"),
                                                  ("HEIGHT", "Height", 165.0, "cm"))]  # fmt: skip
    for code, (visitnum, label, target) in VISITS.items():
        day = person.moved.get(code, target)
        if day >= end or (kind != "alive" and day >= person.fate[1]):
            continue
        if code in person.missed:
            out["SV"].append({"USUBJID": u, "VISITNUM": float(visitnum), "VISIT": label,
                              "SVOCCUR": "N", "SVREASOC": "Patient unavailable"})  # fmt: skip
            continue
        out["SV"].append({"USUBJID": u, "VISITNUM": float(visitnum), "VISIT": label,
                          "SVSTDTC": _day(start, day), "SVOCCUR": "Y"})  # fmt: skip
        if code == "D365":
            continue
        gaps = {test for visit, test in person.lab_gaps if visit == code}
        _labs(out, u, start, day, person.arm, rng, gaps)
    out["CE"] += [{"USUBJID": u, "CETERM": decod.title(), "CEDECOD": decod,
                   "CECAT": "DECOMPENSATION", "CEPRESP": "Y", "CEOCCUR": "Y",
                   "CESTDTC": _day(start, day)}
                  for decod, day in person.decompensations]  # fmt: skip
    out["AE"].append({"USUBJID": u, "AETERM": "Fatigue", "AEDECOD": "FATIGUE", "AETOXGR": "1",
                      "AESER": "N", "AESTDTC": _day(start, 3)})  # fmt: skip
    for term, day, grade, serious, fatal in person.events:
        out["AE"].append({"USUBJID": u, "AETERM": term, "AEDECOD": term.upper(),
                          "AETOXGR": str(grade), "AESER": "Y" if serious else "N",
                          "AESDTH": "Y" if fatal else "N",
                          "AESTDTC": _day(start, day)})  # fmt: skip
    return out


def _labs(out: dict[str, list[Any]], u: str, start: date, day: int, arm: str,
          rng: np.random.Generator, gaps: set[str]) -> None:  # fmt: skip
    drift = 0.15 if arm == "MIDHIGH" else 0.0
    factor = 1.0 + rng.normal(0.0, 0.1) - drift * day / 336
    for code, (name, unit, typical) in LABS.items():
        if code in gaps:
            continue
        out["LB"].append({"USUBJID": u, "LBTESTCD": code, "LBTEST": name,
                          "LBSTRESN": round(typical * factor * rng.uniform(0.85, 1.15), 2),
                          "LBSTRESU": unit, "LBLOBXFL": "Y" if day == 0 else None,
                          "LBDTC": _day(start, day)})  # fmt: skip
    for code, (name, typical) in SCORES.items():
        value = float(round(typical * factor * rng.uniform(0.9, 1.1)))
        out["RS"].append({"USUBJID": u, "RSTESTCD": code, "RSTEST": name,
                          "RSORRES": f"{value:g}", "RSSTRESC": f"{value:g}", "RSSTRESN": value,
                          "RSDTC": _day(start, day)})  # fmt: skip
    out["RS"].append({"USUBJID": u, "RSTESTCD": "CPCLASS", "RSTEST": "Child-Pugh Class",
                      "RSORRES": "B", "RSSTRESC": "B", "RSDTC": _day(start, day)})  # fmt: skip


def _screen_failures(out: dict[str, list[Any]]) -> None:
    when = _day(FIRST_START, -10)
    for number, failed in SCREEN_FAILURES.items():
        u = f"{STUDY}-{number}"
        code = "SCRNFAIL" if failed else "NOTASSGN"
        out["DM"].append({"USUBJID": u, "SUBJID": number, "SITEID": "01", "AGE": 45.0,
                          "AGEU": "YEARS", "SEX": "M", "ARMCD": code, "ARM": code,
                          "ACTARMCD": code, "ACTARM": code, "RFICDTC": when})  # fmt: skip
        decod = "SCREEN FAILURE" if failed else "WITHDRAWAL BY SUBJECT"
        out["DS"] += [{"USUBJID": u, "DSTERM": "INFORMED CONSENT OBTAINED",
                       "DSDECOD": "INFORMED CONSENT OBTAINED", "DSCAT": "PROTOCOL MILESTONE",
                       "DSSTDTC": when},
                      {"USUBJID": u, "DSTERM": decod, "DSDECOD": decod,
                       "DSCAT": "DISPOSITION EVENT", "DSSTDTC": when}]  # fmt: skip
        out["IE"] += [{"USUBJID": u, "IETESTCD": c, "IETEST": text, "IECAT": cat,
                       "IEORRES": "N" if cat == "INCLUSION" else "Y", "IEDTC": when}
                      for c, text, cat in failed]  # fmt: skip


def build_tabulations(
    people: Sequence[Person] = COHORT, *, screen_failures: bool = True
) -> Tabulations:
    """Tabulations for ``people`` (and the screen failures); the same values every call."""
    rng = np.random.default_rng(22)
    rows: dict[str, list[Any]] = {"IE": []}
    for index, person in enumerate(people):
        for code, records in _records(person, index, rng).items():
            rows.setdefault(code, []).extend(records)
    if screen_failures:
        _screen_failures(rows)
    return Tabulations(
        studyid=STUDY,
        domains={code: tabulation(code, records, studyid=STUDY) for code, records in rows.items()},
    )
