"""Writing an analysis run's results: results.json and report.html side by side, shared by
``hepatrial analyze`` and ``hepatrial demo``."""

from __future__ import annotations

from pathlib import Path

from hepatrial.analysis import ResultsBundle
from hepatrial.report import write_report

__all__ = ["results_write"]


def results_write(bundle: ResultsBundle, directory: Path) -> list[Path]:
    """Write results.json and report.html into ``directory``; return the paths written."""
    return [bundle.write(directory), write_report(bundle, directory)]
