"""Automatic data checks on a visit, as pure functions returning findings.

The visits service gathers every finding of a visit at once and hands the list to the queries
app, which opens a query for each new finding and closes those that no longer fire; a rule that
is silent here is therefore a query that closes.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from hepatrial.design.schedule import VisitWindow, WindowPosition
from hepatrial.edc.queries.checks import Finding

__all__ = [
    "FORM_ENTRY_DAYS",
    "RULE_DATES",
    "RULE_MISSING_FORM",
    "RULE_WINDOW",
    "VISIT_RULES",
    "RequiredForm",
    "date_order_findings",
    "deviation_text",
    "missing_form_findings",
    "window_findings",
]

RULE_WINDOW = "VISIT_OUTSIDE_WINDOW"
RULE_DATES = "VISIT_DATES_INCONSISTENT"
RULE_MISSING_FORM = "FORM_MISSING"
VISIT_RULES = (RULE_WINDOW, RULE_DATES, RULE_MISSING_FORM)

# Forms are usually entered in the days after a visit; asking for them the moment the visit is
# recorded would open a query at nearly every visit. A form still missing a week after the visit
# is raised.
FORM_ENTRY_DAYS = 7


def deviation_text(code: str, actual: date, window: VisitWindow, position: WindowPosition) -> str:
    """The protocol deviation of a visit done outside its window, in words."""
    return (
        f"{code} done on {actual}, {position} "
        f"(window {window.earliest} to {window.latest}, target {window.target})"
    )


def window_findings(
    code: str, actual: date, window: VisitWindow | None, position: WindowPosition | None
) -> list[Finding]:
    """A visit done outside its window (it is recorded, as a deviation, and queried)."""
    if window is None or position is None or position.in_window:
        return []
    return [Finding(RULE_WINDOW, "actual_date", deviation_text(code, actual, window, position))]


def date_order_findings(
    code: str, actual: date, earlier: Sequence[tuple[str, date]]
) -> list[Finding]:
    """A scheduled visit not dated after every visit the protocol puts before it.

    ``earlier`` holds the code and date of the done visits scheduled before this one.
    """
    clashes = [f"{other} on {when}" for other, when in earlier if when >= actual]
    if not clashes:
        return []
    return [
        Finding(
            RULE_DATES,
            "actual_date",
            f"{code} on {actual} is not after {', '.join(clashes)}; check the visit dates",
        )
    ]


@dataclass(frozen=True, slots=True)
class RequiredForm:
    """A procedure of the visit that collects data: its code, label, and the items it collects
    (measure codes such as ``BILI``, or the procedure's own code for a whole form)."""

    code: str
    label: str
    items: tuple[str, ...]


def missing_form_findings(
    code: str,
    actual: date,
    *,
    today: date,
    required: Sequence[RequiredForm],
    present: Collection[str],
) -> list[Finding]:
    """One finding per form the protocol requires at a done visit that is still incomplete
    ``FORM_ENTRY_DAYS`` after it; the finding's field is the procedure's code."""
    if (today - actual).days < FORM_ENTRY_DAYS:
        return []
    findings = []
    for form in required:
        missing = [item for item in form.items if item not in present]
        if missing:
            findings.append(
                Finding(
                    RULE_MISSING_FORM,
                    form.code,
                    f"{code} (done on {actual}): {form.label} is missing {', '.join(missing)}; "
                    "please enter it",
                )
            )
    return findings
