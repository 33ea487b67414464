"""Statistical methods of the registered analysis: frozen results with ``to_frame()`` and notes.

No plotting, no I/O; each method is one public function checked against R in ``tests/stats``.
"""

from hepatrial.stats.batched_logrank import (
    ExactLogRankBatch,
    LogRankBatch,
    log_rank_batched,
    log_rank_exact_batched,
)
from hepatrial.stats.batched_rmst import RmstBatch, rmst_batched
from hepatrial.stats.batched_tests import WelchBatch, fisher_exact_batched, welch_t_batched
from hepatrial.stats.by_visit import (
    VisitArmSummary,
    VisitSummary,
    VisitWilcoxon,
    WilcoxonByVisit,
    WilcoxonResult,
    visit_summary,
    wilcoxon_by_visit,
    wilcoxon_rank_sum,
)
from hepatrial.stats.competing_risks import (
    CumulativeIncidence,
    GrayTest,
    cumulative_incidence,
    gray_test,
)
from hepatrial.stats.cox import ChiSquareTest, CoxResult, cox
from hepatrial.stats.kaplan_meier import (
    KaplanMeierCurve,
    KaplanMeierResult,
    MedianSurvival,
    SurvivalAtTime,
    kaplan_meier,
)
from hepatrial.stats.logrank import ExactLogRankResult, LogRankResult, log_rank, log_rank_exact
from hepatrial.stats.mmrm import MmrmResult, VisitDifference, mmrm
from hepatrial.stats.one_year import (
    ArmMortality,
    MortalityResult,
    SurvivalDifference,
    clopper_pearson,
    mortality_1y,
    survival_difference_1y,
)
from hepatrial.stats.rmst import RmstDifference, RmstEstimate, RmstResult, rmst

__all__ = [
    "ArmMortality",
    "ChiSquareTest",
    "CoxResult",
    "CumulativeIncidence",
    "ExactLogRankBatch",
    "ExactLogRankResult",
    "GrayTest",
    "KaplanMeierCurve",
    "KaplanMeierResult",
    "LogRankBatch",
    "LogRankResult",
    "MedianSurvival",
    "MmrmResult",
    "MortalityResult",
    "RmstBatch",
    "RmstDifference",
    "RmstEstimate",
    "RmstResult",
    "SurvivalAtTime",
    "SurvivalDifference",
    "VisitArmSummary",
    "VisitDifference",
    "VisitSummary",
    "VisitWilcoxon",
    "WelchBatch",
    "WilcoxonByVisit",
    "WilcoxonResult",
    "clopper_pearson",
    "cox",
    "cumulative_incidence",
    "fisher_exact_batched",
    "gray_test",
    "kaplan_meier",
    "log_rank",
    "log_rank_batched",
    "log_rank_exact",
    "log_rank_exact_batched",
    "mmrm",
    "mortality_1y",
    "rmst",
    "rmst_batched",
    "survival_difference_1y",
    "visit_summary",
    "welch_t_batched",
    "wilcoxon_by_visit",
    "wilcoxon_rank_sum",
]
