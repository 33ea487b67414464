"""Fixtures for protocol tests: the seed file as data, and a way to validate a mutated copy."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from hepatrial.errors import ProtocolError
from hepatrial.protocol import Protocol, parse_protocol, seed_protocol_path

Raw = dict[str, Any]

_SEED_TEXT = seed_protocol_path().read_text(encoding="utf-8")
_SEED_RAW: Raw = yaml.safe_load(_SEED_TEXT)


def dump(raw: Raw) -> str:
    """The protocol data back as YAML text."""
    return yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)


def problems(raw: Raw) -> list[str]:
    """Every problem the loader reports for ``raw``; fails the test if it loads."""
    with pytest.raises(ProtocolError) as caught:
        parse_protocol(dump(raw), source="broken.yaml")
    assert caught.value.source == "broken.yaml"
    return list(caught.value.problems)


@pytest.fixture
def seed_raw() -> Raw:
    """A fresh, mutable copy of the seed protocol's data."""
    return copy.deepcopy(_SEED_RAW)


@pytest.fixture
def seed_text() -> str:
    return _SEED_TEXT


@pytest.fixture
def problems_of() -> Callable[[Raw], list[str]]:
    return problems


@pytest.fixture
def load_raw() -> Callable[[Raw], Protocol]:
    return lambda raw: parse_protocol(dump(raw))
