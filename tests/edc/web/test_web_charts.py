"""The server-drawn SVG charts: the enrolment line climbs one step per randomization and ends
at the count, the target line sits at the target, and every text is escaped."""

from __future__ import annotations

import datetime as dt
import itertools
import re

from hepatrial.edc.web.charts import enrollment_chart, sparkline

START = dt.date(2023, 11, 28)
END = dt.date(2024, 11, 27)


def _points(svg: str, css_class: str) -> list[tuple[float, float]]:
    found = re.search(rf'<polyline class="{css_class}" points="([^"]+)"', svg)
    assert found is not None
    return [tuple(map(float, p.split(","))) for p in found.group(1).split()]  # type: ignore[misc]


def _chart(dates: list[dt.date], target: int = 22) -> str:
    return str(
        enrollment_chart(
            randomized_on=dates, target=target, start=START, planned_end=END,
            today=dt.date(2024, 6, 1), label="Enrolment", target_label="target",
            planned_label="planned",
        )
    )  # fmt: skip


def test_the_enrollment_line_rises_once_per_randomization_up_to_the_count() -> None:
    dates = [dt.date(2024, 1, 5), dt.date(2024, 2, 10), dt.date(2024, 2, 10)]
    points = _points(_chart(dates), "series")
    heights = sorted({y for _, y in points}, reverse=True)  # SVG y grows downwards
    assert len(heights) == 4  # 0, 1, 2, 3 participants
    steps = [a - b for a, b in itertools.pairwise(heights)]
    assert max(steps) - min(steps) < 0.2  # equal steps: one participant each
    assert points[-1][1] == min(y for _, y in points)  # ends at the top: all 3 counted
    xs = [x for x, _ in points]
    assert xs == sorted(xs)  # time runs left to right


def test_the_target_line_is_drawn_at_the_target_height() -> None:
    svg = _chart([dt.date(2024, 1, 5)] * 22)
    target = re.search(r'<line class="target" x1="[^"]+" x2="[^"]+" y1="([^"]+)"', svg)
    assert target is not None
    top_of_series = min(y for _, y in _points(svg, "series"))
    assert float(target.group(1)) == top_of_series  # 22 randomized reach the target line


def test_chart_texts_are_escaped() -> None:
    svg = str(
        enrollment_chart(
            randomized_on=[], target=22, start=START, planned_end=END, today=END,
            label="<script>alert(1)</script>", target_label="a & b", planned_label="p",
        )
    )  # fmt: skip
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "a &amp; b" in svg


def test_a_sparkline_skips_missing_values_and_puts_the_highest_at_the_top() -> None:
    svg = str(sparkline([10.0, None, 30.0, 20.0], label="MELD"))
    points = _points(svg, "series")
    assert len(points) == 3
    assert min(points, key=lambda p: p[1]) == points[1]  # 30 is the highest value
    assert str(sparkline([None, None], label="none")) == ""
