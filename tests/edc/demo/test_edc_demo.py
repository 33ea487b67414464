"""The demo: a reduced simulated trial replayed through the EDC services, then the CLI.

The in-process run uses the test database (SQLite in this pass; the demo itself always makes a
SQLite study, so the module runs in the SQLite pass only). It is run once, the facts the tests
need are read from it, and the database is rolled back.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from hepatrial.analysis import input_hash
from hepatrial.protocol import ROLES, load_seed_protocol
from hepatrial.tabulate import Tabulations

# django_db: the in-process run needs the test database set up (it rolls its own work back)
pytestmark = [pytest.mark.sqlite, pytest.mark.django_db]

SEED = 7
CANDIDATES = 8


def _roles_in_trail() -> set[str]:
    """The role of every user who wrote a history row, and of every access event's user."""
    from django.apps import apps

    from hepatrial.edc.accounts.models import User
    from hepatrial.edc.core.models import AccessEvent

    roles: set[str] = set()
    for model in apps.get_models():
        if model.__name__.startswith("Historical") and hasattr(model, "history_user"):
            roles.update(r for r in model.objects.values_list("history_user__role", flat=True) if r)
    usernames = set(AccessEvent.objects.values_list("username", flat=True))
    roles.update(User.objects.filter(username__in=usernames).values_list("role", flat=True))
    return roles


def _allocations_follow_the_list() -> tuple[list[str], list[str]]:
    """(arms given, in order of randomization; the list's first arms, as many)."""
    from hepatrial.edc.randomization.models import Allocation, AllocationSlot

    given = list(
        Allocation.objects.filter(voided=False).order_by("created_at").values_list("arm", flat=True)
    )
    listed = list(
        AllocationSlot.objects.filter(voided=False)
        .order_by("sequence")
        .values_list("arm", flat=True)[: len(given)]
    )
    return given, listed


