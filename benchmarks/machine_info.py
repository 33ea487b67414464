"""What every benchmark prints about the machine it ran on (figures mean little without it)."""

from __future__ import annotations

import os
import platform

import numpy as np


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, or what the platform module knows."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine(*extra: str) -> str:
    """CPU, cores, OS, Python and numpy, then any ``extra`` library versions."""
    parts = [
        f"{cpu_model()}, {os.cpu_count()} cores",
        f"{platform.system()} {platform.release()}",
        f"Python {platform.python_version()}, numpy {np.__version__}",
        *extra,
    ]
    return "; ".join(parts)
