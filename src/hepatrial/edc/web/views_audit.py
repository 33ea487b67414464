"""The audit history of one record: every version, with who, when (UTC and site time), what
changed and why (21 CFR 11.10(e); ICH E6(R3) 4.2.2).

Only records that belong to a participant are listed here, and only for roles that may see
that kind of record; site staff see their own site's. Fields that reveal the allocation are
shown as ``[masked]`` in every version unless the reader may see that participant's arm.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hepatrial.edc.core.masking import MASKED, REVEALING_FIELDS, allocation_visible
from hepatrial.edc.core.permissions import allowed
from hepatrial.edc.participants.selectors import participant_get
from hepatrial.edc.web._access import page_requires

__all__ = ["HISTORY_MODELS", "record_history"]

# "<app label>.<model name>" → (the action that lets a role read such records, its name)
_HISTORY: Mapping[str, tuple[str, Promise]] = {
    "participants.participant": ("participant.view", _("participant")),
    "participants.consent": ("participant.view", _("consent")),
    "participants.screeningfactvalue": ("participant.view", _("screening fact")),
    "participants.criterionattestation": ("participant.view", _("criterion attestation")),
    "participants.eligibilityanswer": ("participant.view", _("eligibility answer")),
    "participants.disposition": ("participant.view", _("disposition")),
    "randomization.allocation": ("participant.view", _("randomization")),
    "randomization.unblindingrequest": ("participant.view", _("emergency unblinding")),
    "dosing.infusion": ("participant.view", _("infusion")),
    "visits.visit": ("participant.view", _("visit")),
    "crfs.labresult": ("participant.view", _("lab result")),
    "crfs.clinicalassessment": ("participant.view", _("clinical assessment")),
    "crfs.demographics": ("participant.view", _("demographics")),
    "crfs.derivedscore": ("participant.view", _("derived score")),
    "outcomes.decompensationevent": ("event.view", _("decompensation event")),
    "outcomes.death": ("event.view", _("death")),
    "outcomes.livertransplant": ("event.view", _("liver transplant")),
    "safety.adverseevent": ("ae.view", _("adverse event")),
}
HISTORY_MODELS: Mapping[str, str] = {model: action for model, (action, _n) in _HISTORY.items()}

# bookkeeping columns every version carries; shown in their own columns, not as changes
_BOOKKEEPING = frozenset(
    {"id", "created_at", "created_by", "modified_at", "modified_by", "version"}
)

_STAMP = "%Y-%m-%d %H:%M:%S"

KINDS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


def _model(label: str) -> type[models.Model]:
    if label not in HISTORY_MODELS:
        raise Http404(label)
    app_label, model_name = label.split(".")
    return apps.get_model(app_label, model_name)


def _show(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return str(value)


def _changes(
    fields: list[models.Field[Any, Any]],
    old: models.Model | None,
    new: models.Model,
    *,
    visible: bool,
) -> list[dict[str, str]]:
    changes = []
    for field in fields:
        attname = field.attname
        before = None if old is None else getattr(old, attname)
        after = getattr(new, attname)
        if old is not None and before == after:
            continue
        if old is None and after in (None, "", [], {}):
            continue
        masked = not visible and (field.name.lower() in REVEALING_FIELDS)
        changes.append(
            {
                "field": field.name,
                "old": "" if old is None else (MASKED if masked else _show(before)),
                "new": MASKED if masked else _show(after),
            }
        )
    return changes


@page_requires(None)
def record_history(request: HttpRequest, model: str, record_id: Any) -> HttpResponse:
    user = request.user
    if model not in HISTORY_MODELS:
        raise Http404(model)
    if not allowed(user, HISTORY_MODELS[model]):
        raise PermissionDenied(HISTORY_MODELS[model])
    record_model = _model(model)
    record = record_model._default_manager.filter(pk=record_id).first()
    if record is None:
        raise Http404(str(record_id))
    participant_id = record.pk if model == "participants.participant" else record.participant_id  # type: ignore[attr-defined]
    # participant_get checks the role and the site (site staff see their own site's only)
    participant = participant_get(user=user, participant_id=participant_id)
    visible = allocation_visible(user, participant_id=participant_id)
    fields = [f for f in record_model._meta.concrete_fields if f.name not in _BOOKKEEPING]
    versions = list(
        record_model.history.filter(id=record.pk)  # type: ignore[attr-defined]
        .select_related("history_user")
        .order_by("history_date", "version")
    )
    zone = ZoneInfo(participant_zone(participant_id))
    rows = []
    previous = None
    for version in versions:
        who = version.history_user
        rows.append(
            {
                "version": version.version,
                "kind": KINDS.get(version.history_type, version.history_type),
                "who": who.get_username() if who else "—",
                "who_name": getattr(who, "full_name", "") if who else "",
                # formatted here: the date filter would turn both into the active zone
                "when_utc": version.history_date.astimezone(dt.UTC).strftime(_STAMP),
                "when_site": timezone.localtime(version.history_date, zone).strftime(_STAMP),
                "why": version.history_change_reason or "",
                "changes": _changes(fields, previous, version, visible=visible),
            }
        )
        previous = version
    return render(
        request,
        "web/record_history.html",
        {
            "participant": participant,
            "model_label": _HISTORY[model][1],
            "model": model,
            "record_id": record.pk,
            "voided": getattr(record, "voided", False),
            "rows": rows,
            "zone_name": str(zone),
        },
    )


def participant_zone(participant_id: Any) -> str:
    """The time zone of the participant's site, where the history's site times are given."""
    from hepatrial.edc.participants.models import Participant

    return str(
        Participant.objects.filter(pk=participant_id)
        .values_list("site__time_zone", flat=True)
        .first()
        or "UTC"
    )
