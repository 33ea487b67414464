"""Case report form services: enter, correct and void lab results and clinical assessments, enter
demographics, and derive the liver scores again after each change.

Every entry needs a visit recorded as done on a possible date (``visit_date_guard``: not before
day 0 except at screening, not after death). Lab values go through ``standardize_lab``: beyond a
hard limit they are refused with its message; beyond a soft limit or typical of another unit they
are kept and queried. After every write the scores of the visit are derived again
(:func:`scores_derive`) and the checks of the records touched run again, so a query closes itself
once the data is corrected.
"""

from hepatrial.edc.crfs.services_forms import (
    clinical_assessment_correct,
    clinical_assessment_enter,
    clinical_assessment_void,
    demographics_correct,
    demographics_enter,
)
from hepatrial.edc.crfs.services_labs import (
    lab_panel_enter,
    lab_result_correct,
    lab_result_enter,
    lab_result_void,
)
from hepatrial.edc.crfs.services_scores import scores_derive

__all__ = [
    "clinical_assessment_correct",
    "clinical_assessment_enter",
    "clinical_assessment_void",
    "demographics_correct",
    "demographics_enter",
    "lab_panel_enter",
    "lab_result_correct",
    "lab_result_enter",
    "lab_result_void",
    "scores_derive",
]
