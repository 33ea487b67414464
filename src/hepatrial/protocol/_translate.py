"""Turn pydantic's validation errors into protocol problems a protocol author can act on.

Each problem reads ``<path>: expected <what>, got <value>`` with the path as written in the file
(``visits[3].window.before``). Pydantic's locations also name union members and discriminator
tags, which are not in the file; walking the raw data alongside the location drops them.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from hepatrial.errors import describe
from hepatrial.protocol._base import PATTERN_WORDS, PROBLEM_ERROR_TYPE, Loc, format_loc

__all__ = ["render", "translate"]

_LONGEST_VALUE = 80

_TYPE_WORDS = {
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "finite_number": "a finite number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "text",
    "tuple_type": "a list",
    "list_type": "a list",
    "model_type": "a mapping of fields",
    "model_attributes_type": "a mapping of fields",
    "dict_type": "a mapping",
    "date_type": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "a date without a time (YYYY-MM-DD)",
}


def render(value: object) -> str:
    """A received value as an error message shows it, shortened when long."""
    text = describe(value)
    return text if len(text) <= _LONGEST_VALUE else text[: _LONGEST_VALUE - 1] + "…"


def _step(node: object, part: int | str) -> tuple[bool, object]:
    """(True, child) when ``part`` is an index of list ``node`` or a key of mapping ``node``."""
    if isinstance(node, list | tuple) and isinstance(part, int) and 0 <= part < len(node):
        return True, node[part]
    if isinstance(node, dict) and part in node:
        return True, node[part]
    return False, None


def _clean_loc(loc: tuple[int | str, ...], raw: object, error_type: str) -> Loc:
    """Keep the parts of ``loc`` that are keys or indexes in ``raw``; drop pydantic's labels."""
    node = raw
    kept: list[int | str] = []
    for position, part in enumerate(loc):
        found, child = _step(node, part)
        if found:
            kept.append(part)
            node = child
        elif position == len(loc) - 1 and error_type in ("missing", PROBLEM_ERROR_TYPE):
            kept.append(part)
    return tuple(kept)


def _bound(ctx: Mapping[str, Any], key: str, symbol: str) -> str:
    bound = ctx[key]
    if isinstance(bound, int) and not isinstance(bound, bool):
        if key == "ge" and bound == 0:
            return "a non-negative integer"
        if key == "gt" and bound == 0:
            return "a positive integer"
        return f"an integer {symbol} {bound}"
    return (
        f"a number {symbol} {bound:g}" if isinstance(bound, float) else f"a value {symbol} {bound}"
    )


def _expected(error: ErrorDetails) -> str:
    kind = error["type"]
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    bounds = {"greater_than_equal": ("ge", "≥"), "greater_than": ("gt", ">")}
    bounds |= {"less_than_equal": ("le", "≤"), "less_than": ("lt", "<")}
    if kind in bounds:
        return _bound(ctx, *bounds[kind])
    if kind == "string_type" and isinstance(error["input"], int | float | date):
        # YAML read an unquoted 1.0, 01 or 2024-01-01 as a number or a date.
        return "text (put it in quotes)"
    if kind in _TYPE_WORDS:
        return _TYPE_WORDS[kind]
    if kind == "literal_error":
        return f"one of {ctx['expected']}"
    if kind == "string_pattern_mismatch":
        return PATTERN_WORDS.get(ctx["pattern"], f"text matching {ctx['pattern']}")
    if kind == "string_too_long":
        return f"text of at most {ctx['max_length']} characters"
    if kind == "too_short":
        return f"a list of at least {ctx['min_length']} item(s)"
    if kind == "too_long":
        return f"a list of at most {ctx['max_length']} item(s)"
    message = error["msg"]
    if message.startswith("Input should be "):
        return message.removeprefix("Input should be ")
    return f"valid input ({message})"


def _join(words: list[str]) -> str:
    unique = list(dict.fromkeys(words))
    return unique[0] if len(unique) == 1 else ", ".join(unique[:-1]) + " or " + unique[-1]


@dataclass(slots=True)
class _Pending:
    """A problem finished once every error is seen: union members merge, extras find matches."""

    loc: Loc
    got: str = ""
    words: list[str] = field(default_factory=list)
    unexpected: str | None = None

    def render(self, missing_at: Mapping[Loc, list[str]]) -> str:
        if self.unexpected is None:
            return f"{format_loc(self.loc)}: expected {_join(self.words)}, got {self.got}"
        text = f"{format_loc(self.loc)}: unexpected field {self.unexpected!r}"
        # Only the required fields missing right here are candidates, so a loose match is safe.
        candidates = missing_at.get(self.loc, [])
        close = difflib.get_close_matches(self.unexpected, candidates, n=1, cutoff=0.5)
        return f"{text} (did you mean {close[0]!r}?)" if close else text


def translate(error: ValidationError, raw: object) -> list[str]:
    """Every error of ``error`` as a problem line, in pydantic's order, union members merged."""
    lines: list[str | _Pending] = []
    merged: dict[Loc, _Pending] = {}
    missing_at: dict[Loc, list[str]] = {}
    details = error.errors(include_url=False)
    failed_inside = {d["loc"][:end] for d in details for end in range(len(d["loc"]))}
    for detail in details:
        kind = detail["type"]
        if kind in ("too_short", "too_long") and detail["loc"] in failed_inside:
            # Pydantic counts only the items that validated; the items' own errors say more.
            continue
        loc = _clean_loc(detail["loc"], raw, kind)
        ctx: Mapping[str, Any] = detail.get("ctx") or {}
        if kind == PROBLEM_ERROR_TYPE:
            lines.append(f"{format_loc(loc)}: {ctx['message']}")
        elif kind == "extra_forbidden":
            lines.append(_Pending(loc[:-1], unexpected=str(loc[-1])))
        elif kind == "union_tag_invalid":
            path = format_loc((*loc, str(ctx["discriminator"]).strip("'")))
            tags = str(ctx["expected_tags"]).split(", ")
            lines.append(f"{path}: expected one of {_join(tags)}, got {ctx['tag']!r}")
        elif kind == "union_tag_not_found":
            path = format_loc((*loc, str(ctx["discriminator"]).strip("'")))
            lines.append(f"{path}: expected a value for this required field, got nothing")
        elif loc in merged:
            merged[loc].words.append(_expected(detail))
        else:
            if kind == "missing":
                missing_at.setdefault(loc[:-1], []).append(str(loc[-1]))
                pending = _Pending(loc, "nothing", ["a value for this required field"])
            else:
                pending = _Pending(loc, render(detail["input"]), [_expected(detail)])
            merged[loc] = pending
            lines.append(pending)
    return [line if isinstance(line, str) else line.render(missing_at) for line in lines]
