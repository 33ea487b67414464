"""Signing a participant's casebook: the investigator enters the password again (21 CFR 11.200).

The page shows the meaning of the signature, and the active signature if there is one; a later
change to any of the participant's data voids it (the services do that).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hepatrial.edc.webforms._common import participant_or_404, posted, require_role, run_service
from hepatrial.edc.webforms.forms_review import SignForm

__all__ = ["casebook_sign"]


@login_required
@require_http_methods(["GET", "POST"])
def casebook_sign(request: HttpRequest, participant_id: Any) -> HttpResponse:
    from hepatrial.edc.casebooks.models import MEANING, Signature
    from hepatrial.edc.casebooks.services import casebook_sign as sign

    require_role(request, "casebook.sign")
    participant = participant_or_404(request, participant_id)
    form = SignForm(posted(request))
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: sign(
                user=request.user, participant=participant, password=form.cleaned_data["password"]
            ),
        )
        if done is not None:
            messages.success(request, _("Casebook signed."))
            return redirect("webforms:casebook_sign", participant_id=participant.pk)
    active = Signature.objects.filter(participant=participant, voided=False).first()
    return render(
        request,
        "webforms/casebook.html",
        {
            "form": form,
            "participant": participant,
            "title": _("Sign the casebook"),
            "meaning": MEANING,
            "signature": active,
        },
    )
