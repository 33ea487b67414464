"""Secondary outcomes: lab and score trajectories with the MMRM table, and decompensation.

The MMRM table gives, per visit, the difference between arms in change from baseline with its
confidence interval, p-value and Satterthwaite degrees of freedom, and the covariance structure
that was fitted; the Wilcoxon rank-sum p-value per visit is the planned sensitivity analysis.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hepatrial.analysis import Descriptives, ResultsBundle
from hepatrial.report._format import NOT_ESTIMABLE, interval, number, p_value
from hepatrial.report.figures import cumulative_incidence_figure, trajectory_figure
from hepatrial.report.html import esc, figure, notes, paragraph
from hepatrial.report.sections_primary import find_result
from hepatrial.report.tables import table

__all__ = ["decompensation_section", "trajectories_section"]

_ORDER = ("ALT", "AST", "ALP", "BILI", "ALB", "PT", "INR", "MELD", "MELDNA", "CPSCORE")
_COVARIANCE = {"unstructured": "unstructured", "toeplitz": "Toeplitz",
               "ar1": "first-order autoregressive", "cs": "compound symmetry"}  # fmt: skip
_DF = {"satterthwaite": "Degrees of freedom by Satterthwaite's method",
       "residual": "Residual degrees of freedom",
       "kenward_roger": "Degrees of freedom by the Kenward-Roger method"}  # fmt: skip
_EVENTS = {"TTDECOMP": "Any decompensation", "TTGIB": "Gastrointestinal bleeding",
           "TTASC": "Ascites", "TTHE": "Hepatic encephalopathy"}  # fmt: skip


def _name(names: Mapping[str, str], group: object) -> str:
    return names.get(str(group), str(group))


def trajectories_section(
    bundle: ResultsBundle, described: Descriptives, names: Mapping[str, str]
) -> str:
    """One subsection per ADLB parameter: the trajectory figure, then its MMRM table."""
    values = described.trajectories
    present = list(dict.fromkeys(values["param"].tolist()))
    params = [p for p in _ORDER if p in present] + sorted(p for p in present if p not in _ORDER)
    if not params:
        return paragraph("No laboratory or score values were recorded in the population.")
    parts: list[str] = []
    for number_, param in enumerate(params, start=1):
        mine = values[values["param"] == param]
        label = str(mine["label"].iloc[0])
        summary = described.trajectory_summary
        summary = summary[summary["param"] == param]
        title = f"{label}: values by visit and arm"
        svg = trajectory_figure(mine, summary, described.groups, names, param=param,
                                title=title, ylabel=label)  # fmt: skip
        parts.append(f'<h3 id="lab-{esc(param.lower())}">{esc(label)}</h3>')
        parts.append(figure(svg, f"Figure 3.{number_}. {label}: each participant's values "
                                 "(faint lines) and the mean with its 95% confidence interval "
                                 "by arm and visit."))  # fmt: skip
        parts.append(_mmrm_table(bundle, param, label, summary, names))
    return "".join(parts)


def _mmrm_table(
    bundle: ResultsBundle, param: str, label: str, summary: Any, names: Mapping[str, str]
) -> str:
    item = find_result(bundle, "mmrm", param)
    if item is None:
        return paragraph(f"{label} is described only: the analysis plan fits no MMRM to it.")
    fit: Any = item.result
    wilcoxon_item = find_result(bundle, "wilcoxon_rank_sum", param)
    by_number = {float(v): str(k) for k, v in zip(summary["visit"], summary["visitnum"],
                                                   strict=True)}  # fmt: skip
    wilcoxon: dict[str, object] = {}
    for visit in getattr(_result(wilcoxon_item), "visits", ()):
        label_of = by_number.get(float(visit.visit), str(visit.visit))
        wilcoxon[label_of] = visit.test.p_value if visit.test is not None else None
    rows: list[list[object]] = []
    for d in getattr(fit, "differences", ()):
        rows.append([d.visit, f"{_name(names, d.arm)} − {_name(names, d.reference)}",
                     number(d.estimate), interval(d.lower, d.upper), p_value(d.p_value),
                     number(d.df, 1),
                     p_value(wilcoxon.get(d.visit))])  # fmt: skip
    covariance = getattr(fit, "covariance", None)
    used = _COVARIANCE.get(str(covariance), NOT_ESTIMABLE) if covariance else NOT_ESTIMABLE
    requested = _COVARIANCE.get(str(getattr(fit, "covariance_requested", "")), "unstructured")
    caption = f"MMRM of the change from baseline in {label}: difference between arms by visit"
    header = ["Visit", "Contrast", "Difference", "95% CI", "p-value", "df",
              "Wilcoxon p (sensitivity)"]  # fmt: skip
    details = (
        f"Covariance used: {used} (planned: {requested}); "
        f"{getattr(fit, 'n_subjects', 0)} participants, {getattr(fit, 'n_obs', 0)} values. "
        f"{_DF.get(str(getattr(fit, 'df_method', 'satterthwaite')), 'Degrees of freedom')}."
        if fit is not None
        else "The MMRM could not be fitted."
    )
    extra = wilcoxon_item.notes if wilcoxon_item is not None else ()
    return (
        table(caption, header, rows, text_columns=2)
        + paragraph(details)
        + notes([*item.notes, *extra], heading=f"Notes on {label}")
    )


def _result(item: Any) -> Any:
    return None if item is None else item.result


def decompensation_section(
    bundle: ResultsBundle, described: Descriptives, names: Mapping[str, str], horizon: float
) -> str:
    """Cumulative incidence of each decompensation type and of any, with Gray's test."""
    panels: list[tuple[str, object, str]] = []
    rows: list[list[object]] = []
    collected: list[str] = []
    for param, heading in _EVENTS.items():
        cif_item = find_result(bundle, "cumulative_incidence", param)
        gray_item = find_result(bundle, "gray_test", param)
        if cif_item is None and gray_item is None:
            continue
        gray = p_value(getattr(_result(gray_item), "p_value", None))
        result = _result(cif_item)
        curves = result.get("curves") if isinstance(result, dict) else None
        if curves is not None:
            panels.append((heading, curves, gray))
        at = next((v for k, v in result.items() if k.startswith("at_")), None) if isinstance(
            result, dict
        ) else None  # fmt: skip
        cells: list[object] = [heading]
        for group in described.groups:
            cells.append(_incidence(at, group))
        rows.append([*cells, gray])
        for item in (cif_item, gray_item):
            if item is not None:
                collected.extend(f"{heading}: {note}" for note in item.notes)
    if not rows:
        return paragraph("The analysis plan has no decompensation outcome.")
    parts: list[str] = []
    title = "Cumulative incidence of hepatic decompensation (death competing)"
    if panels:
        svg = cumulative_incidence_figure(panels, described.groups, names, horizon=horizon,
                                          title=title)  # fmt: skip
        parts.append(figure(svg, "Figure 4. Cumulative incidence (Aalen–Johansen) of any "
                                 "decompensation and of each type, by arm, with death as a "
                                 "competing event; Gray's test compares the arms."))  # fmt: skip
    header = ["Event", *(f"{_name(names, g)}: incidence at day {int(horizon)} (95% CI)"
                         for g in described.groups), "Gray's test p"]  # fmt: skip
    parts.append(table("Table 3. Hepatic decompensation within 1 year", header, rows))
    parts.append(notes(collected, heading="Notes on decompensation"))
    return "".join(parts)


def _incidence(at: Any, group: str) -> str:
    if at is None:
        return NOT_ESTIMABLE
    for g, cause, estimate, lower, upper in zip(at.group, at.cause, at.estimate, at.lower,
                                                at.upper, strict=True):  # fmt: skip
        if str(g) == group and cause == 1:
            return f"{number(estimate, 3)} {interval(lower, upper, 3)}"
    return "0.000 (no event)"
