from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from hepatrial.cli import main


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def hepatrial(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., Run]:
    """Run the ``hepatrial`` command in-process, as a user would from the shell."""

    def run(*args: str) -> Run:
        monkeypatch.setattr(sys, "argv", ["hepatrial", *args])
        monkeypatch.setenv("COLUMNS", "200")
        code = 0
        try:
            main()
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run
