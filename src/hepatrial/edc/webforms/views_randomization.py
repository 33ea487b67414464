"""Randomization with a confirmation step, and emergency unblinding.

The result is read back through ``randomization.selectors.allocation_get``, which masks the arm
for every role the protocol masks: those users read "randomized" and the time, nothing else.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hepatrial.edc.core.masking import MASKED
from hepatrial.edc.webforms._common import participant_or_404, posted, require_role, run_service
from hepatrial.edc.webforms.forms_participants import RandomizeForm, UnblindingForm

__all__ = ["randomize", "unblind"]


@login_required
@require_http_methods(["GET", "POST"])
def randomize(request: HttpRequest, participant_id: Any) -> HttpResponse:
    from hepatrial.edc.randomization.selectors import allocation_get
    from hepatrial.edc.randomization.services import participant_randomize

    require_role(request, "participant.randomize")
    participant = participant_or_404(request, participant_id)
    allocation = allocation_get(user=request.user, participant_id=participant.pk)
    form = RandomizeForm(posted(request))
    if not allocation["randomized"] and request.method == "POST" and form.is_valid():
        done = run_service(
            form, lambda: participant_randomize(user=request.user, participant=participant)
        )
        if done is not None:
            messages.success(request, _("Randomized."))
            return redirect("webforms:randomize", participant_id=participant.pk)
    visible = allocation["randomized"] and allocation["arm"] != MASKED
    return render(
        request,
        "webforms/randomize.html",
        {
            "form": form,
            "participant": participant,
            "title": _("Randomization"),
            "allocation": allocation,
            # only an unblinded role gets the arm into the template at all
            "arm": allocation["arm"] if visible else None,
            "arm_label": allocation["arm_label"] if visible else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unblind(request: HttpRequest, participant_id: Any) -> HttpResponse:
    """Emergency unblinding of one participant for the investigator who asks, with a reason.

    The service keeps the request in the audit trail and notifies the trial team; the arm then
    shows on the participant's page for this investigator only (``core.masking``).
    """
    from hepatrial.edc.randomization.services import unblinding_request

    require_role(request, "unblinding.request")
    participant = participant_or_404(request, participant_id)
    form = UnblindingForm(posted(request))
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        arm = run_service(
            form,
            lambda: unblinding_request(user=request.user, participant=participant, reason=reason),
        )
        if arm is not None:
            messages.warning(
                request,
                _(
                    "Emergency unblinding recorded and sent to the trial team. The arm is shown "
                    "below, to you alone: do not pass it to the masked team."
                ),
            )
            return redirect("web:participant_detail", participant_id=participant.pk)
    return render(
        request,
        "webforms/unblind.html",
        {
            "form": form,
            "participant": participant,
            "title": _("Emergency unblinding"),
            "submit": _("Unblind this participant"),
        },
    )
