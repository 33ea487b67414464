"""Eligibility: a candidate's screening facts and investigator attestations against the protocol.

The protocol file declares each criterion as *computed* from recorded screening facts by a small
rule language, or *attested* by the investigator against a source document. A rule is true when the
criterion's text holds for the candidate, so an inclusion criterion is met when its rule is true and
an exclusion criterion is met when its rule is false. Rules are evaluated in three-valued (Kleene)
logic: a fact not yet recorded makes a rule unknown unless the known facts already decide it, so a
candidate who is clearly ineligible is reported as such before every fact is in.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal

from hepatrial.errors import InputError
from hepatrial.protocol import (
    NEVER,
    AgeBetween,
    AllOf,
    AnyOf,
    Compare,
    Criterion,
    Equals,
    Not,
    Protocol,
    Recorded,
    Rule,
    ScreeningFact,
    WithinDays,
)

__all__ = [
    "Attestation",
    "CriterionOutcome",
    "EligibilityResult",
    "EligibilityStatus",
    "FactValue",
    "evaluate_eligibility",
]

FactValue = date | bool | str | float | int


class EligibilityStatus(StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not eligible"
    INCOMPLETE = "incomplete"


@dataclass(frozen=True, slots=True)
class Attestation:
    """The investigator's answer for an attested criterion.

    ``holds`` says whether the criterion's text holds for the candidate (for an exclusion, True
    means the candidate has the excluding condition). ``source_document`` names the document it was
    checked against; an attestation without one is not accepted.
    """

    holds: bool
    source_document: str


@dataclass(frozen=True, slots=True)
class CriterionOutcome:
    """How one criterion came out. ``met`` is None while it cannot yet be decided."""

    code: str
    kind: Literal["inclusion", "exclusion"]
    text: str
    decision: Literal["computed", "attested"]
    holds: bool | None
    reason: str
    missing: tuple[str, ...]

    @property
    def met(self) -> bool | None:
        if self.holds is None:
            return None
        return self.holds if self.kind == "inclusion" else not self.holds


@dataclass(frozen=True, slots=True)
class EligibilityResult:
    """Every criterion's outcome, and the overall status they imply.

    Not eligible as soon as any criterion fails (even with facts still missing); otherwise
    incomplete while anything is missing; otherwise eligible.
    """

    outcomes: tuple[CriterionOutcome, ...]

    @property
    def failed(self) -> tuple[CriterionOutcome, ...]:
        return tuple(o for o in self.outcomes if o.met is False)

    @property
    def undecided(self) -> tuple[CriterionOutcome, ...]:
        return tuple(o for o in self.outcomes if o.met is None)

    @property
    def missing(self) -> tuple[str, ...]:
        """Facts and attestations still needed, in criterion order, without repeats."""
        seen: dict[str, None] = {}
        for outcome in self.undecided:
            seen.update(dict.fromkeys(outcome.missing))
        return tuple(seen)

    @property
    def status(self) -> EligibilityStatus:
        if self.failed:
            return EligibilityStatus.NOT_ELIGIBLE
        if self.undecided:
            return EligibilityStatus.INCOMPLETE
        return EligibilityStatus.ELIGIBLE


@dataclass(frozen=True, slots=True)
class _Truth:
    value: bool | None
    reason: str
    missing: tuple[str, ...] = ()


def evaluate_eligibility(
    protocol: Protocol,
    *,
    facts: Mapping[str, FactValue | None],
    attestations: Mapping[str, Attestation],
) -> EligibilityResult:
    """Evaluate a candidate against every inclusion and exclusion criterion of ``protocol``.

    ``facts`` maps screening-fact codes to values: ``date`` (ISO text accepted) for date facts,
    a date or ``"never"`` for event dates, ``bool``, a declared choice, or a number. A fact that is
    absent or None is not yet recorded. ``attestations`` maps attested criterion codes to the
    investigator's answers. Unknown codes and ill-typed values are errors, never ignored.
    """
    declared = {f.code: f for f in protocol.screening_facts}
    values = {code: _coerce_fact(declared, code, value) for code, value in facts.items()}
    criteria = {c.code: c for c in protocol.eligibility.inclusion + protocol.eligibility.exclusion}
    for code, attestation in attestations.items():
        _check_attestation(criteria, code, attestation)

    outcomes = [
        _outcome(c, "inclusion", values, attestations) for c in protocol.eligibility.inclusion
    ] + [_outcome(c, "exclusion", values, attestations) for c in protocol.eligibility.exclusion]
    return EligibilityResult(outcomes=tuple(outcomes))


def _outcome(
    criterion: Criterion,
    kind: Literal["inclusion", "exclusion"],
    values: Mapping[str, FactValue | None],
    attestations: Mapping[str, Attestation],
) -> CriterionOutcome:
    if criterion.decision == "attested":
        attestation = attestations.get(criterion.code)
        truth = (
            _Truth(None, "awaiting the investigator's attestation", (criterion.code,))
            if attestation is None
            else _Truth(
                attestation.holds,
                f"attested {'true' if attestation.holds else 'false'} against "
                f"{attestation.source_document}",
            )
        )
    else:
        assert criterion.rule is not None  # the protocol model guarantees a rule when computed
        truth = _evaluate(criterion.rule, values)
    return CriterionOutcome(
        code=criterion.code,
        kind=kind,
        text=criterion.text,
        decision=criterion.decision,
        holds=truth.value,
        reason=truth.reason,
        missing=truth.missing,
    )


def _evaluate(rule: Rule, values: Mapping[str, FactValue | None]) -> _Truth:
    match rule:
        case AgeBetween():
            return _age_between(rule, values)
        case Recorded():
            recorded = values.get(rule.fact) is not None
            return _Truth(recorded, f"{rule.fact} {'is' if recorded else 'is not'} recorded")
        case WithinDays():
            return _within_days(rule, values)
        case Equals():
            value = values.get(rule.fact)
            if value is None:
                return _unknown(rule.fact)
            return _Truth(value == rule.value, f"{rule.fact} is {_show(value)}")
        case Compare():
            return _compare(rule, values)
        case Not():
            inner = _evaluate(rule.rule, values)
            flipped = None if inner.value is None else not inner.value
            return _Truth(flipped, f"not ({inner.reason})", inner.missing)
        case AnyOf() | AllOf():
            return _combine(rule, values)
    raise AssertionError(f"unhandled rule {rule!r}")  # pragma: no cover - the union is closed


def _combine(rule: AnyOf | AllOf, values: Mapping[str, FactValue | None]) -> _Truth:
    parts = [_evaluate(r, values) for r in rule.rules]
    decisive = isinstance(rule, AnyOf)  # True decides any_of; False decides all_of
    deciding = [p for p in parts if p.value is decisive]
    if deciding:
        return _Truth(decisive, "; ".join(p.reason for p in deciding))
    if any(p.value is None for p in parts):
        missing = tuple(dict.fromkeys(m for p in parts for m in p.missing))
        return _Truth(None, "; ".join(p.reason for p in parts), missing)
    return _Truth(not decisive, "; ".join(p.reason for p in parts))


def _age_between(rule: AgeBetween, values: Mapping[str, FactValue | None]) -> _Truth:
    birth, at = values.get(rule.birth), values.get(rule.at)
    missing = tuple(code for code, v in ((rule.birth, birth), (rule.at, at)) if v is None)
    if missing:
        return _Truth(None, f"{' and '.join(missing)} not recorded", missing)
    assert isinstance(birth, date)
    assert isinstance(at, date)
    age = at.year - birth.year - ((at.month, at.day) < (birth.month, birth.day))
    inside = rule.min_years <= age <= rule.max_years
    return _Truth(inside, f"age {age} years at {rule.at} (range {rule.min_years}–{rule.max_years})")


def _within_days(rule: WithinDays, values: Mapping[str, FactValue | None]) -> _Truth:
    when, reference = values.get(rule.fact), values.get(rule.before)
    if when == NEVER:
        return _Truth(False, f"{rule.fact}: never")
    missing = tuple(code for code, v in ((rule.fact, when), (rule.before, reference)) if v is None)
    if missing:
        return _Truth(None, f"{' and '.join(missing)} not recorded", missing)
    assert isinstance(when, date)
    assert isinstance(reference, date)
    # An event on or after the reference date counts as within the period.
    days_before = (reference - when).days
    within = days_before <= rule.days
    return _Truth(
        within,
        f"{rule.fact} {when.isoformat()} is {days_before} days before {rule.before} "
        f"(limit {rule.days})",
    )


_COMPARATORS = {
    "lt": (float.__lt__, "<"),
    "le": (float.__le__, "≤"),
    "gt": (float.__gt__, ">"),
    "ge": (float.__ge__, "≥"),
}


def _compare(rule: Compare, values: Mapping[str, FactValue | None]) -> _Truth:
    value = values.get(rule.fact)
    if value is None:
        return _unknown(rule.fact)
    assert isinstance(value, int | float)
    compare, symbol = _COMPARATORS[rule.op]
    return _Truth(
        compare(float(value), float(rule.value)),
        f"{rule.fact} is {_show(value)} (criterion {symbol} {rule.value:g})",
    )


def _unknown(fact: str) -> _Truth:
    return _Truth(None, f"{fact} not recorded", (fact,))


def _show(value: FactValue) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _coerce_fact(
    declared: Mapping[str, ScreeningFact], code: str, value: FactValue | None
) -> FactValue | None:
    fact = declared.get(code)
    if fact is None:
        raise InputError(
            field="screening fact", expected=f"one of {', '.join(declared)}", received=code
        )
    if value is None:
        return None
    kind = fact.type
    if kind in ("date", "event_date"):
        if kind == "event_date" and value == NEVER:
            return NEVER
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        elif isinstance(value, date):
            return value
        expected = "a date (YYYY-MM-DD)" + (' or "never"' if kind == "event_date" else "")
        raise InputError(field=code, expected=expected, received=value)
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        raise InputError(field=code, expected="true or false", received=value)
    if kind == "choice":
        if isinstance(value, str) and value in fact.choices:
            return value
        raise InputError(field=code, expected=f"one of {', '.join(fact.choices)}", received=value)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(field=code, expected="a finite number", received=value)
    return value


def _check_attestation(
    criteria: Mapping[str, Criterion], code: str, attestation: Attestation
) -> None:
    criterion = criteria.get(code)
    attested = [c.code for c in criteria.values() if c.decision == "attested"]
    if criterion is None or criterion.decision != "attested":
        raise InputError(
            field="attestation",
            expected=f"an attested criterion ({', '.join(attested)})",
            received=code,
        )
    if not attestation.source_document.strip():
        raise InputError(
            field=f"{code}.source_document",
            expected="the source document the investigator checked",
            received=attestation.source_document,
        )
