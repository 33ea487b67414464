"""The root Typer application and the error boundary of the command line."""

from __future__ import annotations

import sys

import typer
from rich.console import Console
from rich.markup import escape

from hepatrial.cli import (
    analyze_cmd,
    demo_cmd,
    design_cmd,
    edc_cmd,
    protocol_cmd,
    randomization_cmd,
    score_cmd,
    serve_cmd,
)
from hepatrial.errors import HepatrialError

app = typer.Typer(
    name="hepatrial",
    help="hepatrial: the NCT06167473 UC-MSC dose trial in end-stage liver disease, as software.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(protocol_cmd.app, name="protocol")
app.add_typer(score_cmd.app, name="score")
app.command("demo")(demo_cmd.demo)
app.command("init")(edc_cmd.init)
app.command("serve")(serve_cmd.serve)
app.command("backup")(edc_cmd.backup)
app.command("analyze")(analyze_cmd.analyze)
app.command("design")(design_cmd.design)
app.add_typer(edc_cmd.audit_app, name="audit")
app.add_typer(randomization_cmd.app, name="randomization")
app.add_typer(edc_cmd.jobs_app, name="jobs")


def main() -> None:
    """Entry point: a HepatrialError becomes its message on stderr and exit status 2."""
    try:
        app()
    except HepatrialError as error:
        Console(stderr=True, highlight=False).print(f"[bold red]error:[/] {escape(error.message)}")
        sys.exit(2)
