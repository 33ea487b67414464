"""Randomization with a confirmation step.

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
from hepatrial.edc.webforms.forms_participants import RandomizeForm

__all__ = ["randomize"]


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
