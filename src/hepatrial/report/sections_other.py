"""Safety, data quality and provenance sections."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from hepatrial.analysis import Descriptives, Provenance
from hepatrial.report._format import NOT_ESTIMABLE, count_percent, number
from hepatrial.report.html import esc, notes, paragraph
from hepatrial.report.tables import table

__all__ = ["provenance_section", "quality_section", "safety_section"]


def _name(names: Mapping[str, str], group: object) -> str:
    return names.get(str(group), str(group))


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _whole(value: object) -> str:
    return NOT_ESTIMABLE if _missing(value) else str(int(float(str(value))))


def safety_section(described: Descriptives, names: Mapping[str, str]) -> str:
    """Adverse events by arm, grade and seriousness; infusion reactions; deaths."""
    groups = described.groups
    overview = described.ae_overview
    header = ["Participants with", *(f"{_name(names, g)}: n (%) [events]" for g in groups)]
    rows: list[list[object]] = []
    for category, chunk in overview.groupby("category", sort=False):
        cells: list[object] = [category]
        for group in groups:
            row = chunk[chunk["group"] == group].iloc[0]
            cells.append(f"{count_percent(row['participants'], row['percent'])} "
                         f"[{int(row['events'])}]")  # fmt: skip
        rows.append(cells)
    denominators = ", ".join(
        f"{_name(names, g)} N = {int(overview.loc[overview['group'] == g, 'denominator'].max())}"
        for g in groups
        if (overview["group"] == g).any()
    )
    parts = [
        table("Table 4. Treatment-emergent adverse events (safety population)", header, rows),
        paragraph(
            f"Safety population: {denominators or 'nobody infused'}. An infusion reaction "
            "is an adverse event starting on the day of the infusion or whose term names "
            "one (infusion-related reaction, anaphylaxis, hypersensitivity)."
        ),
    ]
    terms = described.ae_terms
    term_rows = [
        [row.term, _name(names, row.group), row.participants, row.events, row.serious,
         row.grade_1, row.grade_2, row.grade_3, row.grade_4, row.grade_5, row.grade_missing]
        for row in terms.itertuples(index=False)
    ]  # fmt: skip
    parts.append(table(
        "Table 5. Adverse events by term, arm and worst grade (participants)",
        ["Term", "Arm", "Participants", "Events", "Serious", "Grade 1", "Grade 2", "Grade 3",
         "Grade 4", "Grade 5", "Grade not given"],
        term_rows, text_columns=2,
    ))  # fmt: skip
    reactions = described.infusion_reactions
    parts.append(table(
        "Table 6. Infusion reactions (listing)",
        ["Participant", "Arm", "Term", "Study day", "Grade", "Serious"],
        [[r.USUBJID, _name(names, r.group), r.term, _whole(r.day),
          "not given" if _missing(r.grade) else r.grade, r.serious]
         for r in reactions.itertuples(index=False)],
        text_columns=3,
    ))  # fmt: skip
    deaths = described.deaths
    parts.append(table(
        "Table 7. Deaths (listing, randomized participants)",
        ["Participant", "Arm", "Study day of death", "Cause"],
        [[d.USUBJID, _name(names, d.group), _whole(d.day),
          "not recorded" if _missing(d.cause) else d.cause]
         for d in deaths.itertuples(index=False)],
        text_columns=2, notes_column=True,
    ))  # fmt: skip
    return "".join(parts)


def quality_section(described: Descriptives) -> str:
    """Visits within window, outside it or missed; missing labs by visit; query status."""
    visits = described.visits
    rows = [
        [v.visit, f"{v.day} ({v.earliest} to {v.latest})", v.expected, v.in_window,
         v.outside_window, v.missed, v.not_yet_due]
        for v in visits.itertuples(index=False)
    ]  # fmt: skip
    parts = [table(
        "Table 8. Visits by protocol window (randomized participants)",
        ["Visit", "Target day (window)", "Expected", "Done in window", "Done outside window",
         "Missed", "Not yet due"],
        rows, text_columns=2,
    )]  # fmt: skip
    labs = described.labs_missing
    if labs.empty:
        parts.append(paragraph("No visit with laboratory tests was done."))
    else:
        tests = list(dict.fromkeys(labs["test"].tolist()))
        lab_rows: list[list[object]] = []
        for visit, chunk in labs.groupby("visit", sort=False):
            done = int(chunk["done"].max())
            cells: list[object] = [visit, done]
            for test in tests:
                row = chunk[chunk["test"] == test]
                cells.append("" if row.empty else int(row["missing"].iloc[0]))
            lab_rows.append(cells)
        parts.append(table(
            "Table 9. Missing laboratory values by visit (number of done visits without the "
            "value)",
            ["Visit", "Visits done", *tests], lab_rows,
        ))  # fmt: skip
    queries = described.queries
    if queries is not None:
        parts.append(table(
            "Table 10. Data queries by status at the data cut",
            ["Status", "Queries", "Median age (days)", "Oldest (days)"],
            [[q.status, q.n, number(q.median_age_days, 0), number(q.max_age_days, 0)]
             for q in queries.itertuples(index=False)],
        ))  # fmt: skip
    parts.append(notes(described.notes, heading="Notes on data quality"))
    return "".join(parts)


def provenance_section(provenance: Provenance, masked: bool) -> str:
    """Data cut, protocol, software, input SHA-256 (overall and per domain) and the seed."""
    items = [
        ("Data cut", provenance.cutoff.isoformat()),
        ("Trial", provenance.registry_id),
        ("Protocol version", provenance.protocol_version),
        ("Software", f"hepatrial {provenance.software_version}"),
        ("Input SHA-256", provenance.input_sha256),
        *((f"SHA-256 of {code}", digest) for code, digest in sorted(
            provenance.domain_sha256.items())),
        ("Random seed", str(provenance.seed)),
        ("Version", "masked" if masked else "unmasked (DSMB)"),
    ]  # fmt: skip
    body = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in items)
    return f'<dl class="provenance">{body}</dl>'
