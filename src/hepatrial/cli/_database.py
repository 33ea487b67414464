"""Reading the tabulations straight from a study database, as one of its accounts
(``hepatrial analyze --database ... --as ...``).

``--database`` takes a PostgreSQL URL (``postgresql://user@host:5432/name``), a SQLite URL
(``sqlite:////abs/path/hepatrial.sqlite3``), or, for SQLite, simply the data folder that holds
``hepatrial.sqlite3`` (or the file itself). The keys are read from the SQLite file's folder, as
``hepatrial serve`` would. Masking follows the account's role: the EDC decides, not the command.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hepatrial.errors import InputError
from hepatrial.protocol import Protocol
from hepatrial.tabulate import Tabulations

__all__ = ["DatabaseRead", "database_read"]

SQLITE_FILE = "hepatrial.sqlite3"


@dataclass(frozen=True, slots=True)
class DatabaseRead:
    """The tabulations ``username`` may see, their open queries, the study's protocol and
    whether the allocation was visible to them."""

    tabulations: Tabulations
    open_queries: Any
    protocol: Protocol
    username: str
    role: str
    allocation_visible: bool


def _sqlite_target(database: str) -> tuple[Path, str | None]:
    """(data folder, DATABASE_URL or None for the folder's own hepatrial.sqlite3)."""
    if database.startswith("sqlite:"):
        path = Path(database.removeprefix("sqlite:").lstrip("/"))
        path = Path("/") / path if database.startswith("sqlite:////") else path
    else:
        path = Path(database)
    if path.is_dir():
        path = path / SQLITE_FILE
    if not path.is_file():
        raise InputError(
            field="--database",
            expected="a PostgreSQL URL, or an existing SQLite study (a data folder holding "
            f"{SQLITE_FILE}, the file, or sqlite:///path)",
            received=database,
        )
    path = path.resolve()
    url = None if path.name == SQLITE_FILE else f"sqlite:///{path}"
    return path.parent, url


def database_read(*, database: str, username: str, unmasked: bool) -> DatabaseRead:
    """Set Django up on ``database`` and build the tabulations as ``username``.

    ``unmasked`` (a report naming the arms) is refused, before anything is read, when the
    account's role may not see the allocation.
    """
    import os

    from hepatrial.edc import configure

    if database.startswith(("postgresql://", "postgres://")):
        configure(database_url=database)
    else:
        folder, url = _sqlite_target(database)
        if url is None:
            os.environ.pop("DATABASE_URL", None)
        configure(data_dir=folder, database_url=url)
    from hepatrial.edc.accounts.models import User
    from hepatrial.edc.core.masking import allocation_visible
    from hepatrial.edc.core.permissions import role_of
    from hepatrial.edc.open_queries import open_queries_frame
    from hepatrial.edc.study.selectors import study_protocol
    from hepatrial.edc.tabulations import tabulations_build

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise InputError(field="--as", expected="an active account of the study", received=username)
    visible = allocation_visible(user)
    if unmasked and not visible:
        raise InputError(
            field="--unmasked",
            expected="an account whose role may see the allocation (the DSMB, the pharmacist, or "
            "the statistician once the study is locked); a masked role gets the masked report",
            received=f"{username} (role {role_of(user)}, masked)",
        )
    return DatabaseRead(
        tabulations=tabulations_build(user=user),
        open_queries=open_queries_frame(user=user),
        protocol=study_protocol(),
        username=username,
        role=role_of(user) or "",
        allocation_visible=visible,
    )
