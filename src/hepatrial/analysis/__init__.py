"""Run the protocol's analysis plan: tabulations in, a results bundle (``results.json``) out."""

from hepatrial.analysis.bundle import RESULTS_FILE, MethodResult, Provenance, ResultsBundle
from hepatrial.analysis.describe import (
    OVERALL,
    Consort,
    ConsortArm,
    Descriptives,
    describe_cut,
)
from hepatrial.analysis.plan import (
    DEFAULT_SEED,
    AnalysisDatasets,
    derive_datasets,
    group_labels,
    input_hash,
    run_plan,
)

__all__ = [
    "DEFAULT_SEED",
    "OVERALL",
    "RESULTS_FILE",
    "AnalysisDatasets",
    "Consort",
    "ConsortArm",
    "Descriptives",
    "MethodResult",
    "Provenance",
    "ResultsBundle",
    "derive_datasets",
    "describe_cut",
    "group_labels",
    "input_hash",
    "run_plan",
]
