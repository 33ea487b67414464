"""Fixtures of the analysis tests: the seed protocol and the cohort of ``analysis_cohort``."""

from __future__ import annotations

import pytest
from analysis_cohort import build_tabulations

from hepatrial.protocol import Protocol, load_seed_protocol
from hepatrial.tabulate import Tabulations


@pytest.fixture(scope="session")
def protocol() -> Protocol:
    return load_seed_protocol()


@pytest.fixture(scope="session")
def tabulations() -> Tabulations:
    return build_tabulations()
