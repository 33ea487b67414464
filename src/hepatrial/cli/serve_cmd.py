"""``hepatrial serve``: the web application under gunicorn, static files through whitenoise.

Before it starts serving it checks that the study was set up (``hepatrial init``), applies any
migration a newer version brings, and collects the static files into the data directory, so the
server needs nothing from the network.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from hepatrial.cli.edc_cmd import DATA_DIR, DATABASE_URL, _django

__all__ = ["serve"]

WSGI_APP = "hepatrial.edc.wsgi:application"


def _study_ready() -> bool:
    """Whether the database holds a study set up by ``hepatrial init``."""
    from django.db import connection

    if "study_protocolversion" not in connection.introspection.table_names():
        return False
    from hepatrial.edc.study.models import ProtocolVersion

    return ProtocolVersion.objects.filter(active=True).exists()


def _application(options: dict[str, Any]) -> Any:
    from gunicorn.app.base import BaseApplication

    class _Server(BaseApplication):  # type: ignore[misc]
        """gunicorn, configured from the command line instead of a config file."""

        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from hepatrial.edc.wsgi import application

            return application

    return _Server()


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    workers: int = typer.Option(2, "--workers", min=1, help="gunicorn worker processes."),
    data_dir: Path = DATA_DIR,
    database_url: str = DATABASE_URL,
) -> None:
    """Serve the web pages, forms and API (gunicorn; SQLite or DATABASE_URL)."""
    _django(data_dir, database_url)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    console = Console(highlight=False)
    if not _study_ready():
        typer.echo(
            "error: no study is set up in this database; run `hepatrial init` first "
            f"(data directory {settings.DATA_DIR})",
            err=True,
        )
        raise typer.Exit(2)
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    # the workers open their own connections after the fork
    connections.close_all()
    hosts = ", ".join(settings.ALLOWED_HOSTS)
    console.print(
        f"hepatrial on http://{host}:{port}/  (data {settings.DATA_DIR}; allowed host names: "
        f"{hosts}; set HEPATRIAL_ALLOWED_HOSTS to add others)"
    )
    _application(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "accesslog": "-",
            "errorlog": "-",
            "timeout": 60,
            "graceful_timeout": 10,
        }
    ).run()
