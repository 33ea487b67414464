"""``hepatrial protocol`` and the README's main job."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from hepatrial.protocol import seed_protocol_path


def test_protocol_show_prints_the_schedule_of_assessments(hepatrial: Any) -> None:
    run = hepatrial("protocol", "show")
    assert run.code == 0
    assert "NCT06167473" in run.out
    assert "Schedule of assessments" in run.out
    for visit in ("SCR", "D0", "W1", "W4", "W8", "W12", "W24", "W48"):
        assert visit in run.out
    assert "Liver function tests" in run.out


def test_protocol_check_accepts_the_seed_file(hepatrial: Any) -> None:
    run = hepatrial("protocol", "check", str(seed_protocol_path()))
    assert run.code == 0
    assert "valid" in run.out
    assert "sha256" in run.out


def test_protocol_check_names_the_path_of_each_problem(hepatrial: Any, tmp_path: Path) -> None:
    data = yaml.safe_load(seed_protocol_path().read_text())
    data["visits"][3]["window"]["before"] = -2
    data["measures"]["labs"][0]["code"] = "GGT"
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True))
    run = hepatrial("protocol", "check", str(broken))
    assert run.code == 2
    assert "visits[3].window.before: expected a non-negative integer, got -2" in run.err


def test_protocol_check_rejects_a_lab_the_catalogue_does_not_know(
    hepatrial: Any, tmp_path: Path
) -> None:
    data = yaml.safe_load(seed_protocol_path().read_text())
    old = data["measures"]["labs"][0]["code"]
    data["measures"]["labs"][0]["code"] = "GGT"
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    broken = tmp_path / "ggt.yaml"
    broken.write_text(text.replace(f"- {old}\n", "- GGT\n"))
    run = hepatrial("protocol", "check", str(broken))
    assert run.code == 2
    assert "GGT" in run.err
