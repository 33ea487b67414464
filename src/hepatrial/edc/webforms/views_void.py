"""Voiding a record entered in error, with a reason: a decompensation event or an adverse event.

Nothing is deleted. The record leaves the participant's page, the tabulations and the analysis,
and stays in the database and its audit history, marked voided with the reason (21 CFR
11.10(e)). The rules (who may void, the version check) are the services'.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from hepatrial.edc.webforms._common import participant_or_404, posted, require_role, run_service
from hepatrial.edc.webforms.forms_clinical import VoidForm

__all__ = ["VOIDABLE", "void"]


def _void_decompensation(*, user: Any, record: Any, expected_version: int, reason: str) -> Any:
    from hepatrial.edc.outcomes.services import decompensation_void

    return decompensation_void(
        user=user, event=record, expected_version=expected_version, reason=reason
    )


def _void_adverse_event(*, user: Any, record: Any, expected_version: int, reason: str) -> Any:
    from hepatrial.edc.safety.services import adverse_event_void

    return adverse_event_void(
        user=user, adverse_event=record, expected_version=expected_version, reason=reason
    )


@dataclass(frozen=True, slots=True)
class Voidable:
    model: str  # "<app label>.<model name>", as the audit history names it
    action: str  # the permission that records (and so voids) such records
    name: str | Promise
    service: Callable[..., Any]


# the kinds of record a page may void, by the word in the URL
VOIDABLE: dict[str, Voidable] = {
    "decompensation": Voidable(
        "outcomes.decompensationevent",
        "event.record",
        gettext_lazy("decompensation event"),
        _void_decompensation,
    ),
    "adverse-event": Voidable(
        "safety.adverseevent", "ae.record", gettext_lazy("adverse event"), _void_adverse_event
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def void(request: HttpRequest, kind: str, record_id: Any) -> HttpResponse:
    from django.apps import apps

    voidable = VOIDABLE.get(kind)
    if voidable is None:
        raise Http404(kind)
    require_role(request, voidable.action)
    model = apps.get_model(voidable.model)
    record = model._default_manager.filter(pk=record_id, voided=False).first()
    if record is None:
        raise Http404(str(record_id))
    participant = participant_or_404(request, record.participant_id)
    form = VoidForm(posted(request), initial={"version": record.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: voidable.service(
                user=request.user,
                record=record,
                expected_version=data["version"],
                reason=data["reason"],
            ),
        )
        if done is not None:
            messages.success(request, _("Voided; the record stays in the audit history."))
            return redirect("web:participant_detail", participant_id=participant.pk)
    return render(
        request,
        "webforms/void.html",
        {
            "form": form,
            "participant": participant,
            "record": record,
            "history": voidable.model,
            "title": _("Void the %(name)s of %(date)s")
            % {"name": voidable.name, "date": f"{record.onset_on:%Y-%m-%d}"},
            "submit": _("Void"),
        },
    )
