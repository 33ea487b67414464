"""Events of follow-up: decompensation, adverse events (serious or not), death, withdrawal and
liver transplant."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hepatrial.edc.webforms._common import (
    participant_entry,
    participant_or_404,
    posted,
    require_role,
    run_service,
)
from hepatrial.edc.webforms.forms_clinical import (
    AdverseEventForm,
    AdverseEventUpdateForm,
    DecompensationCorrectForm,
    DecompensationForm,
    SaeReportForm,
)
from hepatrial.edc.webforms.forms_participants import (
    DeathForm,
    LiverTransplantForm,
    WithdrawForm,
    text_of,
)

__all__ = [
    "adverse_event",
    "adverse_event_edit",
    "death",
    "decompensation",
    "decompensation_edit",
    "liver_transplant",
    "sae_report",
    "withdraw",
]

_EVENT_FIELDS = (
    "event_type",
    "onset_on",
    "severity",
    "hospitalized",
    "admitted_on",
    "discharged_on",
)
_AE_FIELDS = (
    "term",
    "onset_on",
    "grade",
    "seriousness",
    "relatedness",
    "action_taken",
    "outcome",
    "resolved_on",
    "awareness_at",
)


def _page(request: HttpRequest, form: Any, participant: Any, title: str) -> HttpResponse:
    return render(
        request,
        "webforms/form.html",
        {"form": form, "participant": participant, "title": title, "submit": _("Save")},
    )


def _detail(participant: Any) -> HttpResponse:
    return redirect("web:participant_detail", participant_id=participant.pk)


def _event_values(data: dict[str, Any]) -> dict[str, Any]:
    values = {name: data.get(name) for name in _EVENT_FIELDS}
    values["hospitalized"] = text_of(values["hospitalized"])
    return values


@login_required
@require_http_methods(["GET", "POST"])
def decompensation(request: HttpRequest, participant_id: Any) -> HttpResponse:
    from hepatrial.edc.outcomes.services import decompensation_record
    from hepatrial.edc.study.selectors import study_protocol

    require_role(request, "event.record")
    participant = participant_or_404(request, participant_id)
    form = DecompensationForm(posted(request), protocol=study_protocol())
    if request.method == "POST" and form.is_valid():
        values = _event_values(form.cleaned_data)
        done = run_service(
            form,
            lambda: decompensation_record(user=request.user, participant=participant, **values),
        )
        if done is not None:
            messages.success(request, _("Decompensation event recorded."))
            return _detail(participant)
    return _page(request, form, participant, _("Decompensation event"))


@login_required
@require_http_methods(["GET", "POST"])
def decompensation_edit(request: HttpRequest, event_id: Any) -> HttpResponse:
    from hepatrial.edc.outcomes.models import DecompensationEvent
    from hepatrial.edc.outcomes.services import decompensation_correct
    from hepatrial.edc.study.selectors import study_protocol

    require_role(request, "event.record")
    event = DecompensationEvent.objects.filter(pk=event_id, voided=False).first()
    if event is None:
        raise Http404("event")
    participant = participant_or_404(request, event.participant_id)
    before = {name: getattr(event, name) for name in _EVENT_FIELDS}
    initial = {**before, "hospitalized": "yes" if event.hospitalized else "no"}
    initial["version"] = event.version
    form = DecompensationCorrectForm(posted(request), protocol=study_protocol(), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {k: v for k, v in _event_values(data).items() if v != before[k]}
        done = run_service(
            form,
            lambda: decompensation_correct(
                user=request.user,
                event=event,
                expected_version=data["version"],
                reason=data["reason"],
                changes=changes,
            ),
        )
        if done is not None:
            messages.success(request, _("Decompensation event corrected."))
            return _detail(participant)
    return _page(request, form, participant, _("Correct the decompensation event"))


def _ae_values(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data.get(name) for name in _AE_FIELDS}


@login_required
@require_http_methods(["GET", "POST"])
def adverse_event(request: HttpRequest, participant_id: Any) -> HttpResponse:
    from hepatrial.edc.safety.services import adverse_event_record

    require_role(request, "ae.record")
    participant = participant_or_404(request, participant_id)
    form = AdverseEventForm(posted(request), initial={"awareness_at": timezone.localtime()})
    if request.method == "POST" and form.is_valid():
        values = _ae_values(form.cleaned_data)
        done = run_service(
            form,
            lambda: adverse_event_record(user=request.user, participant=participant, **values),
        )
        if done is not None:
            if done.serious:
                messages.warning(
                    request,
                    _("Serious adverse event: the report is due within 24 hours (by %(due)s).")
                    % {
                        "due": timezone.localtime(done.sae_report_due_at).strftime("%Y-%m-%d %H:%M")
                    },
                )
            messages.success(request, _("Adverse event recorded."))
            return _detail(participant)
    return _page(request, form, participant, _("Adverse event"))


@login_required
@require_http_methods(["GET", "POST"])
def adverse_event_edit(request: HttpRequest, ae_id: Any) -> HttpResponse:
    from hepatrial.edc.safety.models import AdverseEvent
    from hepatrial.edc.safety.services import adverse_event_update

    require_role(request, "ae.record")
    event = AdverseEvent.objects.filter(pk=ae_id, voided=False).first()
    if event is None:
        raise Http404("adverse event")
    participant = participant_or_404(request, event.participant_id)
    before = {
        name: (list(event.seriousness) if name == "seriousness" else getattr(event, name))
        for name in _AE_FIELDS
    }
    initial = {**before, "awareness_at": timezone.localtime(event.awareness_at)}
    initial["version"] = event.version
    form = AdverseEventUpdateForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        after = _ae_values(data)
        changes = {
            k: v
            for k, v in after.items()
            if (sorted(v) != sorted(before[k]) if k == "seriousness" else v != before[k])
        }
        done = run_service(
            form,
            lambda: adverse_event_update(
                user=request.user,
                adverse_event=event,
                expected_version=data["version"],
                reason=data["reason"],
                changes=changes,
            ),
        )
        if done is not None:
            messages.success(request, _("Adverse event updated."))
            return _detail(participant)
    return _page(request, form, participant, _("Update the adverse event"))


@login_required
@require_http_methods(["GET", "POST"])
def sae_report(request: HttpRequest, ae_id: Any) -> HttpResponse:
    """Record when a serious adverse event's report went to the sponsor (stops its clock)."""
    from hepatrial.edc.safety.models import AdverseEvent
    from hepatrial.edc.safety.services import sae_report_mark_sent

    require_role(request, "sae.report")
    event = AdverseEvent.objects.filter(pk=ae_id, voided=False).first()
    if event is None:
        raise Http404("adverse event")
    participant = participant_or_404(request, event.participant_id)
    initial = {"version": event.version, "reported_at": timezone.localtime()}
    form = SaeReportForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: sae_report_mark_sent(
                user=request.user,
                adverse_event=event,
                expected_version=data["version"],
                reported_at=data["reported_at"],
            ),
        )
        if done is not None:
            messages.success(request, _("SAE report recorded as sent."))
            return _detail(participant)
    title = _("SAE report: %(term)s") % {"term": event.term}
    return _page(request, form, participant, title)


