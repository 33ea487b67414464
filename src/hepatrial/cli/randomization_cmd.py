"""``hepatrial randomization``: generate the allocation list once, and verify it against its
commitment."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from hepatrial.cli.edc_cmd import DATA_DIR, DATABASE_URL
from hepatrial.errors import InputError


def _django(data_dir: Path | None, database_url: str | None) -> None:
    from hepatrial.edc import configure

    configure(data_dir=data_dir, database_url=database_url)


app = typer.Typer(
    help="The concealed allocation list: generate it once, verify its commitment.",
    no_args_is_help=True,
)


@app.command("generate")
def generate(
    as_user: str = typer.Option(..., "--as", help="The admin account generating the list."),
    seed: int | None = typer.Option(
        None,
        "--seed",
        help="A secret seed of at least 2**64. Omit it: 128 random bits are then drawn, and a "
        "seed typed here can stay in the shell history.",
    ),
    data_dir: Path = DATA_DIR,
    database_url: str = DATABASE_URL,
) -> None:
    """Generate the study's allocation list and print its SHA-256 commitment to publish."""
    _django(data_dir, database_url)
    from hepatrial.edc.accounts.models import User
    from hepatrial.edc.randomization.services import randomization_list_generate

    user = User.objects.filter(username=as_user, is_active=True).first()
    if user is None:
        raise InputError(field="--as", expected="an active account", received=as_user)
    record = randomization_list_generate(user=user, seed=seed)
    # soft_wrap: a commitment split across lines could not be copied whole.
    Console(highlight=False, soft_wrap=True).print(
        f"allocation list generated: {record.slots.count()} slots\n"
        f"commitment sha256 {record.commitment}\n"
        "Record this commitment where the trial team and auditors can see it "
        "(trial master file); the seed is stored encrypted with the installation's key."
    )


@app.command("verify")
def verify(data_dir: Path = DATA_DIR, database_url: str = DATABASE_URL) -> None:
    """Regenerate the list from the decrypted seed; compare it with the stored slots,
    allocations and commitment. Exit 1 if anything differs. Prints no arm."""
    _django(data_dir, database_url)
    from hepatrial.edc.randomization.verification import randomization_list_verify

    result = randomization_list_verify()
    console = Console(highlight=False, soft_wrap=True)
    if result.ok:
        console.print(
            f"allocation list intact: {result.slots} slots, {result.allocations} allocations, "
            f"commitment {result.commitment}"
        )
        return
    console.print(f"[bold red]allocation list DOES NOT VERIFY[/] (commitment {result.commitment})")
    for problem in result.problems:
        console.print(f"  {problem}", markup=False)
    raise typer.Exit(1)
