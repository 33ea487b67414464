"""Fixtures of the report tests: the seed protocol, the 22-participant cohort and its bundles."""

from __future__ import annotations

import pytest
from report_cohort import CUTOFF, build_tabulations

from hepatrial.analysis import ResultsBundle, run_plan
from hepatrial.protocol import Protocol, load_seed_protocol
from hepatrial.tabulate import Tabulations


@pytest.fixture(scope="session")
def protocol() -> Protocol:
    return load_seed_protocol()


@pytest.fixture(scope="session")
def cohort() -> Tabulations:
    return build_tabulations()


@pytest.fixture(scope="session")
def unmasked_bundle(cohort: Tabulations, protocol: Protocol) -> ResultsBundle:
    return run_plan(cohort, protocol=protocol, cutoff=CUTOFF, masked=False)


@pytest.fixture(scope="session")
def masked_bundle(cohort: Tabulations, protocol: Protocol) -> ResultsBundle:
    return run_plan(cohort, protocol=protocol, cutoff=CUTOFF, masked=True)