@login_required
@require_http_methods(["GET", "POST"])
def death(request: HttpRequest, participant_id: Any) -> HttpResponse:
    from hepatrial.edc.outcomes.models import Death
    from hepatrial.edc.outcomes.services import death_record

    sources = [("", "—"), *((v, _(v)) for v in Death.Source.values)]
    return participant_entry(
        request,
        participant_id,
        action="event.record",
        form=lambda data: DeathForm(data, sources=sources),
        save=lambda who, values: death_record(user=request.user, participant=who, **values),
        saved=_("Death recorded; the scheduled visits are ended."),
        title=_("Death"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, participant_id: Any) -> HttpResponse:
    from hepatrial.edc.participants.services import participant_withdraw

    return participant_entry(
        request,
        participant_id,
        action="participant.status",
        form=lambda data: WithdrawForm(data, initial={"withdrawn_on": timezone.localdate()}),
        save=lambda who, values: participant_withdraw(user=request.user, participant=who, **values),
        saved=_("Participant withdrawn."),
        title=_("Withdrawal"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def liver_transplant(request: HttpRequest, participant_id: Any) -> HttpResponse:
    """A liver transplant: an intercurrent event (docs/analysis.md); follow-up goes on."""
    from hepatrial.edc.outcomes.services import liver_transplant_record

    return participant_entry(
        request,
        participant_id,
        action="event.record",
        form=LiverTransplantForm,
        save=lambda who, values: liver_transplant_record(
            user=request.user, participant=who, **values
        ),
        saved=_("Liver transplant recorded; follow-up continues."),
        title=_("Liver transplant"),
    )
