"""``hepatrial analyze`` writes the report next to results.json, masked unless --unmasked."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
import typer
from report_cohort import COHORT, CUTOFF, LABELS, build_tabulations

from hepatrial.cli import app, main
from hepatrial.cli.analyze_cmd import analyze


def _run(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    if not any(c.name == "analyze" for c in app.registered_commands):
        command = typer.models.CommandInfo(name="analyze", callback=analyze)
        monkeypatch.setattr(app, "registered_commands", [*app.registered_commands, command])
    monkeypatch.setattr(sys, "argv", ["hepatrial", "analyze", *args])
    try:
        main()
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 1
    return 0


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # a few participants of each arm keep the run short; the report is the same code path
    people = (*COHORT[:4], *COHORT[11:15])
    target = tmp_path_factory.mktemp("tabulations")
    build_tabulations(people).write_csv(target)
    return target


@pytest.mark.parametrize("unmasked", [False, True])
def test_analyze_writes_results_json_and_report_html(
    monkeypatch: pytest.MonkeyPatch, folder: Path, tmp_path: Path, unmasked: bool
) -> None:
    out = tmp_path / "out"
    flags = ["--unmasked"] if unmasked else []
    code = _run(monkeypatch, "--tabulations", str(folder), "--output", str(out),
                "--cutoff", CUTOFF.isoformat(), *flags)  # fmt: skip
    assert code == 0
    assert json.loads((out / "results.json").read_text(encoding="utf-8"))["masked"] is not unmasked
    report = (out / "report.html").read_text(encoding="utf-8")
    assert report.startswith("<!DOCTYPE html>")
    assert "Randomized" in report
    named = bool(re.search(r"\b(LOW|MIDHIGH)\b", report)) or any(
        label in report for label in LABELS.values()
    )
    assert named is unmasked
    assert bool(re.search(r"\bMASKED REPORT", report)) is not unmasked
