"""``hepatrial init`` and ``hepatrial audit``: set a study up, verify and export its trail."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer
from rich.console import Console

DATA_DIR = typer.Option(None, "--data-dir", help="Where the SQLite file and keys live (./data).")
DATABASE_URL = typer.Option(None, "--database-url", help="PostgreSQL URL; SQLite when omitted.")


def _django(data_dir: Path | None, database_url: str | None) -> None:
    from hepatrial.edc import configure

    configure(data_dir=data_dir, database_url=database_url)


def init(
    protocol: Path = typer.Option(..., "--protocol", help="The protocol YAML file."),
    admin: str = typer.Option("admin", "--admin", help="Username of the first admin."),
    admin_name: str = typer.Option(..., "--admin-name", help="The admin's printed name."),
    admin_email: str = typer.Option("", "--admin-email"),
    data_dir: Path = DATA_DIR,
    database_url: str = DATABASE_URL,
) -> None:
    """Create a study from a protocol file, with its first admin account.

    The password comes from HEPATRIAL_ADMIN_PASSWORD or a prompt; there is no default.
    """
    password = os.environ.get("HEPATRIAL_ADMIN_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            typer.echo(
                "error: set HEPATRIAL_ADMIN_PASSWORD or run in a terminal to be asked", err=True
            )
            raise typer.Exit(2)
        password = typer.prompt("Admin password", hide_input=True, confirmation_prompt=True)
    _django(data_dir, database_url)
    from django.core.management import call_command

    from hepatrial.edc.study.services import study_init

    call_command("migrate", verbosity=0, interactive=False)
    version = study_init(
        protocol_path=protocol,
        admin_username=admin,
        admin_password=password,
        admin_full_name=admin_name,
        admin_email=admin_email,
    )
    Console(highlight=False).print(
        f"study {version.registry_id} version {version.version} set up\n"
        f"protocol sha256 {version.sha256}\nadmin account: {admin}"
    )


audit_app = typer.Typer(
    help="The audit trail: verify its hash chain, export it.", no_args_is_help=True
)


@audit_app.command("verify")
def verify(data_dir: Path = DATA_DIR, database_url: str = DATABASE_URL) -> None:
    """Recompute the hash chain; name the first broken link. Exit 1 if the trail is broken."""
    _django(data_dir, database_url)
    from hepatrial.edc.core.audit import audit_verify

    result = audit_verify()
    console = Console(highlight=False)
    if result.ok:
        console.print(f"audit trail intact: {result.entries} entries, head {result.head_hash}")
        return
    console.print(f"[bold red]audit trail BROKEN[/] ({result.entries} entries)")
    for problem in result.breaks:
        console.print(f"  {problem}")
    raise typer.Exit(1)


@audit_app.command("export")
def export(
    output: Path = typer.Option(..., "--output", help="The CSV file to write."),
    as_user: str = typer.Option(..., "--as", help="The account requesting the export."),
    data_dir: Path = DATA_DIR,
    database_url: str = DATABASE_URL,
) -> None:
    """Write the trail as CSV (who, when, what old and new, why), masked for a masked requester."""
    _django(data_dir, database_url)
    from hepatrial.edc.core.services_audit import audit_trail_export

    lines = audit_trail_export(username=as_user, path=output)
    Console(highlight=False, stderr=True).print(f"{lines} lines written to {output}")


jobs_app = typer.Typer(help="Scheduled jobs.", no_args_is_help=True)


@jobs_app.command("daily")
def daily(
    as_user: str = typer.Option(..., "--as", help="The account the job acts as (data manager)."),
    today: str = typer.Option(None, "--today", help="The day to run for (YYYY-MM-DD)."),
    data_dir: Path = DATA_DIR,
    database_url: str = DATABASE_URL,
) -> None:
    """Move visits to due and overdue; e-mail overdue visits and SAE reports coming due."""
    import datetime as dt

    _django(data_dir, database_url)
    from django.utils import timezone

    from hepatrial.edc.accounts.models import User
    from hepatrial.edc.jobs import daily_jobs_run
    from hepatrial.errors import InputError

    user = User.objects.filter(username=as_user, is_active=True).first()
    if user is None:
        raise InputError(field="--as", expected="an active account", received=as_user)
    try:
        day = dt.date.fromisoformat(today) if today else timezone.localdate()
    except ValueError:
        raise InputError(field="--today", expected="a date YYYY-MM-DD", received=today) from None
    run = daily_jobs_run(user=user, today=day, now=timezone.now())
    Console(highlight=False).print(
        f"{day}: {run.overdue} visits became overdue; "
        f"{run.overdue_emails + run.sae_emails} e-mails sent"
    )


def backup(
    output: Path = typer.Option(..., "--output", help="The backup file to write."),
    data_dir: Path = DATA_DIR,
) -> None:
    """Copy the embedded SQLite database consistently while it is in use (SQLite's backup API).

    For PostgreSQL use pg_dump; see docs/operations.md.
    """
    _django(data_dir, None)
    from hepatrial.edc.backup import sqlite_backup

    entries = sqlite_backup(output)
    Console(highlight=False).print(
        f"backup written to {output} ({entries} audit entries, chain intact)"
    )
