"""The power-curve figure of ``hepatrial design``: rejection rate against sample size, per test."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib import rc_context
from matplotlib.figure import Figure

from hepatrial.simulate.design import TESTS

_TITLES = {
    "log_rank": "Log-rank",
    "log_rank_exact": "Exact (permutation) log-rank",
    "fisher_1y": "Fisher, 1-year mortality",
    "rmst": "RMST difference",
    "meld_w24": "MELD change, week 24 (Welch)",
    "meld_w48": "MELD change, week 48 (Welch)",
}
_MELD_TESTS = ("meld_w24", "meld_w48")


def _curves(frame: pd.DataFrame, test: str) -> list[tuple[str, pd.DataFrame]]:
    """The lines of one panel: one per hazard ratio for survival tests (at the first MELD
    difference and dropout of the grid), one per MELD difference for MELD tests (at the first
    hazard ratio)."""
    rows = frame[(frame.test == test) & (frame.dropout_1y == frame.dropout_1y.iloc[0])]
    if test in _MELD_TESTS:
        column = "meld_difference_w24" if test == "meld_w24" else "meld_difference_w48"
        rows = rows[rows.hazard_ratio == rows.hazard_ratio.iloc[0]]
        curves = [
            (abs(value), part.sort_values("n")) for value, part in rows.groupby(column, sort=True)
        ]
        return [
            (f"MELD diff {value:g}", part) for value, part in sorted(curves, key=lambda c: c[0])
        ]
    rows = rows[rows.meld_difference_w24 == rows.meld_difference_w24.iloc[0]]
    return [
        (f"HR {value:g}", part.sort_values("n"))
        for value, part in rows.groupby("hazard_ratio", sort=False)
    ]


def plot_power(frame: pd.DataFrame, path: Path, *, alpha: float) -> Path:
    """Draw every test's rejection rate against n (±1.96 Monte Carlo SE) and write it to
    ``path`` (SVG or PNG by its suffix)."""
    tests = [test for test in TESTS if test in set(frame.test)]
    columns = 3
    rows = -(-len(tests) // columns)
    figure = Figure(figsize=(4.2 * columns, 3.4 * rows), layout="constrained")
    axes = figure.subplots(rows, columns, squeeze=False, sharey=True)
    for ax, test in zip(axes.flat, tests, strict=False):
        for label, part in _curves(frame, test):
            ax.errorbar(
                part.n,
                part.rejection_rate,
                yerr=1.96 * part.mc_se,
                marker="o",
                markersize=3.5,
                capsize=2,
                label=label,
            )
        ax.axhline(0.8, color="0.5", linestyle="--", linewidth=0.8)
        ax.axhline(alpha, color="0.5", linestyle=":", linewidth=0.8)
        ax.set_title(_TITLES[test], fontsize=10)
        ax.set_xlabel("participants (both arms)")
        ax.set_ylim(0.0, 1.0)
        ax.grid(alpha=0.3)
        # survival curves rise slowly (space top left); MELD curves end at 1 or alpha (space right)
        ax.legend(fontsize=7, loc="center right" if test in _MELD_TESTS else "upper left")
    for ax in axes.flat[len(tests) :]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel("rejection rate")
    figure.suptitle(
        f"Power (type I error at the null) by sample size; dashed 80 %, dotted alpha {alpha:g}",
        fontsize=11,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    # text stays text in the SVG (smaller, searchable); no date, so reruns give the same file
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "hepatrial"}):
        figure.savefig(path, metadata={"Date": None} if path.suffix == ".svg" else None)
    return path
