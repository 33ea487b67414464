"""``python -m hepatrial.cli``: the same command as ``hepatrial``."""

from hepatrial.cli import main

main()
