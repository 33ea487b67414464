"""The primary outcome: Kaplan–Meier curves with the number at risk, 1-year survival, HR, p-values.

Results are read from the bundle's :class:`~hepatrial.analysis.MethodResult` objects by method
name, so a method the plan did not run, or could not run, shows its note instead of a number.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from hepatrial.analysis import MethodResult, ResultsBundle
from hepatrial.report._format import NOT_ESTIMABLE, interval, number, p_value
from hepatrial.report.figures import kaplan_meier_figure
from hepatrial.report.html import figure, notes, paragraph, plain_note
from hepatrial.report.tables import table

__all__ = ["find_result", "primary_section"]


def find_result(bundle: ResultsBundle, method: str, parameter: str) -> MethodResult | None:
    """The first result of ``method`` on ``parameter``, or ``None`` when the plan has none."""
    for item in bundle.results:
        if item.method == method and item.parameter == parameter:
            return item
    return None


def _name(names: Mapping[str, str], group: object) -> str:
    return names.get(str(group), str(group))


def _notes_text(item: MethodResult | None) -> str:
    if item is None:
        return "not in the analysis plan"
    return "; ".join(plain_note(note) for note in item.notes)


def _value(item: MethodResult | None) -> Any:
    return None if item is None else item.result


def primary_section(bundle: ResultsBundle, names: Mapping[str, str], horizon: float) -> str:
    """The primary-outcome section body (figure, estimates table and notes)."""
    km_item = find_result(bundle, "kaplan_meier", "OS")
    parts: list[str] = []
    km = _value(km_item)
    curves: Sequence[Any] = getattr(km.get("curves"), "curves", ()) if isinstance(km, dict) else ()
    title = "Overall survival by arm (Kaplan–Meier)"
    if curves:
        svg = kaplan_meier_figure(curves, names, horizon=horizon, title=title)
        parts.append(
            figure(
                svg,
                "Figure 2. Kaplan–Meier estimate of survival from randomization, by arm; + marks "
                "a censored participant. Beneath: the number still at risk at days "
                "0, 90, 180, 270 and 365.",
            )
        )
    else:
        parts.append(paragraph("The Kaplan–Meier curves could not be estimated."))
    parts.append(notes(km_item.notes if km_item else (), heading="Kaplan–Meier notes"))
    parts.append(_estimates(bundle, km, names, horizon))
    return "".join(parts)


def _survival_rows(km: Any, names: Mapping[str, str], horizon: float) -> list[list[object]]:
    rows: list[list[object]] = []
    at = km.get(f"survival_at_{int(horizon)}", ()) if isinstance(km, dict) else ()
    for estimate in at:
        rows.append([
            f"Survival at day {int(horizon)}, {_name(names, estimate.group)}",
            number(estimate.survival, 3),
            interval(estimate.lower, estimate.upper, 3),
            "",
            f"{estimate.n_risk} at risk",
        ])  # fmt: skip
    return rows


def _estimates(bundle: ResultsBundle, km: Any, names: Mapping[str, str], horizon: float) -> str:
    rows = _survival_rows(km, names, horizon)
    diff_item = find_result(bundle, "survival_difference", "OS")
    diff = _value(diff_item)
    label = "Difference in survival"
    if diff is not None:
        label += f" at day {int(diff.horizon)} ({_name(names, diff.group)} − "
        label += f"{_name(names, diff.reference)})"
    rows.append([label, number(getattr(diff, "difference", None), 3),
                 interval(getattr(diff, "lower", None), getattr(diff, "upper", None), 3), "",
                 _notes_text(diff_item)])  # fmt: skip
    cox_item = find_result(bundle, "cox", "OS")
    fit = _value(cox_item)
    hr = lower = upper = p = None
    cox_label = "Hazard ratio (Cox)"
    if fit is not None and len(getattr(fit, "hazard_ratio", ())) > 0:
        hr, lower, upper = fit.hazard_ratio[0], fit.hr_lower[0], fit.hr_upper[0]
        p = fit.p_value[0]
        groups = [g for g in names if f"[{g}]" in str(fit.names[0])]
        if groups:
            others = [g for g in names if g not in groups]
            cox_label += f", {_name(names, groups[0])} vs {_name(names, others[0])}"
        if getattr(fit, "penalty", "none") == "firth":
            cox_label += " (Firth-penalized)"
    rows.append([cox_label, number(hr), interval(lower, upper), p_value(p),
                 _notes_text(cox_item)])  # fmt: skip
    lr_item = find_result(bundle, "logrank", "OS")
    lr = _value(lr_item)
    rows.append(["Log-rank test", f"χ² = {number(getattr(lr, 'chi_square', None))}", "",
                 p_value(getattr(lr, "p_value", None)), _notes_text(lr_item)])  # fmt: skip
    exact_item = find_result(bundle, "permutation_logrank", "OS")
    exact = _value(exact_item)
    how = getattr(exact, "method", None)
    label = "Permutation log-rank test (primary)"
    if how is not None:
        label += f", {how} of {getattr(exact, 'n_labellings', 0)} labellings"
    rows.append([label, f"χ² = {number(getattr(exact, 'chi_square', None))}", "",
                 p_value(getattr(exact, "p_value", None)), _notes_text(exact_item)])  # fmt: skip
    rows.extend(_supportive(bundle, names))
    header = ["Analysis", "Estimate", "95% CI", "p-value", "Notes"]
    caption = "Table 2. Primary outcome: survival at 1 year"
    return table(caption, header, rows, notes_column=True) + (
        paragraph(
            "The permutation (exact) log-rank p-value is the primary test; the others support it. "
            f"Where a number cannot be computed the table reads “{NOT_ESTIMABLE}” and the note "
            "says why."
        )
    )


def _supportive(bundle: ResultsBundle, names: Mapping[str, str]) -> list[list[object]]:
    rows: list[list[object]] = []
    fisher_item = find_result(bundle, "fisher_exact", "OS")
    fisher = _value(fisher_item)
    if fisher_item is not None:
        arms = getattr(fisher, "arms", ())
        text = ", ".join(f"{_name(names, a.group)} {a.deaths}/{a.n_known}" for a in arms)
        rows.append([f"Deaths by day {int(getattr(fisher, 'horizon', 365))} (Fisher's exact)",
                     text or NOT_ESTIMABLE, "",
                     p_value(getattr(fisher, "fisher_p_value", None)),
                     _notes_text(fisher_item)])  # fmt: skip
    rmst_item = find_result(bundle, "rmst", "OS")
    res = _value(rmst_item)
    if rmst_item is not None:
        difference = getattr(res, "difference", None)
        label = "Restricted mean survival time difference (days)"
        if difference is not None:
            label += f", {_name(names, difference.group)} − {_name(names, difference.reference)}"
        rows.append([label, number(getattr(difference, "difference", None), 1),
                     interval(getattr(difference, "lower", None),
                              getattr(difference, "upper", None), 1),
                     p_value(getattr(difference, "p_value", None)),
                     _notes_text(rmst_item)])  # fmt: skip
    return rows
