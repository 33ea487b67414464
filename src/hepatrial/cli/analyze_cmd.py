"""``hepatrial analyze``: run the protocol's analysis plan on tabulations and write results.json.

Masked by default (arms appear as Group A and Group B); ``--unmasked`` is for the DSMB.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import typer
from rich.console import Console

from hepatrial.analysis import run_plan
from hepatrial.errors import InputError
from hepatrial.protocol import load_protocol, load_seed_protocol
from hepatrial.tabulate import Tabulations

TABULATIONS = typer.Option(
    ..., "--tabulations", help="Folder of tabulation CSV files (dm.csv, ds.csv, ...)."
)
OUTPUT = typer.Option(..., "--output", help="Folder to write results.json into.")
CUTOFF = typer.Option(..., "--cutoff", help="Data cut date, YYYY-MM-DD.")
UNMASKED = typer.Option(False, "--unmasked", help="Name the arms (for the DSMB only).")
PROTOCOL = typer.Option(None, "--protocol", help="Protocol YAML file (default: the seed trial's).")


def _cutoff(text: str) -> date:
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise InputError(field="--cutoff", expected="a date YYYY-MM-DD", received=text) from None


def analyze(
    tabulations: Path = TABULATIONS,
    output: Path = OUTPUT,
    cutoff: str = CUTOFF,
    unmasked: bool = UNMASKED,
    protocol: Path | None = PROTOCOL,
) -> None:
    """Run the registered analysis plan and write results.json (masked unless --unmasked)."""
    if not tabulations.is_dir():
        raise InputError(
            field="--tabulations",
            expected="a folder of tabulation CSV files",
            received=str(tabulations),
        )
    plan = load_seed_protocol() if protocol is None else load_protocol(protocol)
    bundle = run_plan(
        Tabulations.read_csv(tabulations),
        protocol=plan,
        cutoff=_cutoff(cutoff),
        masked=not unmasked,
    )
    path = bundle.write(output)
    noted = sum(1 for item in bundle.results if item.notes)
    Console(highlight=False).print(
        f"wrote {path} ({'unmasked' if unmasked else 'masked'}; {len(bundle.results)} analyses, "
        f"{noted} with notes; input sha256 {bundle.provenance.input_sha256[:12]})"
    )
