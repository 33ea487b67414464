"""The shape of the tabulations: SDTM-shaped domains, their variables, labels and keys.

Variables and their roles follow SDTMIG v3.4 (Req and Exp variables of each domain, as listed in
``shared/reference/standards-analysis.md`` §1); only the variables this trial collects are kept.
Tabulations are the single seam between capture and analysis (DESIGN.md): the EDC produces them
from its database, the simulator produces them directly, and the analysis reads only them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

__all__ = ["DOMAINS", "Domain", "Variable", "domain"]

Kind = Literal["text", "number", "date", "integer"]


@dataclass(frozen=True, slots=True)
class Variable:
    name: str
    label: str
    kind: Kind = "text"
    required: bool = False  # SDTM "Req": never null


@dataclass(frozen=True, slots=True)
class Domain:
    code: str
    label: str
    variables: tuple[Variable, ...]
    keys: tuple[str, ...]  # sort order, and what makes a row unique within a subject

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.variables)


def _v(name: str, label: str, kind: Kind = "text", required: bool = False) -> Variable:
    return Variable(name, label, kind, required)


def _ids(prefix: str) -> tuple[Variable, ...]:
    head = (
        _v("STUDYID", "Study Identifier", required=True),
        _v("DOMAIN", "Domain Abbreviation", required=True),
        _v("USUBJID", "Unique Subject Identifier", required=True),
    )
    return (
        head if prefix == "DM" else (*head, _v(f"{prefix}SEQ", "Sequence Number", "integer", True))
    )


def _visit() -> tuple[Variable, ...]:
    return (_v("VISITNUM", "Visit Number", "number"), _v("VISIT", "Visit Name"))


_DOMAINS = (
    Domain(
        "DM",
        "Demographics",
        (
            *_ids("DM"),
            _v("SUBJID", "Subject Identifier for the Study", required=True),
            _v("RFSTDTC", "Subject Reference Start Date/Time", "date"),
            _v("RFENDTC", "Subject Reference End Date/Time", "date"),
            _v("RFXSTDTC", "Date/Time of First Study Treatment", "date"),
            _v("RFICDTC", "Date/Time of Informed Consent", "date"),
            _v("RANDDTC", "Date/Time of Randomization", "date"),
            _v("DTHDTC", "Date/Time of Death", "date"),
            _v("DTHFL", "Subject Death Flag"),
            _v("SITEID", "Study Site Identifier", required=True),
            _v("AGE", "Age", "number"),
            _v("AGEU", "Age Units"),
            _v("SEX", "Sex", required=True),
            _v("ARMCD", "Planned Arm Code"),
            _v("ARM", "Description of Planned Arm"),
            _v("ACTARMCD", "Actual Arm Code"),
            _v("ACTARM", "Description of Actual Arm"),
            _v("COUNTRY", "Country"),
        ),
        ("USUBJID",),
    ),
    Domain(
        "DS",
        "Disposition",
        (
            *_ids("DS"),
            _v("DSTERM", "Reported Term for the Disposition Event", required=True),
            _v("DSDECOD", "Standardized Disposition Term", required=True),
            _v("DSCAT", "Category for Disposition Event"),
            _v("DSSTDTC", "Start Date/Time of Disposition Event", "date"),
        ),
        ("USUBJID", "DSSTDTC", "DSDECOD"),
    ),
    Domain(
        "IE",
        "Inclusion/Exclusion Criteria Not Met",
        (
            *_ids("IE"),
            _v("IETESTCD", "Inclusion/Exclusion Criterion Short Name", required=True),
            _v("IETEST", "Inclusion/Exclusion Criterion", required=True),
            _v("IECAT", "Inclusion/Exclusion Category", required=True),
            _v("IEORRES", "I/E Criterion Original Result"),
            _v("IESTRESC", "I/E Criterion Result in Std Format"),
            _v("IEDTC", "Date/Time of Collection", "date"),
        ),
        ("USUBJID", "IETESTCD"),
    ),
    Domain(
        "EX",
        "Exposure",
        (
            *_ids("EX"),
            _v("EXTRT", "Name of Treatment", required=True),
            _v("EXDOSE", "Dose", "number"),
            _v("EXDOSU", "Dose Units"),
            _v("EXROUTE", "Route of Administration"),
            _v("EXLOT", "Lot Number"),
            _v("EXSTDTC", "Start Date/Time of Treatment", "date"),
            _v("EXENDTC", "End Date/Time of Treatment", "date"),
        ),
        ("USUBJID", "EXSTDTC"),
    ),
    Domain(
        "SV",
        "Subject Visits",
        (
            _v("STUDYID", "Study Identifier", required=True),
            _v("DOMAIN", "Domain Abbreviation", required=True),
            _v("USUBJID", "Unique Subject Identifier", required=True),
            _v("VISITNUM", "Visit Number", "number", True),
            _v("VISIT", "Visit Name"),
            _v("SVSTDTC", "Start Date/Time of Visit", "date"),
            _v("SVPRESP", "Pre-specified"),
            _v("SVOCCUR", "Occurrence"),
            _v("SVREASOC", "Reason for Occur Value"),
            _v("SVDY", "Study Day of Visit", "integer"),
        ),
        ("USUBJID", "VISITNUM"),
    ),
    Domain(
        "LB",
        "Laboratory Test Results",
        (
            *_ids("LB"),
            _v("LBTESTCD", "Lab Test or Examination Short Name", required=True),
            _v("LBTEST", "Lab Test or Examination Name", required=True),
            _v("LBCAT", "Category for Lab Test"),
            _v("LBLOINC", "LOINC Code"),
            _v("LBORRES", "Result or Finding in Original Units"),
            _v("LBORRESU", "Original Units"),
            _v("LBSTRESC", "Character Result/Finding in Std Format"),
            _v("LBSTRESN", "Numeric Result/Finding in Standard Units", "number"),
            _v("LBSTRESU", "Standard Units"),
            _v("LBLOBXFL", "Last Observation Before Exposure Flag"),
            *_visit(),
            _v("LBDTC", "Date/Time of Specimen Collection", "date"),
            _v("LBDY", "Study Day of Specimen Collection", "integer"),
        ),
        ("USUBJID", "LBTESTCD", "VISITNUM", "LBDTC"),
    ),
    Domain(
        "RS",
        "Disease Response and Clin Classification",
        (
            *_ids("RS"),
            _v("RSTESTCD", "Assessment Short Name", required=True),
            _v("RSTEST", "Assessment Name", required=True),
            _v("RSCAT", "Category for Assessment"),
            _v("RSORRES", "Result or Finding in Original Units"),
            _v("RSSTRESC", "Character Result/Finding in Std Format"),
            _v("RSSTRESN", "Numeric Result/Finding in Standard Units", "number"),
            _v("RSMETHOD", "Method (formula version)"),
            *_visit(),
            _v("RSDTC", "Date/Time of Assessment", "date"),
            _v("RSDY", "Study Day of Assessment", "integer"),
        ),
        ("USUBJID", "RSTESTCD", "VISITNUM", "RSDTC"),
    ),
    Domain(
        "VS",
        "Vital Signs",
        (
            *_ids("VS"),
            _v("VSTESTCD", "Vital Signs Test Short Name", required=True),
            _v("VSTEST", "Vital Signs Test Name", required=True),
            _v("VSORRES", "Result or Finding in Original Units"),
            _v("VSORRESU", "Original Units"),
            _v("VSSTRESN", "Numeric Result/Finding in Standard Units", "number"),
            _v("VSSTRESU", "Standard Units"),
            *_visit(),
            _v("VSDTC", "Date/Time of Measurements", "date"),
        ),
        ("USUBJID", "VSTESTCD", "VISITNUM"),
    ),
    Domain(
        "CE",
        "Clinical Events",
        (
            *_ids("CE"),
            _v("CETERM", "Reported Term for the Clinical Event", required=True),
            _v("CEDECOD", "Dictionary-Derived Term"),
            _v("CECAT", "Category for Clinical Event"),
            _v("CEPRESP", "Clinical Event Pre-specified"),
            _v("CEOCCUR", "Clinical Event Occurrence"),
            _v("CESEV", "Severity/Intensity"),
            _v("CEHOSP", "Hospitalization (supplemental)"),
            _v("CESTDTC", "Start Date/Time of Clinical Event", "date"),
            _v("CEENDTC", "End Date/Time of Clinical Event", "date"),
        ),
        ("USUBJID", "CESTDTC", "CEDECOD"),
    ),
    Domain(
        "AE",
        "Adverse Events",
        (
            *_ids("AE"),
            _v("AETERM", "Reported Term for the Adverse Event", required=True),
            _v("AEDECOD", "Dictionary-Derived Term"),
            _v("AETOXGR", "Standard Toxicity Grade"),
            _v("AESER", "Serious Event"),
            _v("AESDTH", "Results in Death"),
            _v("AESLIFE", "Is Life Threatening"),
            _v("AESHOSP", "Requires or Prolongs Hospitalization"),
            _v("AESDISAB", "Persist or Signif Disability/Incapacity"),
            _v("AESCONG", "Congenital Anomaly or Birth Defect"),
            _v("AESMIE", "Other Medically Important Serious Event"),
            _v("AEREL", "Causality"),
            _v("AEACN", "Action Taken with Study Treatment"),
            _v("AEOUT", "Outcome of Adverse Event"),
            _v("AESTDTC", "Start Date/Time of Adverse Event", "date"),
            _v("AEENDTC", "End Date/Time of Adverse Event", "date"),
        ),
        ("USUBJID", "AESTDTC", "AETERM"),
    ),
)

DOMAINS: Mapping[str, Domain] = MappingProxyType({d.code: d for d in _DOMAINS})


def domain(code: str) -> Domain:
    from hepatrial.errors import InputError

    if code not in DOMAINS:
        raise InputError(field="domain", expected=f"one of {', '.join(DOMAINS)}", received=code)
    return DOMAINS[code]
