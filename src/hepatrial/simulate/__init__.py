"""Synthetic trials: realistic ESLD cohorts and vectorized Monte Carlo evaluation of the design."""

from hepatrial.simulate.calibration import Check, calibration_checks, checks_frame
from hepatrial.simulate.cohort import simulate_cohort
from hepatrial.simulate.cohort_model import (
    AdverseEventDraw,
    AssessmentDraw,
    Candidate,
    Cohort,
    DecompensationDraw,
    LabDraw,
    VisitDraw,
)
from hepatrial.simulate.design import (
    DesignEvaluation,
    DesignScenario,
    RejectionRate,
    ScenarioResult,
    SimulatedTrials,
    evaluate_design,
    simulate_trials,
)
from hepatrial.simulate.scenario import (
    MortalityBand,
    ParameterSource,
    Scenario,
    ScenarioError,
    default_scenario,
    load_scenario,
    parse_scenario,
)
from hepatrial.simulate.tabulations import cohort_tabulations, simulate_tabulations

__all__ = [
    "AdverseEventDraw",
    "AssessmentDraw",
    "Candidate",
    "Check",
    "Cohort",
    "DecompensationDraw",
    "DesignEvaluation",
    "DesignScenario",
    "LabDraw",
    "MortalityBand",
    "ParameterSource",
    "RejectionRate",
    "Scenario",
    "ScenarioError",
    "ScenarioResult",
    "SimulatedTrials",
    "VisitDraw",
    "calibration_checks",
    "checks_frame",
    "cohort_tabulations",
    "default_scenario",
    "evaluate_design",
    "load_scenario",
    "parse_scenario",
    "simulate_cohort",
    "simulate_tabulations",
    "simulate_trials",
]
