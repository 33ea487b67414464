"""``hepatrial demo``: the README's main job — a whole simulated trial, run through the EDC.

It makes a fresh SQLite study in ``--data-dir`` (``./demo``), replays about 30 screened candidates
(22 randomized) through the EDC's services as the people in each role would, up to the data cut,
then writes the tabulations, the analysis and the report, masked and unmasked::

    DIR/hepatrial.sqlite3              the study (`HEPATRIAL_DATA_DIR=DIR hepatrial serve`)
    DIR/demo-accounts.txt              the demo accounts and their passwords (owner-only)
    DIR/tabulations-{masked,unmasked}/ dm.csv, ds.csv, ... as built from the database
    DIR/report-{masked,unmasked}/      results.json and report.html
"""

from __future__ import annotations

import os
import shutil
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from hepatrial.analysis import run_plan
from hepatrial.cli._results import results_write
from hepatrial.errors import InputError

if TYPE_CHECKING:
    from hepatrial.edc.demo import DemoRun
    from hepatrial.edc.demo_setup import DemoAccount

MARKER = ".hepatrial-demo"
ACCOUNTS_FILE = "demo-accounts.txt"
DEFAULT_SEED = 20231128

DATA_DIR = typer.Option(
    Path("demo"), "--data-dir", help="Folder for the demo study (made fresh; default ./demo)."
)
SEED = typer.Option(
    DEFAULT_SEED, "--seed", help="Seed of the simulated trial (same seed, same trial)."
)
CUTOFF = typer.Option(
    None, "--cutoff", help="Data cut, YYYY-MM-DD (default: week 24 of the last randomized)."
)
CANDIDATES = typer.Option(
    None, "--candidates", help="Replay only the first N screened candidates (default: all, ~30)."
)
FORCE = typer.Option(False, "--force", help="Replace an earlier demo in --data-dir.")


def _cutoff(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise InputError(field="--cutoff", expected="a date YYYY-MM-DD", received=text) from None


def prepare_data_dir(folder: Path, *, force: bool) -> None:
    """Make ``folder`` ready for a fresh demo: new or empty, or an old demo with ``force``.

    A folder holding anything but a demo is never touched: it may be a real study.
    """
    if folder.exists() and not folder.is_dir():
        raise InputError(field="--data-dir", expected="a folder", received=str(folder))
    if folder.is_dir() and any(folder.iterdir()):
        if not (folder / MARKER).is_file():
            raise InputError(
                field="--data-dir",
                expected="a new or empty folder (this one holds files that are not a hepatrial "
                "demo, and the demo never overwrites them)",
                received=str(folder),
            )
        if not force:
            raise InputError(
                field="--data-dir",
                expected="a new or empty folder, or --force to replace the demo already in it",
                received=str(folder),
            )
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text("a hepatrial demo study: synthetic data, demo accounts\n")


def _django(folder: Path) -> None:
    """Django on a fresh SQLite file in ``folder``, whatever DATABASE_URL says: a demo never
    writes into a server database."""
    os.environ.pop("DATABASE_URL", None)
    # SAE and overdue-visit e-mails of the replayed past would flood the console
    os.environ.setdefault(
        "HEPATRIAL_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend"
    )
    from django.core.management import call_command

    from hepatrial.edc import configure

    configure(data_dir=folder)
    call_command("migrate", verbosity=0, interactive=False)


def _write_accounts(folder: Path, accounts: dict[str, DemoAccount]) -> Path:
    path = folder / ACCOUNTS_FILE
    lines = ["DEMO ACCOUNTS of a synthetic demo study: never use them for a real trial.", ""]
    lines += [f"{a.role:<13} {a.username:<20} {a.password}" for a in accounts.values()]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as stream:
        stream.write("\n".join(lines) + "\n")
    return path


def demo_outputs_write(run: DemoRun, folder: Path) -> list[Path]:
    """Write the tabulations, results.json and report.html, masked and unmasked, under
    ``folder``; the analysis uses the study's own protocol and the open queries."""
    from hepatrial.edc.study.selectors import study_protocol

    protocol = study_protocol()
    written: list[Path] = []
    for name, tabulations, masked in (
        ("masked", run.masked, True),
        ("unmasked", run.unmasked, False),
    ):
        tabulations.write_csv(folder / f"tabulations-{name}")
        written.append(folder / f"tabulations-{name}")
        bundle = run_plan(
            tabulations,
            protocol=protocol,
            cutoff=run.cutoff,
            masked=masked,
            open_queries=run.open_queries,
        )
        written += results_write(bundle, folder / f"report-{name}")
    return written


def demo(
    data_dir: Path = DATA_DIR,
    seed: int = SEED,
    cutoff: str | None = CUTOFF,
    candidates: int | None = CANDIDATES,
    force: bool = FORCE,
) -> None:
    """Run a simulated trial through the EDC, then write the masked and unmasked reports."""
    console = Console(highlight=False)
    cut = _cutoff(cutoff)
    if candidates is not None and candidates < 1:
        raise InputError(field="--candidates", expected="at least 1", received=candidates)
    folder = data_dir.resolve()
    prepare_data_dir(folder, force=force)
    console.rule("[bold]hepatrial demo[/]: NCT06167473, a simulated trial through the EDC")
    console.print(f"study folder {folder} (SQLite), seed {seed}")
    _django(folder)
    from hepatrial.edc.demo import demo_run

    columns = (
        TextColumn("{task.description}", style="cyan"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("setting the study up", total=None)

        def progress(what: str, done: int, total: int) -> None:
            bar.update(task, description=f"{what[:60]:<60}", completed=done, total=total)

        run = demo_run(seed=seed, candidates=candidates, cutoff=cut, progress=progress)
        bar.update(task, description="trial replayed up to the cut", completed=run.steps)
    with console.status("analysing and writing the reports"):
        for path in demo_outputs_write(run, folder):
            console.print(f"wrote {path}")
    accounts_file = _write_accounts(folder, run.accounts)
    console.print(
        f"\n{run.candidates} candidates screened, {run.randomized} randomized, {run.steps} steps "
        f"replayed up to the data cut {run.cutoff.isoformat()}.\n"
        f"Masked report built as {run.masked_as}, unmasked (DSMB) as {run.unmasked_as}."
    )
    table = Table(title="DEMO accounts (synthetic study only; also in " + str(accounts_file) + ")")
    for heading in ("role", "username", "password"):
        table.add_column(heading)
    for account in run.accounts.values():
        table.add_row(account.role, account.username, account.password)
    console.print(table)
    console.print(
        "Open the web app on this study:\n"
        f"  HEPATRIAL_DATA_DIR={folder} hepatrial serve\n"
        f"Reports: {folder / 'report-unmasked' / 'report.html'} (DSMB), "
        f"{folder / 'report-masked' / 'report.html'} (masked)"
    )
