"""A design grid spread over a 2-worker Dask cluster gives exactly the single-process results."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hepatrial.simulate import DesignScenario, evaluate_design
from hepatrial.simulate.design import CHUNK

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster_address() -> Iterator[str]:
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address


def test_dask_cluster_and_single_process_give_identical_results(cluster_address: str) -> None:
    scenarios = [DesignScenario(), DesignScenario(n=40, hazard_ratio=0.5)]
    # more than one chunk per scenario, so chunks of one scenario run on both workers
    replicates = CHUNK + 200
    seen: list[int] = []
    spread = evaluate_design(
        scenarios,
        replicates,
        seed=11,
        scheduler=cluster_address,
        permutations=20,
        progress=seen.append,
    )
    local = evaluate_design(scenarios, replicates, seed=11, permutations=20)
    assert spread == local
    assert spread.to_frame().equals(local.to_frame())
    assert sum(seen) == 2 * replicates
