"""Shared building blocks of the protocol model: the frozen base, code types, path-named problems.

A *problem* is one thing wrong with a protocol file, located by its path (``visits[3].window``) and
worded ``expected <what>, got <value>``. Model validators collect every problem they find and raise
them together, so a protocol author sees the whole list at once instead of one error per attempt.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated, Protocol

from pydantic import BaseModel, ConfigDict, Field, Strict, StringConstraints, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from hepatrial.errors import describe

__all__ = [
    "ASSUMPTION_ID_PATTERN",
    "CODE_PATTERN",
    "COUNTRY_PATTERN",
    "LAB_CODE_PATTERN",
    "NAME_PATTERN",
    "PATTERN_WORDS",
    "PROBLEM_ERROR_TYPE",
    "SITE_PATTERN",
    "TEXT_PATTERN",
    "VERSION_PATTERN",
    "Code",
    "Coded",
    "Flag",
    "Frozen",
    "Integer",
    "LabCode",
    "Loc",
    "Name",
    "NonNegativeInt",
    "Number",
    "PositiveInt",
    "Problem",
    "Text",
    "duplicate_problems",
    "format_loc",
    "one_of",
    "problem",
    "raise_problems",
]

CODE_PATTERN = r"^[A-Z][A-Z0-9_]*$"
LAB_CODE_PATTERN = r"^[A-Z][A-Z0-9]{0,7}$"  # SDTM --TESTCD: at most 8 characters
NAME_PATTERN = r"^[a-z][a-z0-9_]*$"
TEXT_PATTERN = r"\S"  # matched anywhere: the text holds something besides blanks
VERSION_PATTERN = r"^[0-9]+(\.[0-9]+)*$"
SITE_PATTERN = r"^[A-Za-z0-9]{1,10}$"
COUNTRY_PATTERN = r"^[A-Z]{3}$"
ASSUMPTION_ID_PATTERN = r"^A[1-9][0-9]*$"

# How each pattern reads in an error message.
PATTERN_WORDS = {
    CODE_PATTERN: "an uppercase code (A-Z, 0-9 and _, starting with a letter)",
    LAB_CODE_PATTERN: "an SDTM test code (1-8 uppercase letters or digits, starting with a letter)",
    NAME_PATTERN: "a lowercase name (a-z, 0-9 and _, starting with a letter)",
    TEXT_PATTERN: "non-blank text",
    VERSION_PATTERN: "a version number such as '1.0'",
    SITE_PATTERN: "a site code of 1-10 letters or digits",
    COUNTRY_PATTERN: "an ISO 3166-1 alpha-3 country code such as 'CHN'",
    ASSUMPTION_ID_PATTERN: "an assumption id such as 'A1'",
}

PROBLEM_ERROR_TYPE = "protocol_problem"

Loc = tuple[str | int, ...]

# Integers and booleans are strict: in lax mode pydantic reads `true` as 1 and "5" as 5, which in
# a hand-written protocol file is a typing mistake to report, not to repair.
Integer = Annotated[int, Strict()]
NonNegativeInt = Annotated[int, Strict(), Field(ge=0)]
PositiveInt = Annotated[int, Strict(), Field(gt=0)]
Number = Annotated[float, Strict()]
Flag = Annotated[bool, Strict()]
Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN, max_length=40)]
LabCode = Annotated[str, StringConstraints(pattern=LAB_CODE_PATTERN)]
Name = Annotated[str, StringConstraints(pattern=NAME_PATTERN, max_length=60)]
Text = Annotated[str, StringConstraints(pattern=TEXT_PATTERN)]


class Frozen(BaseModel):
    """Base of every protocol model: immutable, and unknown fields are errors, not ignored."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Coded(Protocol):
    """Anything with a ``code``."""

    @property
    def code(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong at ``loc``; ``message`` reads ``expected <what>, got <value>``."""

    loc: Loc
    message: str
    value: object = None


def problem(loc: Loc, expected: str, got: object) -> Problem:
    """A problem worded ``expected <expected>, got <got>``."""
    return Problem(loc, f"expected {expected}, got {describe(got)}", got)


def format_loc(loc: Loc) -> str:
    """Render a location as a path: ``("visits", 3, "window")`` → ``visits[3].window``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path or "<root>"


def one_of(values: Iterable[str]) -> str:
    """``'a', 'b', 'c'``: the accepted values, quoted, in their declared order."""
    return ", ".join(repr(v) for v in values) or "none declared"


def duplicate_problems(items: Sequence[Coded], loc: Loc) -> Iterator[Problem]:
    """A problem for each item whose ``code`` an earlier item of ``items`` already uses."""
    first: dict[str, int] = {}
    for index, item in enumerate(items):
        if item.code in first:
            where = f"already used at index {first[item.code]}"
            yield problem((*loc, index, "code"), f"a unique code ({where})", item.code)
        else:
            first[item.code] = index


def raise_problems(title: str, problems: Iterable[Problem]) -> None:
    """Raise every problem at once as a pydantic error, so pydantic prefixes their locations."""
    details = [
        InitErrorDetails(
            type=PydanticCustomError(PROBLEM_ERROR_TYPE, "{message}", {"message": p.message}),
            loc=p.loc,
            input=p.value,
        )
        for p in problems
    ]
    if details:
        raise ValidationError.from_exception_data(title, details)
