"""The cell-lab pharmacist's pages: lots, and the infusion with its dose shown before saving.

The dose and the volume are ``hepatrial.clinical.infusion_plan``'s, through the dosing
service's :func:`~hepatrial.edc.dosing.services.infusion_plan_preview` (masked for anyone the
protocol masks; only the unblinded pharmacist may record an infusion at all).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hepatrial.edc.webforms._common import participant_or_404, posted, require_role, run_service
from hepatrial.edc.webforms.forms_clinical import InfusionForm, LotForm
from hepatrial.edc.webforms.forms_participants import text_of
from hepatrial.errors import HepatrialError

__all__ = ["infusion", "infusion_preview", "lot_list"]


@login_required
@require_http_methods(["GET", "POST"])
def lot_list(request: HttpRequest) -> HttpResponse:
    """Registered lots, and the form to register one from its certificate of analysis."""
    from hepatrial.edc.dosing.selectors import lot_list as lots_read
    from hepatrial.edc.dosing.services import lot_register
    from hepatrial.edc.study.selectors import study_protocol

    require_role(request, "lot.manage")
    form = LotForm(posted(request))
    if request.method == "POST" and form.is_valid():
        product = study_protocol().product.code
        made = run_service(
            form,
            lambda: lot_register(user=request.user, product_code=product, **form.cleaned_data),
        )
        if made is not None:
            messages.success(request, _("Lot %(lot)s registered.") % {"lot": made.lot_number})
            return redirect("webforms:lot_new")
    return render(
        request,
        "webforms/lots.html",
        {"form": form, "title": _("Cell lots"), "lots": lots_read()},
    )


def _usable_lots() -> list[tuple[str, str]]:
    from hepatrial.edc.dosing.selectors import lot_list as lots_read

    return [
        (str(lot["id"]), f"{lot['lot_number']} (≤ {lot['expires_on'].isoformat()})")
        for lot in lots_read()
        if lot["release_status"] == "released"
    ]


def _lot(lot_id: Any) -> Any:
    from hepatrial.edc.dosing.models import CellLot

    lot = CellLot.objects.filter(pk=lot_id, voided=False).first() if lot_id else None
    if lot is None:
        raise Http404("lot")
    return lot


def _plan(request: HttpRequest, participant: Any, lot_id: Any, weight: Any) -> dict[str, Any]:
    from hepatrial.edc.dosing.services import infusion_plan_preview

    try:
        weight_kg = float(weight)
    except (TypeError, ValueError):
        return {"error": _("weight_kg: expected a number, got %(w)r") % {"w": weight}}
    try:
        plan = infusion_plan_preview(
            user=request.user, participant=participant, lot=_lot(lot_id), weight_kg=weight_kg
        )
    except HepatrialError as error:
        return {"error": error.message}
    return {"error": "", **plan}


@login_required
@require_http_methods(["GET", "POST"])
def infusion_preview(request: HttpRequest, participant_id: Any) -> JsonResponse:
    """The dose and volume for the lot and weight typed so far; nothing is written."""
    require_role(request, "infusion.record")
    participant = participant_or_404(request, participant_id)
    data = request.POST if request.method == "POST" else request.GET
    plan = _plan(request, participant, data.get("lot"), data.get("weight_kg"))
    html = render_to_string("webforms/_dose.html", {"plan": plan}, request)
    fields = ("volume_ml", "dose_per_kg", "target_cells", "delivered_cells", "error")
    return JsonResponse({"html": html, **{k: plan.get(k) for k in fields}})


@login_required
@require_http_methods(["GET", "POST"])
def infusion(request: HttpRequest, participant_id: Any) -> HttpResponse:
    from hepatrial.edc.dosing.services import infusion_record

    require_role(request, "infusion.record")
    participant = participant_or_404(request, participant_id)
    form = InfusionForm(
        posted(request),
        lots=_usable_lots(),
        initial={"infusion_date": timezone.localdate()},
    )
    plan: dict[str, Any] | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = _plan(request, participant, data["lot"], data["weight_kg"])
        if request.POST.get("action") == "save":
            zone = ZoneInfo(participant.site.time_zone)
            day = data["infusion_date"]
            done = run_service(
                form,
                lambda: infusion_record(
                    user=request.user,
                    participant=participant,
                    lot=_lot(data["lot"]),
                    weight_kg=data["weight_kg"],
                    infusion_date=day,
                    started_at=dt.datetime.combine(day, data["started_at"], tzinfo=zone),
                    stopped_at=dt.datetime.combine(day, data["stopped_at"], tzinfo=zone),
                    delivered_volume_ml=data["delivered_volume_ml"],
                    reaction=text_of(data["reaction"]),
                    reactions=data["reactions"],
                ),
            )
            if done is not None:
                messages.success(request, _("Infusion recorded; the visit schedule is planned."))
                return redirect("web:participant_detail", participant_id=participant.pk)
    return render(
        request,
        "webforms/infusion.html",
        {"form": form, "participant": participant, "title": _("Infusion"), "plan": plan},
    )
