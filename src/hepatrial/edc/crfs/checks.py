"""Automatic data checks on case report forms, as pure functions returning findings.

The crfs services run them after every save, correction or void and hand the findings of each
record to the queries app, which opens a query per new finding and closes those that stopped
firing. The limits and the mix-up rules are the lab catalogue's (``standardize_lab`` flags);
the PT/INR agreement is ``pt_inr_consistent``'s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from hepatrial.clinical.labs import pt_inr_consistent, pt_inr_expected
from hepatrial.edc.queries.checks import Finding

__all__ = [
    "ASSESSMENT_RULES",
    "LAB_RULES",
    "RULE_PT_INR",
    "RULE_SOFT_LIMIT",
    "RULE_UNIT_MIXUP",
    "RULE_WEIGHT_CHANGE",
    "WEIGHT_CHANGE_LIMIT",
    "lab_flag_findings",
    "pt_inr_findings",
    "weight_change_findings",
]

RULE_SOFT_LIMIT = "LAB_SOFT_LIMIT"
RULE_UNIT_MIXUP = "LAB_UNIT_MIXUP"
RULE_PT_INR = "PT_INR_INCONSISTENT"
RULE_WEIGHT_CHANGE = "WEIGHT_CHANGE"
LAB_RULES = (RULE_SOFT_LIMIT, RULE_UNIT_MIXUP, RULE_PT_INR)
ASSESSMENT_RULES = (RULE_WEIGHT_CHANGE,)

# A change of more than 10 % in body weight between two visits is more often a typing error
# (or an unrecorded paracentesis) than a real change in a few weeks; it is queried, not refused.
WEIGHT_CHANGE_LIMIT = 0.10

_FLAG_RULES = {"soft_limit": RULE_SOFT_LIMIT, "unit_mixup": RULE_UNIT_MIXUP}


def lab_flag_findings(flags: Sequence[Mapping[str, str]]) -> list[Finding]:
    """A value beyond its soft limits, or typical of another unit, as ``standardize_lab``
    flagged it (``flags`` as stored: ``{"kind", "message"}``)."""
    return [
        Finding(_FLAG_RULES[flag["kind"]], "value_entered", flag["message"])
        for flag in flags
        if flag["kind"] in _FLAG_RULES
    ]


def pt_inr_findings(pt_seconds: float | None, inr: float | None) -> list[Finding]:
    """An INR that does not agree with the PT of the same visit (checked on the INR result)."""
    if pt_seconds is None or inr is None or pt_inr_consistent(pt_seconds, inr):
        return []
    expected = pt_inr_expected(pt_seconds)
    return [
        Finding(
            RULE_PT_INR,
            "value_entered",
            f"INR {inr:g} does not agree with PT {pt_seconds:g} s (which implies an INR near "
            f"{expected:.2f}); please check both results",
        )
    ]


def weight_change_findings(
    weight_kg: float | None, previous: tuple[str, date, float] | None
) -> list[Finding]:
    """A weight more than ``WEIGHT_CHANGE_LIMIT`` away from the weight at the visit before.

    ``previous`` is that visit's code, date and weight, or None when there is none.
    """
    if weight_kg is None or previous is None:
        return []
    code, when, before = previous
    change = (weight_kg - before) / before
    if abs(change) <= WEIGHT_CHANGE_LIMIT:
        return []
    return [
        Finding(
            RULE_WEIGHT_CHANGE,
            "weight_kg",
            f"weight {weight_kg:g} kg changed by {change:+.0%} from {before:g} kg at {code} "
            f"({when}), more than {WEIGHT_CHANGE_LIMIT:.0%}; please confirm it",
        )
    ]
