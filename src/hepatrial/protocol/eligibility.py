"""Eligibility as data: the facts recorded at screening, the criteria, and the rules deciding them.

A criterion is either *computed* from screening facts by a rule, or *attested* by the investigator
against a source document. A rule is true when the criterion's text holds for the candidate, so an
exclusion rule is true when the candidate must be excluded. The evaluator lives in
``hepatrial.clinical.eligibility``; this module only describes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Annotated, Literal, Self, TypeAlias

from pydantic import Field, model_validator

from hepatrial.errors import describe
from hepatrial.protocol._base import (
    Code,
    Frozen,
    Loc,
    Name,
    NonNegativeInt,
    Number,
    PositiveInt,
    Problem,
    Text,
    duplicate_problems,
    one_of,
    problem,
    raise_problems,
)

__all__ = [
    "NEVER",
    "AgeBetween",
    "AllOf",
    "AnyOf",
    "Compare",
    "Criterion",
    "Eligibility",
    "Equals",
    "FactType",
    "Not",
    "Recorded",
    "Rule",
    "ScreeningFact",
    "WithinDays",
    "eligibility_problems",
    "rule_facts",
]

FactType = Literal["date", "event_date", "boolean", "choice", "number"]

NEVER = "never"
"""The value of an event_date fact when the event never happened."""


class ScreeningFact(Frozen):
    """One fact the coordinator records at screening for the computed criteria.

    ``event_date`` facts hold a date or the literal ``"never"``; ``choice`` facts hold one of
    ``choices``; ``number`` facts may carry a ``unit``.
    """

    code: Name
    label: Text
    type: FactType
    choices: tuple[Text, ...] = ()
    unit: Text | None = None

    @model_validator(mode="after")
    def _extras_fit_the_type(self) -> Self:
        problems: list[Problem] = []
        if self.type == "choice":
            if len(set(self.choices)) < 2:
                problems.append(
                    problem(("choices",), "at least 2 distinct choices for a choice fact", None)
                    if not self.choices
                    else problem(("choices",), "at least 2 distinct choices", list(self.choices))
                )
        elif self.choices:
            problems.append(
                problem(("choices",), f"no choices for a {self.type} fact", list(self.choices))
            )
        if self.unit is not None and self.type != "number":
            problems.append(problem(("unit",), f"no unit for a {self.type} fact", self.unit))
        raise_problems("ScreeningFact", problems)
        return self


class AgeBetween(Frozen):
    """True when the age in completed years at fact ``at`` lies in [min_years, max_years].

    Both bounds are inclusive: "18-80 years old" admits someone the day they turn 18 and up to
    the day before they turn 81. ``birth`` and ``at`` name date facts.
    """

    kind: Literal["age_between"]
    birth: Name
    at: Name
    min_years: NonNegativeInt
    max_years: NonNegativeInt

    @model_validator(mode="after")
    def _bounds_in_order(self) -> Self:
        if self.max_years < self.min_years:
            raise_problems(
                "AgeBetween",
                [problem(("max_years",), f"at least min_years ({self.min_years})", self.max_years)],
            )
        return self


class Recorded(Frozen):
    """True when ``fact`` has been recorded (any value)."""

    kind: Literal["recorded"]
    fact: Name


class WithinDays(Frozen):
    """True when the event_date ``fact`` falls on or after the date ``days`` days before ``before``.

    ``before`` names a date fact. An event dated after ``before`` (a therapy still going on at
    consent) counts as within; ``"never"`` is not within.
    """

    kind: Literal["within_days"]
    fact: Name
    before: Name
    days: PositiveInt


class Equals(Frozen):
    """True when ``fact`` equals ``value``, which must fit the fact's type (and choices)."""

    kind: Literal["equals"]
    fact: Name
    value: bool | int | float | date | str


class Compare(Frozen):
    """True when the number ``fact`` compares with ``value`` by ``op`` (lt, le, gt, ge)."""

    kind: Literal["compare"]
    fact: Name
    op: Literal["lt", "le", "gt", "ge"]
    value: Number


class AnyOf(Frozen):
    """True when at least one of ``rules`` is true."""

    kind: Literal["any_of"]
    rules: tuple[Rule, ...] = Field(min_length=1)


class AllOf(Frozen):
    """True when every one of ``rules`` is true."""

    kind: Literal["all_of"]
    rules: tuple[Rule, ...] = Field(min_length=1)


class Not(Frozen):
    """True when ``rule`` is false."""

    kind: Literal["not"]
    rule: Rule


Rule: TypeAlias = Annotated[
    AgeBetween | Recorded | WithinDays | Equals | Compare | AnyOf | AllOf | Not,
    Field(discriminator="kind"),
]

for _model in (AnyOf, AllOf, Not):
    _model.model_rebuild()


class Criterion(Frozen):
    """One inclusion or exclusion criterion, with the registered text verbatim.

    A computed criterion carries a ``rule``; an attested one carries ``source_document`` (what the
    investigator checks it against) and no rule.
    """

    code: Code
    text: Text
    decision: Literal["computed", "attested"]
    rule: Rule | None = None
    source_document: Text | None = None

    @model_validator(mode="after")
    def _decision_has_its_evidence(self) -> Self:
        problems: list[Problem] = []
        if self.decision == "computed" and self.rule is None:
            problems.append(problem(("rule",), "a rule for a computed criterion", None))
        if self.decision == "attested":
            if self.rule is not None:
                problems.append(
                    problem(("rule",), "no rule for an attested criterion", self.rule.kind)
                )
            if self.source_document is None:
                problems.append(
                    problem(("source_document",), "guidance for an attested criterion", None)
                )
        raise_problems("Criterion", problems)
        return self


