"""Translated labels for the codes stored in the database (roles, statuses).

The database keeps the English codes (they are also the values in tabulations); pages show
these labels so that a zh-Hans user reads Chinese.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

__all__ = ["ROLE_LABELS", "STATUS_LABELS", "STATUS_TONES", "label_of"]

ROLE_LABELS: dict[str, Promise] = {
    "admin": _("administrator"),
    "investigator": _("investigator"),
    "coordinator": _("coordinator"),
    "pharmacist": _("pharmacist"),
    "monitor": _("monitor"),
    "statistician": _("statistician"),
    "dsmb": _("DSMB member"),
    "data_manager": _("data manager"),
}

STATUS_LABELS: dict[str, Promise] = {
    # participants (hepatrial.design.workflow.Status)
    "identified": _("identified"),
    "consented": _("consented"),
    "screened": _("screened"),
    "eligible": _("eligible"),
    "screen failed": _("screen failed"),
    "randomized": _("randomized"),
    "infused": _("infused"),
    "in follow-up": _("in follow-up"),
    "completed": _("completed"),
    "withdrawn": _("withdrawn"),
    "died": _("died"),
    "lost to follow-up": _("lost to follow-up"),
    "awaiting consent": _("awaiting consent"),
    "in screening": _("in screening"),
    # visits (hepatrial.edc.visits.models.VisitStatus)
    "planned": _("planned"),
    "due": _("due"),
    "overdue": _("overdue"),
    "done": _("done"),
    "missed": _("missed"),
    "not done": _("not done"),
    # queries
    "open": _("open"),
    "answered": _("answered"),
    "resolved": _("resolved"),
    "closed": _("closed"),
    "auto-closed": _("auto-closed"),
    # severity of decompensation events
    "mild": _("mild"),
    "moderate": _("moderate"),
    "severe": _("severe"),
    "life-threatening": _("life-threatening"),
    # relatedness of adverse events to the infusion
    "not_related": _("not related"),
    "unlikely": _("unlikely"),
    "possible": _("possible"),
    "probable": _("probable"),
    "definite": _("definite"),
}

# the colour of a status badge: ok, warn, bad, info or muted (classes in hepatrial.css)
STATUS_TONES: dict[str, str] = {
    "eligible": "ok",
    "randomized": "info",
    "infused": "info",
    "in follow-up": "info",
    "completed": "ok",
    "screen failed": "muted",
    "withdrawn": "warn",
    "lost to follow-up": "warn",
    "died": "bad",
    "done": "ok",
    "due": "info",
    "overdue": "bad",
    "missed": "warn",
    "not done": "warn",
    "open": "warn",
    "answered": "info",
    "resolved": "ok",
    "closed": "muted",
}


def label_of(table: dict[str, Promise], code: str) -> str:
    """The translated label of ``code``, or the code itself when the table does not know it."""
    found = table.get(str(code))
    return str(found) if found is not None else str(code)
