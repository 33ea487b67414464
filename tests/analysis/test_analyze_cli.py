"""``hepatrial analyze`` writes results.json from a folder of tabulations, masked by default."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import typer
from analysis_cohort import CUTOFF, LABELS, build_tabulations

from hepatrial.cli import app, main
from hepatrial.cli.analyze_cmd import analyze


def _run(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    if not any(c.name == "analyze" for c in app.registered_commands):
        command = typer.models.CommandInfo(name="analyze", callback=analyze)
        commands = [*app.registered_commands, command]
        monkeypatch.setattr(app, "registered_commands", commands)
    monkeypatch.setattr(sys, "argv", ["hepatrial", "analyze", *args])
    try:
        main()
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 1
    return 0


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    build_tabulations().write_csv(tmp_path / "tabulations")
    return tmp_path / "tabulations"


def test_analyze_writes_masked_results_by_default(
    monkeypatch: pytest.MonkeyPatch, folder: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    code = _run(monkeypatch, "--tabulations", str(folder), "--output", str(out),
                "--cutoff", CUTOFF.isoformat())  # fmt: skip
    assert code == 0
    text = (out / "results.json").read_text(encoding="utf-8")
    assert json.loads(text)["masked"] is True
    assert not any(secret in text for secret in (*LABELS, *LABELS.values()))


def test_analyze_unmasked_names_the_arms_for_the_dsmb(
    monkeypatch: pytest.MonkeyPatch, folder: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    code = _run(monkeypatch, "--tabulations", str(folder), "--output", str(out),
                "--cutoff", CUTOFF.isoformat(), "--unmasked")  # fmt: skip
    assert code == 0
    document = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert document["groups"] == {"LOW": "LOW", "MIDHIGH": "MIDHIGH"}


def test_analyze_rejects_a_malformed_cutoff_with_a_message(
    monkeypatch: pytest.MonkeyPatch,
    folder: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = _run(monkeypatch, "--tabulations", str(folder), "--output", str(tmp_path / "o"),
                "--cutoff", "01/09/2026")  # fmt: skip
    assert code == 2
    assert "--cutoff: expected a date YYYY-MM-DD, got" in capsys.readouterr().err
