"""Backup and restore of the embedded database, as an operator would run them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HEPATRIAL = [sys.executable, "-m", "hepatrial.cli"]

# These run the command line on its embedded SQLite database, whatever the test database is.
pytestmark = pytest.mark.sqlite


def _run(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HEPATRIAL_ADMIN_PASSWORD": "Correct-Horse-42"}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [*HEPATRIAL, *args, "--data-dir", str(data_dir)],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip


def test_a_backup_restored_into_a_new_data_directory_verifies(tmp_path: Path) -> None:
    from hepatrial.protocol import seed_protocol_path

    live = tmp_path / "live"
    init = _run("init", "--protocol", str(seed_protocol_path()), "--admin-name", "Ada Admin",
                data_dir=live)  # fmt: skip
    assert init.returncode == 0, init.stderr
    backup = _run("backup", "--output", str(tmp_path / "copy.sqlite3"), data_dir=live)
    assert backup.returncode == 0, backup.stderr
    assert "chain intact" in backup.stdout

    restored = tmp_path / "restored"
    restored.mkdir()
    shutil.copy(tmp_path / "copy.sqlite3", restored / "hepatrial.sqlite3")
    for key in ("secret_key", "pii_key"):
        shutil.copy(live / key, restored / key)
    verify = _run("audit", "verify", data_dir=restored)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "audit trail intact" in verify.stdout


def test_init_without_a_password_refuses_rather_than_using_a_default(tmp_path: Path) -> None:
    from hepatrial.protocol import seed_protocol_path

    env = {
        k: v for k, v in os.environ.items() if k not in ("HEPATRIAL_ADMIN_PASSWORD", "DATABASE_URL")
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [*HEPATRIAL, "init", "--protocol", str(seed_protocol_path()), "--admin-name", "Ada Admin",
         "--data-dir", str(tmp_path)],
        capture_output=True, text=True, env=env, timeout=120, check=False, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert result.returncode == 2
    assert "HEPATRIAL_ADMIN_PASSWORD" in result.stderr
    assert not (tmp_path / "hepatrial.sqlite3").exists()


def test_init_refuses_a_weak_admin_password(tmp_path: Path) -> None:
    from hepatrial.protocol import seed_protocol_path

    env = {**os.environ, "HEPATRIAL_ADMIN_PASSWORD": "password"}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [*HEPATRIAL, "init", "--protocol", str(seed_protocol_path()), "--admin-name", "Ada Admin",
         "--data-dir", str(tmp_path)],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "password: expected" in result.stderr
