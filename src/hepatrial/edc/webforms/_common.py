"""What every data-entry view shares: the role check, the form base, and running a service.

Forms here are thin: field types, choices and whether a value is required. Every rule is the
services' (and ``hepatrial.clinical``'s); a service's :class:`~hepatrial.errors.HepatrialError`
is shown next to the field it names, with its "field: expected X, got Y" message, and a
:class:`~hepatrial.errors.ConflictError` asks the user to reload.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hepatrial.edc.core.permissions import allowed
from hepatrial.errors import AccessDeniedError, ConflictError, HepatrialError, describe

__all__ = [
    "CONFLICT_TEXT",
    "EntryForm",
    "ReasonMixin",
    "participant_entry",
    "participant_or_404",
    "posted",
    "require_role",
    "run_service",
]

T = TypeVar("T")

CONFLICT_TEXT = _(
    "Someone saved this record since you opened it; reload the page and apply your change again."
)


def posted(request: HttpRequest) -> Any:
    """The POST data of a POST (even an empty one, which must still be validated), else None."""
    return request.POST if request.method == "POST" else None


def require_role(request: HttpRequest, action: str) -> None:
    """403 unless the signed-in user's role may do ``action`` (the services check it again)."""
    if not allowed(request.user, action):
        raise PermissionDenied(action)


def participant_or_404(request: HttpRequest, participant_id: Any) -> Any:
    """The participant, if it exists and the user may see it (site staff: their own site)."""
    from hepatrial.edc.participants.models import Participant
    from hepatrial.edc.participants.selectors import participant_get

    require_role(request, "participant.view")
    try:
        participant_get(user=request.user, participant_id=participant_id)
    except AccessDeniedError as error:
        raise PermissionDenied(str(error)) from None
    except HepatrialError:
        raise Http404(str(participant_id)) from None
    return Participant.objects.select_related("site").get(pk=participant_id)


def _expected(field: forms.Field) -> str:
    if isinstance(field, forms.DateTimeField):
        return gettext("a date and time (YYYY-MM-DD HH:MM)")
    if isinstance(field, forms.DateField):
        return gettext("a date (YYYY-MM-DD)")
    if isinstance(field, forms.TimeField):
        return gettext("a time (HH:MM)")
    if isinstance(field, forms.IntegerField):
        return gettext("a whole number")
    if isinstance(field, forms.FloatField):
        return gettext("a number")
    if isinstance(field, forms.MultipleChoiceField | forms.ChoiceField):
        return gettext("one of %(choices)s") % {
            "choices": ", ".join(str(label) for value, label in field.choices if value != "")
        }
    return gettext("a value")


class EntryForm(forms.Form):
    """A form whose own errors read like the services' ("field: expected X, got Y")."""

    required_css_class = "required"

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound or not self._errors:
            return
        for name in list(self._errors):
            if name not in self.fields:
                continue
            field = self.fields[name]
            raw = self.data.get(self.add_prefix(name))
            received = describe(raw) if raw not in (None, "") else gettext("nothing")
            self._errors[name] = self.error_class(
                [
                    gettext("%(field)s: expected %(expected)s, got %(received)s")
                    % {"field": name, "expected": _expected(field), "received": received}
                ]
            )

    def add_service_error(self, error: HepatrialError) -> None:
        """Show ``error`` at the field it names, or above the form when it names none here."""
        problems = getattr(error, "problems", None)
        if problems and all(isinstance(p, HepatrialError) for p in problems):
            for problem in problems:  # a lab panel: each bad value at its own row
                self.add_service_error(problem)
            return
        field = error.field if error.field in self.fields else None
        if isinstance(error, ConflictError):
            self.add_error(None, str(CONFLICT_TEXT))
            return
        self.add_error(field, error.message)


class ReasonMixin(forms.Form):
    """An edit of saved data: the version it was read at, and the reason for the change."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for the change"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for every change to saved data; it is kept in the audit trail."),
    )


def run_service(form: EntryForm, call: Callable[[], T]) -> T | None:
    """Run ``call`` (one or more services) in one transaction; on a trial error, put it on the
    form and return None, leaving nothing written. An access error is a 403, unless it is
    about a field of the form (a wrong password when signing)."""
    try:
        with transaction.atomic():
            return call()
    except AccessDeniedError as error:
        if error.field in form.fields:
            form.add_service_error(error)
            return None
        raise PermissionDenied(error.message) from None
    except HepatrialError as error:
        form.add_service_error(error)
        return None


def participant_entry(
    request: HttpRequest,
    participant_id: Any,
    *,
    action: str,
    form: Callable[[Any], EntryForm],
    save: Callable[[Any, dict[str, Any]], Any],
    saved: str,
    title: str,
    then: Callable[[Any, Any], HttpResponse] | None = None,
) -> HttpResponse:
    """One form about one participant, saved by one service call (death, withdrawal, liver
    transplant, unscheduled visit): ``save(participant, cleaned_data)``; on success, the
    message ``saved`` and ``then(participant, result)`` (default: the participant's page)."""
    require_role(request, action)
    participant = participant_or_404(request, participant_id)
    bound = form(posted(request))
    if request.method == "POST" and bound.is_valid():
        values = bound.cleaned_data
        result = run_service(bound, lambda: save(participant, values))
        if result is not None:
            messages.success(request, saved)
            if then is not None:
                return then(participant, result)
            return redirect("web:participant_detail", participant_id=participant.pk)
    context = {"form": bound, "participant": participant, "title": title}
    return render(request, "webforms/form.html", context)
