"""A consistent copy of the embedded SQLite database, checked before it is trusted."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection

from hepatrial.errors import HepatrialError, InputError

__all__ = ["sqlite_backup"]


def sqlite_backup(target: str | Path) -> int:
    """Write a copy of the live SQLite database to ``target``; return its audit entry count.

    SQLite's online backup API copies a consistent snapshot while writers keep working. The copy
    is written beside the target, checked (``PRAGMA integrity_check`` and an intact link from
    every audit entry to the one before), and renamed only then, so a failed backup leaves no file.
    Restoring is copying the file back as ``hepatrial.sqlite3`` into a data directory that holds
    the same keys; ``hepatrial audit verify`` then re-checks every row.
    """
    if connection.vendor != "sqlite":
        raise InputError(
            field="database",
            expected="the embedded SQLite database (use pg_dump for PostgreSQL)",
            received=connection.vendor,
        )
    source = Path(settings.DATABASES["default"]["NAME"])
    destination = Path(target).resolve()
    handle, temporary = tempfile.mkstemp(prefix=f".{destination.name}.", dir=destination.parent)
    os.close(handle)
    try:
        with sqlite3.connect(source) as live, sqlite3.connect(temporary) as copy:
            live.backup(copy)
        entries = _check(Path(temporary))
        os.replace(temporary, destination)
        return entries
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _check(path: Path) -> int:
    with sqlite3.connect(path) as db:
        (integrity,) = db.execute("PRAGMA integrity_check").fetchone()
        if integrity != "ok":
            raise HepatrialError(f"backup: the copy failed SQLite's integrity check: {integrity}")
        previous, count = "0" * 64, 0
        for seq, prev_hash, entry_hash in db.execute(
            "SELECT seq, prev_hash, hash FROM core_auditentry ORDER BY seq"
        ):
            count += 1
            if seq != count or prev_hash != previous:
                raise HepatrialError(f"backup: the copy's audit chain is broken at entry {seq}")
            previous = entry_hash
    return count
