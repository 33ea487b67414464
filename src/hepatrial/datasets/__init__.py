"""Analysis datasets (ADaM-shaped: ADSL, ADTTE, ADLB, ADAE, ADCE) derived from the tabulations.

Each ``derive_*`` function reads tabulations (and ADSL) and returns a new DataFrame; it never
changes its input. Variable names and structures follow ADaMIG v1.3.
"""

from hepatrial.datasets.adlb import ADLB_VARIABLES, BASELINE_VISIT, derive_adlb
from hepatrial.datasets.adsl import ADSL_VARIABLES, derive_adsl
from hepatrial.datasets.adtte import (
    ADTTE_VARIABLES,
    CNSR_ADMINISTRATIVE,
    CNSR_COMPETING,
    CNSR_EVENT,
    CNSR_LAST_ALIVE,
    DECOMPENSATION_TYPES,
    derive_adtte,
)
from hepatrial.datasets.occurrences import (
    ADAE_VARIABLES,
    ADCE_VARIABLES,
    derive_adae,
    derive_adce,
)

__all__ = [
    "ADAE_VARIABLES",
    "ADCE_VARIABLES",
    "ADLB_VARIABLES",
    "ADSL_VARIABLES",
    "ADTTE_VARIABLES",
    "BASELINE_VISIT",
    "CNSR_ADMINISTRATIVE",
    "CNSR_COMPETING",
    "CNSR_EVENT",
    "CNSR_LAST_ALIVE",
    "DECOMPENSATION_TYPES",
    "derive_adae",
    "derive_adce",
    "derive_adlb",
    "derive_adsl",
    "derive_adtte",
]
