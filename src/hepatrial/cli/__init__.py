"""The ``hepatrial`` command: a thin front end that parses, calls the library and renders."""

from hepatrial.cli._app import app, main

__all__ = ["app", "main"]
