"""Figures as inline SVG text: Kaplan–Meier with the number at risk, trajectories, incidence.

Drawn with :class:`matplotlib.figure.Figure` (no pyplot, no global state). Text stays text in the
SVG (``svg.fonttype = "none"``) so it is searchable and read by screen readers; ids are salted per
figure and the date is left out, so the same results give the same bytes. Colours are the
Okabe–Ito colour-blind-safe palette (Okabe M, Ito K. Color Universal Design, 2008), and each group
also has its own line style, so the figures read in grey print.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from hepatrial.report.html import esc

__all__ = [
    "PALETTE",
    "RISK_TIMES",
    "cumulative_incidence_figure",
    "kaplan_meier_figure",
    "number_at_risk",
    "svg",
    "trajectory_figure",
]

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
_STYLES = ("-", "--", "-.", ":")
RISK_TIMES = (0.0, 90.0, 180.0, 270.0, 365.0)
"""Days at which the number at risk is printed beneath the Kaplan–Meier curves."""
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_BASE_RC: Any = {"font.size": 10.0, "axes.spines.top": False, "axes.spines.right": False}


def svg(fig: Figure, *, name: str, title: str) -> str:
    """``fig`` as an ``<svg>`` element with ``role="img"`` and a ``<title>``; no XML header."""
    buffer = io.StringIO()
    with matplotlib.rc_context(
        {"svg.fonttype": "none", "svg.hashsalt": f"hepatrial-{name}", "svg.id": f"fig-{name}"}
    ):
        fig.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    text = _METADATA.sub("", buffer.getvalue())
    text = text[text.index("<svg") :]
    end = text.index(">")
    label = f"fig-{name}-title"
    return (
        f'{text[:end]} role="img" aria-labelledby="{label}">'
        f'<title id="{label}">{esc(title)}</title>{text[end + 1 :]}'
    )


def _style(index: int) -> tuple[str, str]:
    """The colour and line style of the group at ``index``."""
    return PALETTE[index % len(PALETTE)], _STYLES[index % len(_STYLES)]


def number_at_risk(time: np.ndarray, n_risk: np.ndarray, n_gone: np.ndarray, at: float) -> int:
    """Participants still followed at ``at``: all of them less those with an event or censored
    before it (the curve's rows are its distinct times, as R's ``survfit`` lists them)."""
    total = int(n_risk[0]) if n_risk.size else 0
    return total - int(np.sum(n_gone[time < at]))


def kaplan_meier_figure(
    curves: Sequence[Any], names: Mapping[str, str], *, horizon: float, title: str
) -> str:
    """Survival curves with censor marks (+) and the number-at-risk table beneath.

    ``curves`` are :class:`~hepatrial.stats.KaplanMeierCurve`-like objects (``group``, ``time``,
    ``survival``, ``n_risk``, ``n_event``, ``n_censor``).
    """
    with matplotlib.rc_context(_BASE_RC):
        fig = Figure(figsize=(7.5, 5.2))
        grid = fig.add_gridspec(2, 1, height_ratios=(4.2, 1.0), hspace=0.35)
        axes: Axes = fig.add_subplot(grid[0])
        table: Axes = fig.add_subplot(grid[1], sharex=axes)
        for index, curve in enumerate(curves):
            group = str(curve.group)
            time = np.asarray(curve.time, dtype=np.float64)
            surv = np.asarray(curve.survival, dtype=np.float64)
            censored = np.asarray(curve.n_censor, dtype=np.float64) > 0
            colour, line = _style(index)
            x = np.concatenate([[0.0], time])
            y = np.concatenate([[1.0], surv])
            axes.step(x, y, where="post", linewidth=2.0, label=names.get(group, group),
                      color=colour, linestyle=line)  # fmt: skip
            axes.plot(time[censored], surv[censored], "+", markersize=9, markeredgewidth=1.6,
                      color=colour)  # fmt: skip
            gone = np.asarray(curve.n_event) + np.asarray(curve.n_censor)
            risk = np.asarray(curve.n_risk)
            row = len(curves) - 1 - index
            for t in RISK_TIMES:
                table.text(t, row, str(number_at_risk(time, risk, gone, t)), ha="center",
                           va="center", color=colour, fontsize=9.5)  # fmt: skip
        axes.set_ylim(0.0, 1.04)
        axes.set_xlim(-5.0, horizon + 10.0)
        axes.set_xticks(RISK_TIMES)
        axes.set_ylabel("Survival probability")
        axes.set_title(title, loc="left", fontsize=11)
        axes.grid(axis="y", color="#dddddd", linewidth=0.6)
        axes.legend(loc="lower left", frameon=False)
        axes.tick_params(labelbottom=True)
        axes.set_xlabel("Days since randomization (+ censored)")
        table.set_ylim(-0.6, len(curves) - 0.4)
        table.set_yticks(range(len(curves)))
        table.set_yticklabels([names.get(str(c.group), str(c.group))
                               for c in reversed(list(curves))])  # fmt: skip
        table.tick_params(axis="both", length=0, labelbottom=False)
        for side in ("left", "bottom"):
            table.spines[side].set_visible(False)
        table.set_title("Number at risk", loc="left", fontsize=9.5)
        return svg(fig, name="km", title=title)


def trajectory_figure(
    values: pd.DataFrame,
    summary: pd.DataFrame,
    groups: Sequence[str],
    names: Mapping[str, str],
    *,
    param: str,
    title: str,
    ylabel: str,
) -> str:
    """Each participant's values as a faint line, and the mean ± 95% CI per group and week."""
    with matplotlib.rc_context(_BASE_RC):
        fig = Figure(figsize=(7.5, 3.6))
        axes = fig.add_subplot()
        offsets = np.linspace(-0.5, 0.5, num=max(len(groups), 1)) if len(groups) > 1 else [0.0]
        for index, group in enumerate(groups):
            colour, line = _style(index)
            mine = values[values["group"] == group]
            for _, person in mine.groupby("USUBJID", sort=True):
                ordered = person.sort_values("week")
                axes.plot(ordered["week"], ordered["value"], color=colour,
                          alpha=0.22, linewidth=0.8)  # fmt: skip
            means = summary[summary["group"] == group].sort_values("week")
            if means.empty:
                continue
            x = means["week"].to_numpy(dtype=np.float64) + float(offsets[index])
            mean = means["mean"].to_numpy(dtype=np.float64)
            low = np.nan_to_num(mean - means["lower"].to_numpy(dtype=np.float64), nan=0.0)
            high = np.nan_to_num(means["upper"].to_numpy(dtype=np.float64) - mean, nan=0.0)
            axes.errorbar(x, mean, yerr=[low, high], capsize=3, linewidth=2.0, marker="o",
                          markersize=4, label=f"{names.get(group, group)}: mean ± 95% CI",
                          color=colour, linestyle=line)  # fmt: skip
        weeks = sorted(set(values["week"].dropna().tolist()))
        if weeks:
            axes.set_xticks(weeks)
        axes.set_xlabel("Weeks since the infusion (0 = baseline)")
        axes.set_ylabel(ylabel)
        axes.set_title(title, loc="left", fontsize=11)
        axes.grid(axis="y", color="#dddddd", linewidth=0.6)
        if axes.get_legend_handles_labels()[0]:
            axes.legend(loc="best", frameon=False, fontsize=8.5)
        return svg(fig, name=f"traj-{param.lower()}", title=title)


