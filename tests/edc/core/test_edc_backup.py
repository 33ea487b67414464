"""Backup and restore of the embedded database, as an operator would run them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HEPATRIAL = [sys.executable, "-m", "hepatrial.cli"]


def _run(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HEPATRIAL_ADMIN_PASSWORD": "Correct-Horse-42"}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [*HEPATRIAL, *args, "--data-dir", str(data_dir)],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="SQLite operations"
)
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
