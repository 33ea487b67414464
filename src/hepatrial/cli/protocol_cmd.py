"""``hepatrial protocol``: validate a protocol file, or show one as a readable summary."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from hepatrial.clinical.catalogue import protocol_lab_problems
from hepatrial.errors import ProtocolError
from hepatrial.protocol import (
    Protocol,
    load_protocol,
    protocol_sha256,
    schedule_of_assessments,
    seed_protocol_path,
)

app = typer.Typer(help="The trial's protocol as data.", no_args_is_help=True)


def checked_protocol(path: Path) -> Protocol:
    """Load ``path`` and cross-check it against the lab catalogue; every problem is reported."""
    protocol = load_protocol(path)
    problems = protocol_lab_problems(tuple(lab.code for lab in protocol.measures.labs))
    if problems:
        raise ProtocolError(problems, source=str(path))
    return protocol


@app.command("check")
def check(file: Path = typer.Argument(..., help="The protocol YAML file to validate.")) -> None:
    """Validate a protocol file. Each problem names its path in the file."""
    protocol = checked_protocol(file)
    identity = protocol.identity
    Console(highlight=False).print(
        f"[green]valid[/]: {file} — {identity.registry_id} version {identity.version}, "
        f"{len(protocol.arms)} arms, {len(protocol.visits)} visits, "
        f"{len(protocol.criteria)} criteria\nsha256 {protocol_sha256(file)}"
    )


@app.command("show")
def show(
    file: Path = typer.Argument(None, help="A protocol file; the seed trial's when omitted."),
) -> None:
    """Print a readable summary of a protocol, with its schedule of assessments."""
    path = file if file is not None else seed_protocol_path()
    console = Console(highlight=False, width=max(Console().width, 120))
    render_protocol(console, checked_protocol(path), path)


def render_protocol(console: Console, protocol: Protocol, path: Path) -> None:
    identity, design = protocol.identity, protocol.design
    console.rule(f"[bold]{identity.registry_id}[/] — {identity.brief_title}")
    console.print(f"Protocol version {identity.version} ({identity.version_date}), file {path}")
    console.print(f"sha256 {protocol_sha256(path)}")
    console.print(
        f"{design.allocation.replace('_', '-')}, {design.intervention_model}, ratio "
        f"{':'.join(map(str, design.allocation_ratio))}, masking {design.masking.registered} "
        f"(registered); target enrollment {design.target_enrollment}"
    )
    arms = Table(title="Arms", title_justify="left")
    for column in ("code", "label", "dose", "route"):
        arms.add_column(column)
    for arm in protocol.arms:
        arms.add_row(arm.code, arm.label, f"{arm.dose_per_kg:.1e} {arm.dose_unit}", arm.route)
    console.print(arms)
    infusion = protocol.infusion
    console.print(
        f"Infusions: {infusion.count}"
        + (f", every {infusion.interval_days} days" if infusion.interval_days else "")
        + f"; delivered dose within ±{infusion.dose_tolerance_percent:g} % of target"
    )
    console.print(_soa_table(protocol))
    criteria = Table(title="Eligibility", title_justify="left")
    for column in ("code", "decided", "criterion"):
        criteria.add_column(column)
    for criterion in protocol.criteria:
        criteria.add_row(criterion.code, criterion.decision, criterion.text)
    console.print(criteria)
    outcomes = Table(title="Outcomes", title_justify="left")
    for column in ("", "outcome", "time frame", "planned analysis"):
        outcomes.add_column(column)
    for rank, group in (
        ("primary", protocol.outcomes.primary),
        ("secondary", protocol.outcomes.secondary),
    ):
        for outcome in group:
            methods = ", ".join(m.method.replace("_", " ") for m in outcome.analysis.methods)
            outcomes.add_row(rank, outcome.title, f"{outcome.time_frame_days} days", methods)
    console.print(outcomes)
    console.print(
        f"{len(protocol.assumptions)} assumptions the registration forced: see docs/protocol.md"
    )


def _soa_table(protocol: Protocol) -> Table:
    soa = schedule_of_assessments(protocol)
    table = Table(title="Schedule of assessments", title_justify="left")
    table.add_column("procedure", no_wrap=True, max_width=40)
    for visit in soa.visits:
        table.add_column(f"{visit.code}\n{visit.window_label}", justify="center", max_width=9)
    for row in soa.rows:
        table.add_row(row.label, *("x" if mark else "" for mark in row.marks))
    return table
