"""``hepatrial design``: Monte Carlo power and type I error of the registered design and variants.

The grid is every combination of ``--n``, ``--hr``, ``--meld-diff`` and ``--dropout`` around the
protocol's registered design; it writes ``design.csv`` and ``power.svg`` and prints a table.
"""

from __future__ import annotations

import itertools
from contextlib import ExitStack
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from hepatrial.cli._design_plot import plot_power
from hepatrial.errors import InputError
from hepatrial.protocol import load_protocol, load_seed_protocol
from hepatrial.simulate.design import DesignEvaluation, DesignScenario, evaluate_design

N = typer.Option([22], "--n", help="Total sample size (repeat for a grid).")
HR = typer.Option([1.0, 0.7, 0.5], "--hr", help="Hazard ratio, other arm / low dose (repeat).")
MELD_DIFF = typer.Option(
    [0.0, 2.0, 3.0], "--meld-diff", help="MELD-change reduction in the other arm, points (repeat)."
)
DROPOUT = typer.Option([0.0], "--dropout", help="Probability of dropout by 1 year (repeat).")
MORTALITY = typer.Option(0.25, "--control-mortality", help="1-year mortality, low-dose arm.")
MELD_SD = typer.Option(4.0, "--meld-sd", help="SD of MELD change at weeks 24 and 48.")
ANALYSIS_DAY = typer.Option(
    None, "--analysis-day", help="Analysis day after first enrolment (default: all complete)."
)
REPLICATES = typer.Option(10_000, "--replicates", help="Simulated trials per scenario.")
SEED = typer.Option(20231128, "--seed", help="Seed of the random streams.")
ALPHA = typer.Option(0.05, "--alpha", help="Two-sided significance level.")
PERMUTATIONS = typer.Option(
    1000, "--permutations", help="Labellings per trial for the exact log-rank test (0: skip)."
)
SCHEDULER = typer.Option(None, "--scheduler", help="Address of a Dask scheduler.")
LOCAL_CLUSTER = typer.Option(
    None, "--local-cluster", help="Start a local Dask cluster with this many workers."
)
OUTPUT = typer.Option(Path("design"), "--output", help="Folder for design.csv and power.svg.")
PROTOCOL = typer.Option(None, "--protocol", help="Protocol YAML file (default: the seed trial's).")


_HEADERS = {
    "log_rank": "log-rank",
    "log_rank_exact": "exact LR",
    "fisher_1y": "Fisher 1y",
    "rmst": "RMST",
    "meld_w24": "MELD W24",
    "meld_w48": "MELD W48",
}


def _table(evaluation: DesignEvaluation) -> Table:
    tests = [rate.test for rate in evaluation.results[0].rates]
    dropouts = {result.scenario.dropout_1y for result in evaluation.results}
    table = Table(
        title=f"Rejection rate, % ± Monte Carlo SE ({evaluation.replicates:,} trials per row)",
        title_justify="left",
        caption="* type I error (no effect for that test)",
        caption_justify="left",
    )
    columns = ["n", "HR", "MELD Δ", *(["dropout"] if len(dropouts) > 1 else []), "deaths"]
    for column in columns:
        table.add_column(column, justify="right")
    for test in tests:
        table.add_column(_HEADERS.get(test, test), justify="right")
    for result in evaluation.results:
        s = result.scenario
        cells = [
            f"{100 * rate.rate:.1f}±{100 * rate.mc_se:.1f}" + ("*" if rate.null_true else "")
            for rate in result.rates
        ]
        table.add_row(
            str(s.n),
            f"{s.hazard_ratio:g}",
            f"{0.0 - s.meld_difference[0]:g}",
            *([f"{s.dropout_1y:g}"] if len(dropouts) > 1 else []),
            f"{result.mean_deaths:.1f}",
            *cells,
        )
    return table


def design(
    n: list[int] = N,
    hr: list[float] = HR,
    meld_diff: list[float] = MELD_DIFF,
    dropout: list[float] = DROPOUT,
    control_mortality: float = MORTALITY,
    meld_sd: float = MELD_SD,
    analysis_day: float | None = ANALYSIS_DAY,
    replicates: int = REPLICATES,
    seed: int = SEED,
    alpha: float = ALPHA,
    permutations: int = PERMUTATIONS,
    scheduler: str | None = SCHEDULER,
    local_cluster: int | None = LOCAL_CLUSTER,
    output: Path = OUTPUT,
    protocol: Path | None = PROTOCOL,
) -> None:
    """Power and type I error of log-rank, exact log-rank, Fisher, RMST and MELD-change tests."""
    if scheduler is not None and local_cluster is not None:
        raise InputError(
            field="--local-cluster", expected="either it or --scheduler", received="both"
        )
    if local_cluster is not None and local_cluster < 1:
        raise InputError(field="--local-cluster", expected="workers ≥ 1", received=local_cluster)
    plan = load_seed_protocol() if protocol is None else load_protocol(protocol)
    scenarios = [
        DesignScenario.from_protocol(
            plan,
            n=size,
            hazard_ratio=ratio,
            # a reduction in MELD change; 0.0 - diff keeps a null difference +0.0, not -0.0
            meld_difference=(0.0 - diff, 0.0 - diff),
            meld_change_sd=(meld_sd, meld_sd),
            dropout_1y=drop,
            control_mortality_1y=control_mortality,
            analysis_day=analysis_day,
        )
        for size, ratio, diff, drop in itertools.product(n, hr, meld_diff, dropout)
    ]
    console = Console(highlight=False)
    with ExitStack() as stack:
        if local_cluster is not None:
            # imported here: Dask is needed only when asked for
            from distributed import LocalCluster

            cluster = stack.enter_context(
                LocalCluster(  # type: ignore[no-untyped-call]
                    n_workers=local_cluster,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                )
            )
            scheduler = cluster.scheduler_address
        progress = stack.enter_context(
            Progress(
                TextColumn("simulating"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            )
        )
        task = progress.add_task("design", total=replicates * len(scenarios))
        evaluation = evaluate_design(
            scenarios,
            replicates,
            seed,
            alpha,
            scheduler,
            permutations=permutations,
            progress=lambda done: progress.advance(task, done),
        )
    output.mkdir(parents=True, exist_ok=True)
    frame = evaluation.to_frame()
    frame.to_csv(output / "design.csv", index=False)
    plot_power(frame, output / "power.svg", alpha=alpha)
    console.print(_table(evaluation))
    for note in evaluation.notes:
        console.print(f"note: {note}")
    console.print(f"wrote {output / 'design.csv'} and {output / 'power.svg'}")
