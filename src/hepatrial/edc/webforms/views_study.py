"""Locking and unlocking the study database (the data manager), each with a stated reason."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hepatrial.edc.webforms._common import posted, require_role, run_service
from hepatrial.edc.webforms.forms_review import LockForm

__all__ = ["study_lock"]


@login_required
@require_http_methods(["GET", "POST"])
def study_lock(request: HttpRequest) -> HttpResponse:
    from hepatrial.edc.study.selectors import study_is_locked
    from hepatrial.edc.study.services import study_lock as lock
    from hepatrial.edc.study.services import study_unlock as unlock

    require_role(request, "study.lock")
    locked = study_is_locked()
    form = LockForm(posted(request))
    if request.method == "POST" and form.is_valid():
        service = unlock if locked else lock
        done = run_service(
            form, lambda: service(user=request.user, reason=form.cleaned_data["reason"])
        )
        if done is not None:
            messages.success(
                request, _("The study is locked.") if done.locked else _("The study is unlocked.")
            )
            return redirect("webforms:study_lock")
    return render(
        request,
        "webforms/study_lock.html",
        {"form": form, "title": _("Study lock"), "locked": locked},
    )
