"""docs/edc.md's permission matrix is the one the code enforces."""

from __future__ import annotations

from pathlib import Path

from hepatrial.edc.core.permissions import permission_matrix_markdown

DOC = Path(__file__).resolve().parents[3] / "docs" / "edc.md"


def test_the_documented_permission_matrix_is_the_enforced_one() -> None:
    text = DOC.read_text(encoding="utf-8")
    documented = text.split("<!-- permissions:start -->")[1].split("<!-- permissions:end -->")[0]
    assert documented.strip() == permission_matrix_markdown()
