"""The lab catalogue: what each test is called, how it is coded, its units and its limits.

Codes follow SDTM Controlled Terminology 2025-03-25 (LBTESTCD codelist C65047, LBTEST C67154,
UNIT C71620) and LOINC for serum or plasma; limits follow ``shared/reference/liver-scores.md`` §8,
which anchors them to the MIMIC-IV null-out filters. Every number a unit conversion needs lives
here, in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from hepatrial.errors import InputError

__all__ = [
    "ALBUMIN_G_L_PER_G_DL",
    "BILIRUBIN_UMOL_PER_MG_DL",
    "CREATININE_UMOL_PER_MG_DL",
    "LAB_CATALOGUE",
    "LabTest",
    "MixupRule",
    "Range",
    "UnitDef",
    "lab_test",
    "protocol_lab_problems",
]

# Conversion factors, canonical unit per conventional unit (liver-scores.md §6).
BILIRUBIN_UMOL_PER_MG_DL = 17.1  # molecular weight 584.66 g/mol
CREATININE_UMOL_PER_MG_DL = 88.4  # molecular weight 113.12 g/mol
ALBUMIN_G_L_PER_G_DL = 10.0
ENZYME_U_L_PER_UKAT_L = 60.0  # 1 µkat = 60 µmol/min = 60 U


@dataclass(frozen=True, slots=True)
class Range:
    """An interval of acceptable values; a bound of ``None`` is open-ended.

    ``low_closed`` / ``high_closed`` say whether the bound itself is acceptable.
    """

    low: float | None = None
    high: float | None = None
    low_closed: bool = True
    high_closed: bool = True

    def contains(self, value: float) -> bool:
        if self.low is not None and (
            value < self.low or (value == self.low and not self.low_closed)
        ):
            return False
        return not (
            self.high is not None
            and (value > self.high or (value == self.high and not self.high_closed))
        )

    def describe(self, unit: str) -> str:
        """Human words for the range, e.g. 'a value > 0 and ≤ 1400 umol/L'."""
        parts = []
        if self.low is not None:
            parts.append(f"{'≥' if self.low_closed else '>'} {self.low:g}")
        if self.high is not None:
            parts.append(f"{'≤' if self.high_closed else '<'} {self.high:g}")
        return f"a value {' and '.join(parts)} {unit}" if parts else f"any value in {unit}"


@dataclass(frozen=True, slots=True)
class UnitDef:
    """One unit a test may be reported in.

    ``factor`` converts to the canonical unit (canonical = value × factor). ``cdisc`` is the SDTM
    UNIT submission value, ``ucum`` the UCUM code FHIR wants, ``loinc`` the LOINC code of the test
    when reported in this unit (mass and molar concentrations have different codes).
    """

    unit: str
    factor: float
    cdisc: str
    ucum: str
    loinc: str


@dataclass(frozen=True, slots=True)
class MixupRule:
    """A value in ``unit`` beyond ``threshold`` that is more likely in ``likely_unit``."""

    unit: str
    below: float | None
    above: float | None
    likely_unit: str


@dataclass(frozen=True, slots=True)
class LabTest:
    """One test of the catalogue. ``canonical_unit`` is the unit every score and analysis uses."""

    code: str  # SDTM LBTESTCD
    name: str  # SDTM LBTEST
    nci_code: str
    canonical_unit: str
    units: Mapping[str, UnitDef]
    hard: Range  # beyond it the value is rejected
    soft: Range  # beyond it the value is kept and a data query is raised
    decimals: int  # reporting precision in the canonical unit
    mixups: tuple[MixupRule, ...] = field(default=())

    @property
    def loinc(self) -> str:
        """The LOINC code of the test in its canonical unit."""
        return self.units[self.canonical_unit].loinc


def _units(*defs: UnitDef) -> Mapping[str, UnitDef]:
    return MappingProxyType({d.unit: d for d in defs})


def _enzyme(code: str, name: str, nci: str, loinc: str, soft: Range, hard_high: float) -> LabTest:
    return LabTest(
        code=code,
        name=name,
        nci_code=nci,
        canonical_unit="U/L",
        units=_units(
            UnitDef("U/L", 1.0, "U/L", "U/L", loinc),
            UnitDef("IU/L", 1.0, "U/L", "U/L", loinc),
            UnitDef("ukat/L", ENZYME_U_L_PER_UKAT_L, "ukat/L", "ukat/L", loinc),
        ),
        hard=Range(0.0, hard_high),
        soft=soft,
        decimals=0,
    )


_TESTS = (
    _enzyme("ALT", "Alanine Aminotransferase", "C64433", "1742-6", Range(None, 1000.0), 20000.0),
    _enzyme("AST", "Aspartate Aminotransferase", "C64467", "1920-8", Range(None, 1000.0), 20000.0),
    _enzyme("ALP", "Alkaline Phosphatase", "C64432", "6768-6", Range(20.0, 1500.0), 5000.0),
    LabTest(
        code="BILI",
        name="Bilirubin",
        nci_code="C38037",
        canonical_unit="umol/L",
        units=_units(
            UnitDef("umol/L", 1.0, "umol/L", "umol/L", "14631-6"),
            UnitDef("mg/dL", BILIRUBIN_UMOL_PER_MG_DL, "mg/dL", "mg/dL", "1975-2"),
        ),
        hard=Range(0.0, 1400.0, low_closed=False),
        soft=Range(None, 600.0),
        decimals=1,
        mixups=(MixupRule("umol/L", below=3.0, above=None, likely_unit="mg/dL"),),
    ),
    LabTest(
        code="ALB",
        name="Albumin",
        nci_code="C64431",
        canonical_unit="g/L",
        units=_units(
            UnitDef("g/L", 1.0, "g/L", "g/L", "1751-7"),
            UnitDef("g/dL", ALBUMIN_G_L_PER_G_DL, "g/dL", "g/dL", "1751-7"),
        ),
        hard=Range(5.0, 70.0),
        soft=Range(15.0, 55.0),
        decimals=1,
        mixups=(
            MixupRule("g/L", below=8.0, above=None, likely_unit="g/dL"),
            MixupRule("g/dL", below=None, above=10.0, likely_unit="g/L"),
        ),
    ),
    LabTest(
        code="PT",
        name="Prothrombin Time",
        nci_code="C62656",
        canonical_unit="s",
        units=_units(UnitDef("s", 1.0, "s", "s", "5902-2")),
        hard=Range(5.0, 150.0),
        soft=Range(None, 60.0),
        decimals=1,
    ),
    LabTest(
        code="INR",
        name="Prothrombin Intl. Normalized Ratio",
        nci_code="C64805",
        canonical_unit="ratio",
        units=_units(UnitDef("ratio", 1.0, "RATIO", "{INR}", "6301-6")),
        hard=Range(0.5, 20.0, low_closed=False),
        soft=Range(0.8, 6.0),
        decimals=2,
    ),
    LabTest(
        code="CREAT",
        name="Creatinine",
        nci_code="C64547",
        canonical_unit="umol/L",
        units=_units(
            UnitDef("umol/L", 1.0, "umol/L", "umol/L", "14682-9"),
            UnitDef("mg/dL", CREATININE_UMOL_PER_MG_DL, "mg/dL", "mg/dL", "2160-0"),
        ),
        hard=Range(10.0, 3500.0),
        soft=Range(25.0, 1000.0),
        decimals=1,
        mixups=(MixupRule("umol/L", below=15.0, above=None, likely_unit="mg/dL"),),
    ),
    LabTest(
        code="SODIUM",
        name="Sodium",
        nci_code="C64809",
        canonical_unit="mmol/L",
        units=_units(
            UnitDef("mmol/L", 1.0, "mmol/L", "mmol/L", "2951-2"),
            UnitDef("mEq/L", 1.0, "mEq/L", "meq/L", "2951-2"),
        ),
        hard=Range(90.0, 190.0),
        soft=Range(115.0, 155.0),
        decimals=1,
    ),
)

LAB_CATALOGUE: Mapping[str, LabTest] = MappingProxyType({t.code: t for t in _TESTS})


def lab_test(code: str) -> LabTest:
    """The catalogue entry for an SDTM LBTESTCD; an unknown code is an error."""
    try:
        return LAB_CATALOGUE[code]
    except KeyError:
        raise InputError(
            field="test code",
            expected=f"one of {', '.join(LAB_CATALOGUE)}",
            received=code,
        ) from None


def protocol_lab_problems(lab_codes: tuple[str, ...]) -> tuple[str, ...]:
    """Problems with a protocol's lab measures: every code must be a test of this catalogue.

    Kept here rather than in the protocol loader because the protocol package may not import the
    clinical rules; ``hepatrial protocol check`` runs both.
    """
    known = ", ".join(LAB_CATALOGUE)
    return tuple(
        f"measures.labs[{index}].code: expected a test of the lab catalogue ({known}), got {code!r}"
        for index, code in enumerate(lab_codes)
        if code not in LAB_CATALOGUE
    )
