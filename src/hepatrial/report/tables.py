"""Accessible HTML tables: a caption, column headers with ``scope="col"`` and a row header each row.

Also Table 1 (baseline characteristics), laid out from the descriptive long frame.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from hepatrial.analysis import OVERALL
from hepatrial.report._format import count_percent, number
from hepatrial.report.html import esc

__all__ = ["table", "table1"]


def table(
    caption: str,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    text_columns: int = 1,
    notes_column: bool = False,
) -> str:
    """A table whose first cell of each row is its row header; the first ``text_columns`` (and
    the last, with ``notes_column``) are left-aligned text, the others numbers."""
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in header)
    body: list[str] = []
    for row in rows:
        cells = [f'<th scope="row">{esc(row[0])}</th>'] if row else []
        for index, value in enumerate(row[1:], start=1):
            text = index < text_columns or (notes_column and index == len(row) - 1)
            css = ' class="text"' if text else ""
            cells.append(f"<td{css}>{esc(value)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    if not rows:
        body.append(f'<tr><td class="text" colspan="{len(header)}">none</td></tr>')
    return (
        f"<table><caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _continuous(row: pd.Series) -> str:
    if int(row["n"]) == 0:
        return "no values"
    if row["summary"] == "median":
        return f"{number(row['median'])} [{number(row['q1'])}, {number(row['q3'])}]"
    return f"{number(row['mean'])} ({number(row['sd'])})"


def table1(
    frame: pd.DataFrame,
    groups: Sequence[str],
    names: Mapping[str, str],
    totals: Mapping[str, int],
) -> str:
    """Table 1: one row per variable (and level), one column per group and overall.

    Continuous rows show mean (SD) or median [Q1, Q3] as the descriptives mark them, with the
    number of participants with a value; categorical rows show n (%) of those with a value.
    ``totals`` gives each column's number of randomized participants (N).
    """
    columns = [*groups, OVERALL]
    header = ["Characteristic", *(f"{names.get(g, g)} (N={totals.get(g, 0)})" for g in columns)]
    rows: list[list[object]] = []
    for _, chunk in frame.groupby("variable", sort=False):
        first = chunk.iloc[0]
        if first["kind"] == "continuous":
            statistic = "median [IQR]" if first["summary"] == "median" else "mean (SD)"
            cells: list[object] = [f"{first['label']}, {statistic}"]
            for group in columns:
                row = chunk[chunk["group"] == group].iloc[0]
                cells.append(f"{_continuous(row)}; n={int(row['n'])}")
            rows.append(cells)
            continue
        rows.append([f"{first['label']}, n (%)", *("" for _ in columns)])
        for level, by_level in chunk.groupby("level", sort=False):
            cells = [f"\u2003{level}"]
            for group in columns:
                row = by_level[by_level["group"] == group].iloc[0]
                cells.append(count_percent(row["count"], row["percent"]))
            rows.append(cells)
    return table("Table 1. Baseline characteristics (randomized participants)", header, rows)
