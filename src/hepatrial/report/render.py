"""Render a results bundle as one self-contained HTML report, and write it atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hepatrial.analysis import ResultsBundle
from hepatrial.errors import InputError
from hepatrial.report.consort import consort_figure
from hepatrial.report.html import figure, notes, page, paragraph, section
from hepatrial.report.sections_other import provenance_section, quality_section, safety_section
from hepatrial.report.sections_primary import primary_section
from hepatrial.report.sections_secondary import decompensation_section, trajectories_section
from hepatrial.report.tables import table1

__all__ = ["REPORT_FILE", "render_report", "write_report"]

REPORT_FILE = "report.html"
_HORIZON = 365.0
"""Days of follow-up the primary and decompensation figures span (the 1-year outcomes)."""


def render_report(bundle: ResultsBundle) -> str:
    """The report of ``bundle`` as HTML text: title, CONSORT, Table 1, primary and secondary
    outcomes, safety, data quality and provenance, each result with its notes.

    A masked bundle gives the masked report (Group A, Group B); an unmasked one names the arms.
    """
    described = bundle.descriptives
    if described is None:
        raise InputError(
            field="bundle.descriptives",
            expected="the descriptive results run_plan computes",
            received=None,
        )
    names = dict(described.group_names)
    prov = bundle.provenance
    consort = described.consort
    totals = {arm.group: arm.allocated for arm in consort.arms}
    totals["All"] = consort.randomized
    consort_svg = consort_figure(consort, names, title="CONSORT flow diagram")
    body = [
        section(
            "consort",
            "1. Participant flow (CONSORT)",
            figure(
                consort_svg,
                "Figure 1. Flow of participants through the trial to the data "
                "cut. A screen failure counts once under every criterion it "
                "failed.",
            )
            + paragraph(f"{consort.screened} consented, {consort.randomized} randomized."),
            first=True,
        ),
        section(
            "baseline",
            "2. Baseline characteristics",
            table1(described.table1, described.groups, names, totals),
        ),
        section(
            "primary",
            "3. Primary outcome: survival at 1 year",
            primary_section(bundle, names, _HORIZON),
        ),
        section(
            "secondary",
            "4. Secondary outcomes",
            "<h3>4.1 Liver function and liver scores</h3>"
            + trajectories_section(bundle, described, names)
            + "<h3>4.2 Hepatic decompensation</h3>"
            + decompensation_section(bundle, described, names, _HORIZON),
        ),
        section("safety", "5. Safety", safety_section(described, names)),
        section("quality", "6. Data quality", quality_section(described)),
        section(
            "provenance",
            "7. Provenance",
            provenance_section(prov, bundle.masked)
            + notes(_unplaced(bundle), heading="Notes of the other planned analyses"),
        ),
    ]
    version = "masked" if bundle.masked else "unmasked (DSMB)"
    subtitle = (
        f"{prov.registry_id} · protocol version {prov.protocol_version} · data cut "
        f"{prov.cutoff.isoformat()} · {version} report · hepatrial {prov.software_version}"
    )
    return page(
        title=f"{described.title}: trial report",
        subtitle=subtitle,
        masked=bundle.masked,
        body="".join(body),
    )


_SHOWN = {"kaplan_meier", "survival_difference", "cox", "logrank", "permutation_logrank",
          "fisher_exact", "rmst", "mmrm", "wilcoxon_rank_sum", "cumulative_incidence",
          "gray_test"}  # fmt: skip


def _unplaced(bundle: ResultsBundle) -> list[str]:
    """Notes of results the sections above do not show (e.g. the by-visit summaries)."""
    return [
        f"{item.outcome} {item.method} ({item.parameter}): {note}"
        for item in bundle.results
        if item.method not in _SHOWN or (item.method == "fisher_exact" and item.parameter != "OS")
        for note in item.notes
    ]


def write_report(bundle: ResultsBundle, directory: str | Path) -> Path:
    """Write ``report.html`` into ``directory`` atomically (a temporary file, then rename)."""
    text = render_report(bundle)
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / REPORT_FILE
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".report-", suffix=".html")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