class Eligibility(Frozen):
    """The inclusion and exclusion criteria; codes are unique across both lists."""

    inclusion: tuple[Criterion, ...] = Field(min_length=1)
    exclusion: tuple[Criterion, ...] = ()

    @model_validator(mode="after")
    def _codes_unique(self) -> Self:
        problems = list(duplicate_problems(self.inclusion, ("inclusion",)))
        problems += duplicate_problems(self.exclusion, ("exclusion",))
        inclusion_codes = {c.code for c in self.inclusion}
        problems += [
            problem(("exclusion", i, "code"), "a code not used by an inclusion criterion", c.code)
            for i, c in enumerate(self.exclusion)
            if c.code in inclusion_codes
        ]
        raise_problems("Eligibility", problems)
        return self

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        """Every criterion, inclusion first, each list in its declared order."""
        return self.inclusion + self.exclusion

    def category(self, code: str) -> Literal["inclusion", "exclusion"] | None:
        """Whether criterion ``code`` is an inclusion or exclusion criterion (None if unknown)."""
        if any(c.code == code for c in self.inclusion):
            return "inclusion"
        if any(c.code == code for c in self.exclusion):
            return "exclusion"
        return None


def rule_facts(rule: Rule) -> tuple[str, ...]:
    """The screening facts ``rule`` reads, in order of first mention, without repeats."""
    return tuple(dict.fromkeys(code for _, _, _, code in _references(rule, ())))


# What type each rule field's fact must have; None means any declared fact.
_EXPECTED_TYPE: dict[tuple[str, str], FactType | None] = {
    ("age_between", "birth"): "date",
    ("age_between", "at"): "date",
    ("recorded", "fact"): None,
    ("within_days", "fact"): "event_date",
    ("within_days", "before"): "date",
    ("equals", "fact"): None,
    ("compare", "fact"): "number",
}

_Reference: TypeAlias = tuple[Loc, AgeBetween | Recorded | WithinDays | Equals | Compare, str, str]


def _references(rule: Rule, loc: Loc) -> Iterator[_Reference]:
    """(location of the rule, the rule, field, fact) for every fact that ``rule`` reads."""
    if isinstance(rule, AgeBetween):
        yield loc, rule, "birth", rule.birth
        yield loc, rule, "at", rule.at
    elif isinstance(rule, WithinDays):
        yield loc, rule, "fact", rule.fact
        yield loc, rule, "before", rule.before
    elif isinstance(rule, Recorded | Equals | Compare):
        yield loc, rule, "fact", rule.fact
    elif isinstance(rule, AnyOf | AllOf):
        for index, sub in enumerate(rule.rules):
            yield from _references(sub, (*loc, "rules", index))
    else:
        yield from _references(rule.rule, (*loc, "rule"))


def _equals_problems(rule: Equals, fact: ScreeningFact, loc: Loc) -> Iterator[Problem]:
    value = rule.value
    fits = {
        "boolean": isinstance(value, bool),
        "choice": isinstance(value, str) and value in fact.choices,
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "date": isinstance(value, date),
        "event_date": isinstance(value, date) or value == NEVER,
    }[fact.type]
    if not fits:
        wanted = {
            "boolean": "true or false",
            "choice": f"one of {one_of(fact.choices)}",
            "number": "a number",
            "date": "a date (YYYY-MM-DD)",
            "event_date": f"a date (YYYY-MM-DD) or '{NEVER}'",
        }[fact.type]
        yield problem((*loc, "value"), f"{wanted} for {fact.type} fact '{fact.code}'", value)


def _rule_problems(rule: Rule, facts: dict[str, ScreeningFact], loc: Loc) -> Iterator[Problem]:
    for where, node, field_name, code in _references(rule, loc):
        fact = facts.get(code)
        if fact is None:
            expected = f"a declared screening fact (one of {one_of(facts)})"
            yield problem((*where, field_name), expected, code)
            continue
        wanted = _EXPECTED_TYPE[(node.kind, field_name)]
        if wanted is not None and fact.type != wanted:
            yield Problem(
                (*where, field_name),
                f"expected a screening fact of type {wanted}, "
                f"got {describe(code)} of type {fact.type}",
                code,
            )
        elif isinstance(node, Equals):
            yield from _equals_problems(node, fact, where)


def eligibility_problems(
    screening_facts: Sequence[ScreeningFact], eligibility: Eligibility
) -> Iterator[Problem]:
    """Every rule reference to an undeclared fact, or to a fact of the wrong type.

    Locations start at the protocol root (``eligibility.exclusion[5].rule.fact``).
    """
    facts = {fact.code: fact for fact in screening_facts}
    for section, criteria in (
        ("inclusion", eligibility.inclusion),
        ("exclusion", eligibility.exclusion),
    ):
        for index, criterion in enumerate(criteria):
            if criterion.rule is not None:
                loc: Loc = ("eligibility", section, index, "rule")
                yield from _rule_problems(criterion.rule, facts, loc)