@pytest.fixture(scope="module")
def demo(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """Run the reduced demo once and keep what the tests check; then roll the database back."""
    from hepatrial.cli.demo_cmd import demo_outputs_write
    from hepatrial.edc.demo import demo_run
    from hepatrial.edc.participants.models import Participant
    from hepatrial.edc.queries.checks import MANUAL
    from hepatrial.edc.queries.models import Query
    from hepatrial.edc.randomization.models import Allocation
    from hepatrial.edc.visits.checks import RULE_MISSING_FORM

    folder = tmp_path_factory.mktemp("demo")
    with django_db_blocker.unblock(), transaction.atomic():
        run = demo_run(seed=SEED, candidates=CANDIDATES)
        given, listed = _allocations_follow_the_list()
        facts = {
            "run": run,
            "participants": Participant.objects.filter(voided=False).count(),
            "randomized": Allocation.objects.filter(voided=False).count(),
            "roles": _roles_in_trail(),
            "query_statuses": set(Query.objects.values_list("status", flat=True)),
            "manual_queries": Query.objects.filter(rule=MANUAL).count(),
            "forms_queried_then_closed": Query.objects.filter(
                rule=RULE_MISSING_FORM, status="auto-closed"
            ).count(),
            "given": given,
            "listed": listed,
            "written": demo_outputs_write(run, folder),
            "folder": folder,
        }
        transaction.set_rollback(True)
    return facts


def test_the_demo_study_holds_every_screened_candidate(demo: dict[str, Any]) -> None:
    assert demo["participants"] == CANDIDATES == demo["run"].candidates
    assert 0 < demo["randomized"] < CANDIDATES  # some screen failures, some randomized


def test_every_role_leaves_its_mark_in_the_audit_trail(demo: dict[str, Any]) -> None:
    assert demo["roles"] == set(ROLES)


def test_queries_are_raised_answered_and_some_resolved_while_others_stay_open(
    demo: dict[str, Any],
) -> None:
    statuses = demo["query_statuses"]
    assert demo["manual_queries"] > 0
    assert "resolved" in statuses
    assert statuses & {"open", "answered"}
    frame = demo["run"].open_queries
    assert frame is not None
    assert len(frame) > 0
    # raised on replayed days, so the report counts them at the data cut
    assert (frame["OPENED"] <= demo["run"].cutoff).all()


def test_replayed_visits_are_judged_on_their_own_day_not_today(demo: dict[str, Any]) -> None:
    """A visit of the replayed past is not "missing its forms" the moment it is recorded (the
    forms follow within days); judged by the real date, every visit would be queried at once."""
    assert demo["forms_queried_then_closed"] == 0


def test_randomization_hands_out_the_concealed_list_in_order(demo: dict[str, Any]) -> None:
    assert demo["given"] == demo["listed"]
    assert len(demo["given"]) == demo["randomized"]


def test_the_masked_tabulations_hide_the_arm_and_the_unmasked_show_it(
    demo: dict[str, Any],
) -> None:
    masked, unmasked = demo["run"].masked.domains["DM"], demo["run"].unmasked.domains["DM"]
    randomized = unmasked["ARMCD"].isin(["LOW", "MIDHIGH"])
    assert randomized.sum() == demo["randomized"]
    assert not masked["ARMCD"].isin(["LOW", "MIDHIGH"]).any()


def test_randomization_and_infusion_carry_the_replayed_day_not_the_real_one(
    demo: dict[str, Any],
) -> None:
    """Day 0 of the simulated story: randomized, then infused, the same (past) day."""
    dm = demo["run"].unmasked.domains["DM"]
    infused = dm[dm["RFXSTDTC"].notna()]
    assert len(infused) > 0
    assert (infused["RANDDTC"] == infused["RFXSTDTC"]).all()
    assert (dm["RANDDTC"].dropna() <= demo["run"].cutoff.isoformat()).all()


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_both_reports_are_written_and_the_masked_one_names_no_arm(demo: dict[str, Any]) -> None:
    folder = demo["folder"]
    for name in ("masked", "unmasked"):
        assert (folder / f"report-{name}" / "results.json").is_file()
        assert (folder / f"report-{name}" / "report.html").is_file()
    arms = load_seed_protocol().arms
    revealing = re.compile(
        "|".join([r"\bLOW\b", r"\bMIDHIGH\b", "cells/kg", *(re.escape(arm.label) for arm in arms)])
    )
    masked = _text(folder / "report-masked" / "report.html")
    masked += _text(folder / "report-masked" / "results.json")
    assert revealing.search(masked) is None
    unmasked = _text(folder / "report-unmasked" / "report.html")
    assert revealing.search(unmasked) is not None  # the scan does find arms where they are


# -- the command line --------------------------------------------------------------------------


def _hepatrial(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    }
    return subprocess.run(
        [sys.executable, "-m", "hepatrial.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


@pytest.fixture(scope="module")
def cli_demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """``hepatrial demo`` run once, with the reduced cohort, into a new folder."""
    work = tmp_path_factory.mktemp("cli")
    done = _hepatrial(
        "demo", "--data-dir", "study", "--candidates", str(CANDIDATES), "--seed", str(SEED),
        cwd=work,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return work / "study", done.stdout


def test_the_demo_command_makes_a_study_reports_and_prints_the_demo_accounts(
    cli_demo: tuple[Path, str],
) -> None:
    folder, out = cli_demo
    assert (folder / "hepatrial.sqlite3").is_file()
    assert (folder / "report-unmasked" / "report.html").is_file()
    assert (folder / "report-masked" / "report.html").is_file()
    assert "HEPATRIAL_DATA_DIR=" in out
    assert "hepatrial serve" in out
    accounts = (folder / "demo-accounts.txt").read_text()
    assert "DEMO" in accounts
    for role in ROLES:
        password = re.search(rf"^{role}\s+demo_{role}\s+(\S+)$", accounts, re.MULTILINE)
        assert password is not None, role
        assert password.group(1) in out
    assert (folder / "demo-accounts.txt").stat().st_mode & 0o077 == 0


def test_the_same_seed_replays_the_same_trial(
    demo: dict[str, Any], cli_demo: tuple[Path, str]
) -> None:
    """The in-process run (in-memory test database) and the command (a new SQLite file) replay
    the same seed into tabulations with the same SHA-256, domain by domain."""
    folder, _ = cli_demo
    for name in ("masked", "unmasked"):
        here = Tabulations.read_csv(demo["folder"] / f"tabulations-{name}")
        there = Tabulations.read_csv(folder / f"tabulations-{name}")
        assert input_hash(here) == input_hash(there), name
        assert len(here.domains["LB"]) > 0


def test_the_demo_refuses_a_folder_that_is_not_a_demo_and_an_old_demo_without_force(
    cli_demo: tuple[Path, str], tmp_path: Path
) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "hepatrial.sqlite3").write_text("a real study")
    refused = _hepatrial("demo", "--data-dir", "real", cwd=tmp_path)
    assert refused.returncode == 2
    assert "not a hepatrial demo" in refused.stderr
    assert (tmp_path / "real" / "hepatrial.sqlite3").read_text() == "a real study"
    folder, _ = cli_demo
    again = _hepatrial("demo", "--data-dir", str(folder), cwd=tmp_path)
    assert again.returncode == 2
    assert "--force" in again.stderr


def test_analyze_reads_the_database_masked_for_a_masked_role(
    cli_demo: tuple[Path, str], tmp_path: Path
) -> None:
    folder, _ = cli_demo
    cutoff = json.loads((folder / "report-masked" / "results.json").read_text())
    cut = cutoff["provenance"]["cutoff"]
    done = _hepatrial(
        "analyze", "--database", str(folder), "--as", "demo_statistician", "--cutoff", cut,
        "--output", "out", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    assert results["masked"] is True
    assert (tmp_path / "out" / "report.html").is_file()
    assert not re.search(r"\bMIDHIGH\b|\bLOW\b", (tmp_path / "out" / "results.json").read_text())


def test_analyze_refuses_an_unmasked_report_for_a_masked_role(
    cli_demo: tuple[Path, str], tmp_path: Path
) -> None:
    folder, _ = cli_demo
    done = _hepatrial(
        "analyze", "--database", f"sqlite:///{folder / 'hepatrial.sqlite3'}", "--as",
        "demo_statistician", "--cutoff", "2025-01-01", "--output", "out", "--unmasked",
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 2
    assert "--unmasked" in done.stderr
    assert "masked" in done.stderr
    assert not (tmp_path / "out").exists()


def test_analyze_gives_the_dsmb_the_unmasked_report_from_the_database(
    cli_demo: tuple[Path, str], tmp_path: Path
) -> None:
    folder, _ = cli_demo
    done = _hepatrial(
        "analyze", "--database", str(folder), "--as", "demo_dsmb", "--cutoff", "2025-06-01",
        "--output", "out", "--unmasked", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert re.search(r"\bMIDHIGH\b|\bLOW\b", (tmp_path / "out" / "results.json").read_text())
