"""``hepatrial analyze``: run the protocol's analysis plan on tabulations; write results.json and
the report (report.html) next to it.

Masked by default (arms appear as Group A and Group B); ``--unmasked`` is for the DSMB.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import typer
from rich.console import Console

from hepatrial.analysis import run_plan
from hepatrial.cli._database import DatabaseRead, database_read
from hepatrial.errors import InputError
from hepatrial.protocol import load_protocol, load_seed_protocol
from hepatrial.report import write_report
from hepatrial.tabulate import Tabulations

TABULATIONS = typer.Option(
    None, "--tabulations", help="Folder of tabulation CSV files (dm.csv, ds.csv, ...)."
)
DATABASE = typer.Option(
    None,
    "--database",
    help="Instead of --tabulations: a study database (postgresql://..., sqlite:///path, or the "
    "SQLite data folder); needs --as.",
)
AS_USER = typer.Option(
    None, "--as", help="With --database: the account whose role decides what is masked."
)
OUTPUT = typer.Option(..., "--output", help="Folder to write results.json and report.html into.")
CUTOFF = typer.Option(..., "--cutoff", help="Data cut date, YYYY-MM-DD.")
UNMASKED = typer.Option(False, "--unmasked", help="Name the arms (for the DSMB only).")
PROTOCOL = typer.Option(None, "--protocol", help="Protocol YAML file (default: the seed trial's).")


def _cutoff(text: str) -> date:
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise InputError(field="--cutoff", expected="a date YYYY-MM-DD", received=text) from None


def _source(
    tabulations: Path | None, database: str | None, as_user: str | None, unmasked: bool
) -> DatabaseRead:
    """The tabulations to analyse: CSV files (seed protocol, no query status) or a database."""
    if (tabulations is None) == (database is None):
        raise InputError(
            field="--tabulations/--database",
            expected="exactly one of them",
            received="both" if tabulations is not None else "neither",
        )
    if database is not None:
        if not as_user:
            raise InputError(
                field="--as", expected="the account to read the database as", received=None
            )
        return database_read(database=database, username=as_user, unmasked=unmasked)
    assert tabulations is not None
    if not tabulations.is_dir():
        raise InputError(
            field="--tabulations",
            expected="a folder of tabulation CSV files",
            received=str(tabulations),
        )
    return DatabaseRead(
        tabulations=Tabulations.read_csv(tabulations),
        open_queries=None,
        protocol=load_seed_protocol(),
        username="",
        role="",
        allocation_visible=True,
    )


def analyze(
    tabulations: Path | None = TABULATIONS,
    output: Path = OUTPUT,
    cutoff: str = CUTOFF,
    unmasked: bool = UNMASKED,
    protocol: Path | None = PROTOCOL,
    database: str | None = DATABASE,
    as_user: str | None = AS_USER,
) -> None:
    """Run the registered analysis plan; write results.json and report.html (masked unless
    --unmasked)."""
    source = _source(tabulations, database, as_user, unmasked)
    plan = source.protocol if protocol is None else load_protocol(protocol)
    bundle = run_plan(
        source.tabulations,
        protocol=plan,
        cutoff=_cutoff(cutoff),
        masked=not unmasked,
        open_queries=source.open_queries,
    )
    path = bundle.write(output)
    report = write_report(bundle, output)
    noted = sum(1 for item in bundle.results if item.notes)
    Console(highlight=False).print(
        f"wrote {path} ({'unmasked' if unmasked else 'masked'}; {len(bundle.results)} analyses, "
        f"{noted} with notes; input sha256 {bundle.provenance.input_sha256[:12]}) and {report}"
    )
