"""Run the protocol's analysis plan: tabulations in, a results bundle (``results.json``) out."""

from hepatrial.analysis.bundle import RESULTS_FILE, MethodResult, Provenance, ResultsBundle
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
    "RESULTS_FILE",
    "AnalysisDatasets",
    "MethodResult",
    "Provenance",
    "ResultsBundle",
    "derive_datasets",
    "group_labels",
    "input_hash",
    "run_plan",
]
