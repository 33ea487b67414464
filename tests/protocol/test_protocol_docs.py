"""docs/protocol.md lists every assumption of the seed file, word for word, and no other."""

from __future__ import annotations

import pathlib
import re

import pytest

from hepatrial.protocol import load_seed_protocol

DOCS = pathlib.Path(__file__).resolve().parents[2] / "docs" / "protocol.md"


@pytest.fixture(scope="module")
def docs() -> str:
    return DOCS.read_text(encoding="utf-8")


def test_every_assumption_in_the_seed_file_is_in_the_docs_word_for_word(docs: str) -> None:
    for assumption in load_seed_protocol().assumptions:
        about = ", ".join(f"`{path}`" for path in assumption.about.split(", "))
        assert f"| {assumption.id} | {about} | {assumption.text} |" in docs, assumption.id


def test_the_docs_mention_no_assumption_the_seed_file_lacks(docs: str) -> None:
    declared = {a.id for a in load_seed_protocol().assumptions}
    assert set(re.findall(r"\|\s*(A[0-9]+)\s*\|", docs)) == declared
