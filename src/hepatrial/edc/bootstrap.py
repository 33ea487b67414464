"""Start Django from the command line or a notebook, on SQLite by default or on DATABASE_URL."""

from __future__ import annotations

import os
from pathlib import Path

SETTINGS_MODULE = "hepatrial.edc.settings"


def configure(*, data_dir: str | Path | None = None, database_url: str | None = None) -> None:
    """Configure and set up Django once per process.

    ``data_dir`` holds the SQLite file and the generated keys (default ``./data`` or
    ``HEPATRIAL_DATA_DIR``); ``database_url`` switches to PostgreSQL (default ``DATABASE_URL``).
    """
    if data_dir is not None:
        os.environ["HEPATRIAL_DATA_DIR"] = str(data_dir)
    if database_url is not None:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django

    django.setup()
