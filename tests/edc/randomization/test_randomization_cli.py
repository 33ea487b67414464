"""`hepatrial randomization generate` and `verify` from the command line."""

from __future__ import annotations

from typing import Any

from typer.testing import CliRunner

from hepatrial.cli.randomization_cmd import app
from hepatrial.edc.randomization.models import AllocationListRecord, AllocationSlot
from hepatrial.errors import InputError

runner = CliRunner()


def test_generate_prints_the_commitment_and_verify_confirms_it(users: Any) -> None:
    generated = runner.invoke(app, ["generate", "--as", "admin"])
    assert generated.exit_code == 0, generated.output
    record = AllocationListRecord.objects.get()
    assert f"commitment sha256 {record.commitment}" in generated.output
    assert str(AllocationSlot.objects.count()) in generated.output
    verified = runner.invoke(app, ["verify"])
    assert verified.exit_code == 0, verified.output
    assert f"allocation list intact: {AllocationSlot.objects.count()} slots" in verified.output


def test_verify_names_a_slot_changed_in_sql_and_exits_1(
    allocation_record: Any, raw_sql: Any
) -> None:
    slot = AllocationSlot.objects.get(sequence=5)
    other = "LOW" if slot.arm == "MIDHIGH" else "MIDHIGH"
    raw_sql("UPDATE randomization_allocationslot SET arm = %s WHERE id = %s", [other, slot.pk.hex])
    result = runner.invoke(app, ["verify"])
    assert result.exit_code == 1
    assert "DOES NOT VERIFY" in result.output
    assert "slot {} #5: stored arm differs" in result.output
    assert "LOW" not in result.output
    assert "MIDHIGH" not in result.output


def test_generate_refuses_a_guessable_seed(users: Any) -> None:
    result = runner.invoke(app, ["generate", "--as", "admin", "--seed", "1234"])
    assert isinstance(result.exception, InputError)
    assert result.exception.field == "seed"
    assert not AllocationListRecord.objects.exists()


def test_generate_accepts_a_strong_seed(users: Any) -> None:
    result = runner.invoke(app, ["generate", "--as", "admin", "--seed", str(2**100 + 1)])
    assert result.exit_code == 0, result.output
    assert AllocationListRecord.objects.exists()


def test_generate_needs_an_active_account(study: Any) -> None:
    result = runner.invoke(app, ["generate", "--as", "nobody"])
    assert isinstance(result.exception, InputError)
    assert result.exception.field == "--as"
