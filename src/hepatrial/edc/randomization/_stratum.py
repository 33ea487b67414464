"""How a stratum is written in the database: the canonical JSON of its factor-to-level mapping."""

from __future__ import annotations

import json

from hepatrial.design.randomization import StratumKey


def stratum_text(key: StratumKey) -> str:
    """``{}`` when unstratified, else e.g. ``{"MELD":"<20"}`` with the factors in protocol order."""
    return json.dumps(dict(key), ensure_ascii=False, separators=(",", ":"))
