"""The CONSORT flow diagram, drawn as an SVG figure.

Boxes and stages follow the CONSORT 2010 flow diagram (Schulz KF, Altman DG, Moher D. BMJ
2010;340:c332, Figure 1): enrolment, allocation, follow-up and analysis, one column per arm.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text

from hepatrial.analysis import Consort
from hepatrial.report.figures import PALETTE, svg

__all__ = ["consort_figure"]

_BOX = {"boxstyle": "square,pad=0.6", "facecolor": "white", "edgecolor": "#333333"}
_STAGE = {"boxstyle": "round,pad=0.4", "facecolor": "#dbe9f6", "edgecolor": "#0072B2"}


def _box(axes: Axes, x: float, y: float, text: str, *, color: str = "#333333") -> Text:
    style = {**_BOX, "edgecolor": color}
    return axes.text(x, y, text, ha="center", va="center", fontsize=8.6, bbox=style,
                     linespacing=1.35)  # fmt: skip


def _arrow(axes: Axes, start: Text, end: Text) -> None:
    axes.annotate("", xy=(0.5, 1.0), xycoords=end, xytext=(0.5, 0.0), textcoords=start,
                  arrowprops={"arrowstyle": "-|>", "color": "#333333", "shrinkA": 7,
                              "shrinkB": 7, "linewidth": 1.0})  # fmt: skip


def _wrap(text: str, width: int = 44, indent: str = "   ") -> str:
    return f"\n{indent}".join(textwrap.wrap(text, width)) or text


def consort_figure(consort: Consort, names: Mapping[str, str], *, title: str) -> str:
    """The flow diagram of ``consort``; arms are named through ``names``."""
    arms = consort.arms
    count = max(len(arms), 1)
    with matplotlib.rc_context({"font.size": 9.0}):
        fig = Figure(figsize=(7.6, 6.6))
        axes = fig.add_axes((0.0, 0.0, 1.0, 1.0))
        axes.set_xlim(0.0, 100.0)
        axes.set_ylim(0.0, 100.0)
        axes.axis("off")
        for y, stage in ((95.0, "Enrolment"), (56.0, "Allocation"), (33.0, "Follow-up"),
                         (9.0, "Analysis")):  # fmt: skip
            axes.text(2.0, y, stage, fontsize=9, fontweight="bold", va="center", bbox=_STAGE)
        assessed = f"Assessed for eligibility (consented)\nn = {consort.screened}"
        screened = _box(axes, 50.0, 95.0, assessed)
        reasons = [f"\u2022 {_wrap(reason)}: {n}" for reason, n in consort.excluded_reasons]
        excluded_text = "\n".join([f"Excluded (not randomized), n = {consort.excluded}", *reasons])
        axes.text(60.0, 83.0, excluded_text, ha="left", va="center", fontsize=8.0,
                             bbox=_BOX, linespacing=1.3)  # fmt: skip
        randomized = _box(axes, 50.0, 70.0, f"Randomized\nn = {consort.randomized}")
        _arrow(axes, screened, randomized)
        axes.annotate("", xy=(59.0, 83.0), xytext=(50.0, 83.0),
                      arrowprops={"arrowstyle": "-|>", "color": "#333333", "shrinkA": 0,
                                  "shrinkB": 5, "linewidth": 1.0})  # fmt: skip
        for index, arm in enumerate(arms):
            # arm columns share the width right of the stage labels
            x = 16.0 + 84.0 * (index + 0.5) / count
            colour = PALETTE[index % len(PALETTE)]
            name = _wrap(names.get(arm.group, arm.group), 26, "")
            allocated = _box(
                axes, x, 54.0,
                f"Allocated to {name}\nn = {arm.allocated}\n"
                f"Received the infusion: {arm.infused}\nDid not receive it: {arm.not_infused}",
                color=colour,
            )  # fmt: skip
            followed = _box(
                axes, x, 32.0,
                f"Died: {arm.died}\nLost to follow-up: {arm.lost}\n"
                f"Withdrawn or discontinued: {arm.withdrawn}\n"
                f"Completed 1-year follow-up: {arm.completed}\n"
                f"Still in follow-up: {arm.in_follow_up}",
                color=colour,
            )  # fmt: skip
            analysed = _box(axes, x, 9.0,
                            f"Analysed (intention to treat)\nn = {arm.analysed}",
                            color=colour)  # fmt: skip
            _arrow(axes, randomized, allocated)
            _arrow(axes, allocated, followed)
            _arrow(axes, followed, analysed)
        return svg(fig, name="consort", title=title)
