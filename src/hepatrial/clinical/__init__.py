"""Clinical rules: the lab catalogue, units, lab capture, liver scores, dosing and eligibility.

Everything here is pure: values in, frozen results out, no clock, no database. The score functions
take canonical units (bilirubin and creatinine µmol/L, albumin g/L, sodium mmol/L, INR ratio).
"""

from hepatrial.clinical.catalogue import LAB_CATALOGUE, LabTest, lab_test
from hepatrial.clinical.dosing import DoseCheck, DosePlan, dose_calculate, dose_check
from hepatrial.clinical.eligibility import (
    Attestation,
    CriterionOutcome,
    EligibilityResult,
    EligibilityStatus,
    evaluate_eligibility,
)
from hepatrial.clinical.infusion import infusion_check, infusion_plan
from hepatrial.clinical.labs import LabFlag, LabValue, standardize_lab, standardize_panel
from hepatrial.clinical.panels import ScoredPanels, score_panels
from hepatrial.clinical.scores import (
    AlbiResult,
    ChildPughResult,
    MeldResult,
    UsedInput,
    albi,
    child_pugh,
    compute_albi,
    compute_child_pugh,
    compute_meld,
    compute_meld_3,
    compute_meld_na,
    meld,
    meld_3,
    meld_na,
)
from hepatrial.clinical.units import from_canonical, normalize_unit, to_canonical

__all__ = [
    "LAB_CATALOGUE",
    "AlbiResult",
    "Attestation",
    "ChildPughResult",
    "CriterionOutcome",
    "DoseCheck",
    "DosePlan",
    "EligibilityResult",
    "EligibilityStatus",
    "LabFlag",
    "LabTest",
    "LabValue",
    "MeldResult",
    "ScoredPanels",
    "UsedInput",
    "albi",
    "child_pugh",
    "compute_albi",
    "compute_child_pugh",
    "compute_meld",
    "compute_meld_3",
    "compute_meld_na",
    "dose_calculate",
    "dose_check",
    "evaluate_eligibility",
    "from_canonical",
    "infusion_check",
    "infusion_plan",
    "lab_test",
    "meld",
    "meld_3",
    "meld_na",
    "normalize_unit",
    "score_panels",
    "standardize_lab",
    "standardize_panel",
    "to_canonical",
]
