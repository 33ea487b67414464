"""``hepatrial design`` writes the power table and figure and prints the table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from hepatrial.simulate.design import TESTS


def test_design_writes_the_csv_and_the_power_figure(hepatrial: Any, tmp_path: Path) -> None:
    run = hepatrial(
        "design", "--n", "22", "--n", "40", "--hr", "1", "--hr", "0.5", "--meld-diff", "2",
        "--replicates", "300", "--permutations", "50", "--output", str(tmp_path),
    )  # fmt: skip
    assert run.code == 0, run.err
    frame = pd.read_csv(tmp_path / "design.csv")
    assert len(frame) == 2 * 2 * len(TESTS)
    assert set(frame.test) == set(TESTS)
    assert set(frame.n) == {22, 40}
    assert (frame.replicates == 300).all()
    svg = (tmp_path / "power.svg").read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml")
    assert "<svg" in svg
    assert "Rejection rate" in run.out
    assert "design.csv" in run.out


def test_design_refuses_both_a_scheduler_and_a_local_cluster(
    hepatrial: Any, tmp_path: Path
) -> None:
    run = hepatrial(
        "design", "--scheduler", "tcp://127.0.0.1:1", "--local-cluster", "2",
        "--output", str(tmp_path),
    )  # fmt: skip
    assert run.code == 2
    assert "--local-cluster: expected either it or --scheduler" in run.err
    assert not (tmp_path / "design.csv").exists()