def cumulative_incidence_figure(
    panels: Sequence[tuple[str, Any, str]],
    groups: Sequence[str],
    names: Mapping[str, str],
    *,
    horizon: float,
    title: str,
) -> str:
    """One panel per (title, CumulativeIncidence-like result, Gray's p text): cause 1 by group."""
    with matplotlib.rc_context(_BASE_RC):
        columns = 2 if len(panels) > 1 else 1
        rows = int(np.ceil(len(panels) / columns)) if panels else 1
        fig = Figure(figsize=(7.5, 2.9 * rows))
        for number, (heading, result, gray) in enumerate(panels, start=1):
            axes = fig.add_subplot(rows, columns, number)
            frame = pd.DataFrame(
                {
                    "group": [str(g) for g in result.group],
                    "cause": list(result.cause),
                    "time": np.asarray(result.time, dtype=np.float64),
                    "estimate": np.asarray(result.estimate, dtype=np.float64),
                }
            )
            for index, group in enumerate(groups):
                rows_of = frame[(frame["group"] == group) & (frame["cause"] == 1)]
                rows_of = rows_of[np.isfinite(rows_of["estimate"])].sort_values("time")
                x = np.concatenate([[0.0], rows_of["time"].to_numpy(dtype=np.float64)])
                y = np.concatenate([[0.0], rows_of["estimate"].to_numpy(dtype=np.float64)])
                colour, line = _style(index)
                axes.step(x, y, where="post", linewidth=1.8, label=names.get(group, group),
                          color=colour, linestyle=line)  # fmt: skip
            axes.set_xlim(0.0, horizon)
            axes.set_ylim(0.0, 1.0)
            axes.set_title(f"{heading}\nGray's test p = {gray}", loc="left", fontsize=9.5)
            axes.set_xlabel("Days since randomization", fontsize=9)
            axes.set_ylabel("Cumulative incidence", fontsize=9)
            axes.grid(axis="y", color="#dddddd", linewidth=0.6)
            if number == 1:
                axes.legend(loc="upper left", frameon=False, fontsize=8.5)
        fig.suptitle(title, x=0.02, ha="left", fontsize=11)
        fig.tight_layout()
        return svg(fig, name="cif", title=title)
