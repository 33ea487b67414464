"""Charts drawn on the server as inline SVG: no JavaScript library, nothing from a CDN.

Each function returns markup that is safe to put in a template; every text in it is escaped.
Charts carry a ``<title>`` and ``role="img"`` with an ``aria-label``, and the pages put the same
numbers in a table next to them, so the chart is never the only way to read the data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

__all__ = ["enrollment_chart", "sparkline"]

_W, _H = 640, 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 44, 16, 16, 36


def _n(value: float) -> str:
    """A coordinate with one decimal: format_html escapes its arguments to text first."""
    return f"{value:.1f}"


def _month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    months = []
    day = start.replace(day=1)
    while day <= end:
        if day >= start:
            months.append(day)
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def enrollment_chart(
    *,
    randomized_on: Sequence[dt.date],
    target: int,
    start: dt.date,
    planned_end: dt.date,
    today: dt.date,
    label: str,
    target_label: str,
    planned_label: str,
) -> SafeString:
    """Cumulative participants randomized over time, against the target and the planned accrual.

    ``randomized_on`` are the dates of randomization; the x-axis runs from the start of
    enrolment to the later of today and the planned end; the planned accrual is the straight
    line from none at the start to ``target`` at the planned end.
    """
    dates = sorted(randomized_on)
    end = max(today, planned_end, *(dates or [start]))
    span = max((end - start).days, 1)
    top = max(target, len(dates), 1)
    plot_w, plot_h = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM

    def x(day: dt.date) -> float:
        return round(_LEFT + plot_w * max((day - start).days, 0) / span, 1)

    def y(count: float) -> float:
        return round(_TOP + plot_h * (1 - count / top), 1)

    parts = [
        format_html(
            '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}"><title>{}</title>',
            _W,
            _H,
            label,
            label,
        )
    ]
    step = 2 if top <= 30 else max(1, round(top / 10))
    for count in range(0, top + 1, step):
        parts.append(
            format_html(
                '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
                '<text x="{}" y="{}" text-anchor="end">{}</text>',
                _LEFT,
                _W - _RIGHT,
                y(count),
                y(count),
                _LEFT - 6,
                _n(y(count) + 4),
                count,
            )
        )
    months = _month_starts(start, end)
    every = max(1, len(months) // 8)
    for month in months[::every]:
        parts.append(
            format_html(
                '<line class="axis" x1="{}" x2="{}" y1="{}" y2="{}"/>'
                '<text x="{}" y="{}" text-anchor="middle">{}</text>',
                x(month),
                x(month),
                _H - _BOTTOM,
                _H - _BOTTOM + 4,
                x(month),
                _H - _BOTTOM + 18,
                month.strftime("%Y-%m"),
            )
        )
    parts.append(
        format_html(
            '<line class="axis" x1="{}" x2="{}" y1="{}" y2="{}"/>',
            _LEFT,
            _W - _RIGHT,
            _H - _BOTTOM,
            _H - _BOTTOM,
        )
    )
    parts.append(
        format_html(
            '<line class="target" x1="{}" x2="{}" y1="{}" y2="{}"><title>{}</title></line>',
            _LEFT,
            _W - _RIGHT,
            y(target),
            y(target),
            target_label,
        )
    )
    parts.append(
        format_html(
            '<line class="planned" x1="{}" x2="{}" y1="{}" y2="{}"><title>{}</title></line>',
            x(start),
            x(planned_end),
            y(0),
            y(target),
            planned_label,
        )
    )
    # a step line: flat until each randomization, then up by one
    points = [(x(start), y(0))]
    for number, day in enumerate(dates, start=1):
        points += [(x(day), y(number - 1)), (x(day), y(number))]
    points.append((x(min(today, end)), y(len(dates))))
    path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
    parts.append(format_html('<polyline class="series" points="{}"/>', path))
    parts.append(
        format_html(
            '<text x="{}" y="{}" text-anchor="end">{}</text>',
            _W - _RIGHT,
            _n(y(target) - 4),
            target_label,
        )
    )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(p) for p in parts))


def sparkline(values: Sequence[float | None], *, label: str) -> SafeString:
    """A small line of ``values`` over visits (gaps skipped), with the first and last labelled.

    Returns an empty string when fewer than one value is known.
    """
    known = [(i, v) for i, v in enumerate(values) if v is not None]
    if not known:
        return mark_safe("")
    width, height, pad = 160, 40, 4
    low = min(v for _, v in known)
    high = max(v for _, v in known)
    spread = (high - low) or 1.0
    slots = max(len(values) - 1, 1)

    def x(i: int) -> float:
        return round(pad + (width - 2 * pad) * i / slots, 1)

    def y(v: float) -> float:
        return round(height - pad - (height - 2 * pad) * (v - low) / spread, 1)

    path = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in known)
    dots = "".join(
        str(format_html('<circle cx="{}" cy="{}" r="2"/>', x(i), y(v))) for i, v in known
    )
    return mark_safe(
        str(
            format_html(
                '<svg class="spark" viewBox="0 0 {} {}" role="img" aria-label="{}">'
                '<title>{}</title><polyline class="series" points="{}"/>',
                width,
                height,
                label,
                label,
                path,
            )
        )
        + dots
        + "</svg>"
    )
