"""Read a protocol file into a :class:`~hepatrial.protocol.model.Protocol`, or say everything wrong.

Every problem in a file is reported at once, in one :class:`~hepatrial.errors.ProtocolError`, each
as ``<path>: expected <what>, got <value>``; YAML syntax errors name their line and column.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.resources
import os
import pathlib
import re
from collections.abc import Hashable
from typing import Any

import yaml
from pydantic import ValidationError

from hepatrial.errors import HepatrialError, ProtocolError
from hepatrial.protocol._base import format_loc
from hepatrial.protocol._translate import render, translate
from hepatrial.protocol.model import Protocol, section_problems

__all__ = [
    "SEED_PROTOCOL_FILE",
    "load_protocol",
    "load_seed_protocol",
    "parse_protocol",
    "protocol_sha256",
    "seed_protocol_path",
]

SEED_PROTOCOL_FILE = "ucmsc_esld.yaml"

_MERGE_TAG = "tag:yaml.org,2002:merge"


class _ProtocolYamlLoader(yaml.SafeLoader):
    """Safe YAML that records repeated keys instead of silently keeping the last one.

    It also reads ``1e6`` and ``1.0e6`` as numbers, as YAML 1.2 does; PyYAML's YAML 1.1 rules
    would read them as text unless the exponent is signed (``1.0e+6``).
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.repeated_keys: list[str] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        first_line: dict[Hashable, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:
                continue
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, Hashable):
                continue
            mark = key_node.start_mark
            if key in first_line:
                self.repeated_keys.append(
                    f"line {mark.line + 1}, column {mark.column + 1}: expected each key once in a "
                    f"mapping, got {render(key)} again (first on line {first_line[key]})"
                )
            else:
                first_line[key] = mark.line + 1
        return super().construct_mapping(node, deep=deep)


_ProtocolYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


def _syntax_problem(error: yaml.YAMLError) -> str:
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        mark = error.problem_mark
        what = f"{error.context}, {error.problem}" if error.context else error.problem
        return (
            f"line {mark.line + 1}, column {mark.column + 1}: expected valid YAML, "
            f"got a syntax error: {what}"
        )
    return f"{format_loc(())}: expected valid YAML, got a syntax error: {error}"


def parse_protocol(text: str, *, source: str = "<text>") -> Protocol:
    """Validate protocol YAML ``text``; ``source`` names it in the error.

    Raises :class:`~hepatrial.errors.ProtocolError` listing every problem found.
    """
    loader = _ProtocolYamlLoader(text)
    try:
        raw = loader.get_single_data()
    except yaml.YAMLError as error:
        raise ProtocolError([_syntax_problem(error)], source=source) from None
    finally:
        loader.dispose()
    problems = list(loader.repeated_keys)
    if not isinstance(raw, dict):
        sections = ", ".join(Protocol.model_fields)
        problems.append(
            f"{format_loc(())}: expected a mapping of protocol sections ({sections}), "
            f"got {render(raw)}"
        )
        raise ProtocolError(problems, source=source)
    try:
        protocol = Protocol.model_validate(raw)
    except ValidationError as error:
        problems += translate(error, raw)
        problems += [f"{format_loc(p.loc)}: {p.message}" for p in section_problems(raw)]
        raise ProtocolError(list(dict.fromkeys(problems)), source=source) from None
    if problems:
        raise ProtocolError(problems, source=source)
    return protocol


def _read(path: str | os.PathLike[str]) -> bytes:
    try:
        return pathlib.Path(path).read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise ProtocolError(
            [f"{format_loc(())}: expected a readable protocol file, got {reason}"], source=str(path)
        ) from None


def load_protocol(path: str | os.PathLike[str]) -> Protocol:
    """Read and validate the protocol file at ``path`` (UTF-8 YAML)."""
    data = _read(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolError(
            [f"{format_loc(())}: expected UTF-8 text, got an invalid byte at offset {error.start}"],
            source=str(path),
        ) from None
    return parse_protocol(text, source=str(path))


def seed_protocol_path() -> pathlib.Path:
    """Where the seed trial's protocol file (NCT06167473) is installed."""
    resource = importlib.resources.files(__package__ or "hepatrial.protocol") / SEED_PROTOCOL_FILE
    if not isinstance(resource, pathlib.Path):
        raise HepatrialError(
            field="seed protocol",
            expected="a file on the file system",
            received=str(resource),
        )
    return resource


@functools.cache
def load_seed_protocol() -> Protocol:
    """The seed trial's protocol (NCT06167473), validated; the same frozen value on every call."""
    return load_protocol(seed_protocol_path())


def protocol_sha256(path_or_bytes: str | os.PathLike[str] | bytes) -> str:
    """SHA-256 of a protocol file's bytes, as 64 lowercase hex digits, to pin the exact version."""
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else _read(path_or_bytes)
    return hashlib.sha256(data).hexdigest()
