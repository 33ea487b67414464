"""Identification, consent, screening and eligibility: the forms of a candidate's first days.

The eligibility checklist is ``hepatrial.clinical.evaluate_eligibility``'s answer (through
``participants.selectors.eligibility_preview``), shown on the page and refreshed as the form is
filled in by ``webforms/live.js``, which posts the form to :func:`eligibility_check` and swaps
in the checklist it renders. No rule runs in the browser.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hepatrial.edc.webforms._common import (
    EntryForm,
    participant_or_404,
    posted,
    require_role,
    run_service,
)
from hepatrial.edc.webforms.forms_participants import (
    AttestationForm,
    ConsentCorrectForm,
    ConsentForm,
    IdentifyForm,
    ScreeningForm,
    text_of,
)
from hepatrial.errors import HepatrialError

__all__ = ["consent", "eligibility", "eligibility_check", "participant_new", "screening"]


def _detail(participant: Any) -> HttpResponse:
    return redirect("web:participant_detail", participant_id=participant.pk)


@login_required
@require_http_methods(["GET", "POST"])
def participant_new(request: HttpRequest) -> HttpResponse:
    from hepatrial.edc.participants.services import participant_identify
    from hepatrial.edc.study.models import Site

    require_role(request, "participant.identify")
    own = getattr(request.user, "site_code", "")
    sites = Site.objects.filter(voided=False).order_by("code")
    if own:
        sites = sites.filter(code=own)
    choices = [(s.code, f"{s.code} {_(s.name)}") for s in sites]
    initial = {"identified_on": timezone.localdate(), "site_code": own}
    form = IdentifyForm(posted(request), sites=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        made = run_service(
            form, lambda: participant_identify(user=request.user, **form.cleaned_data)
        )
        if made is not None:
            messages.success(request, _("Identified as %(id)s.") % {"id": made.study_id})
            return redirect("webforms:consent", participant_id=made.pk)
    return render(
        request,
        "webforms/form.html",
        {"form": form, "title": _("New participant"), "submit": _("Identify")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest, participant_id: Any) -> HttpResponse:
    from hepatrial.edc.participants.services import consent_correct, participant_consent

    require_role(request, "participant.consent")
    participant = participant_or_404(request, participant_id)
    saved = getattr(participant, "consent", None)
    if saved is not None and not saved.voided:
        initial = {
            "consent_version": saved.consent_version,
            "consent_date": saved.consent_date,
            "version": saved.version,
        }
        form: Any = ConsentCorrectForm(posted(request), initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            done = run_service(
                form,
                lambda: consent_correct(
                    user=request.user,
                    consent=saved,
                    expected_version=data["version"],
                    reason=data["reason"],
                    consent_date=data["consent_date"],
                    consent_version=data["consent_version"],
                ),
            )
            if done is not None:
                messages.success(request, _("Consent corrected."))
                return _detail(participant)
        title = _("Correct the consent")
    else:
        form = ConsentForm(posted(request), initial={"consent_date": timezone.localdate()})
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            data["signed_by_participant"] = text_of(data["signed_by_participant"])
            done = run_service(
                form,
                lambda: participant_consent(user=request.user, participant=participant, **data),
            )
            if done is not None:
                messages.success(request, _("Consent recorded."))
                return redirect("webforms:screening", participant_id=participant.pk)
        title = _("Informed consent")
    return render(
        request,
        "webforms/form.html",
        {"form": form, "title": title, "participant": participant, "submit": _("Save")},
    )


def _as_stored(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _screening_form(request: HttpRequest, participant: Any) -> ScreeningForm:
    from hepatrial.edc.crfs.models import Demographics
    from hepatrial.edc.participants.services import CONSENT_DATE_FACT
    from hepatrial.edc.study.selectors import study_protocol
    from hepatrial.edc.visits.models import Visit

    recorded = {f.code: f for f in participant.screening_facts.filter(voided=False)}
    initial: dict[str, Any] = {"screening_date": timezone.localdate()}
    visit = Visit.objects.filter(participant=participant, code="SCR", voided=False).first()
    if visit is not None and visit.actual_date is not None:
        initial["screening_date"] = visit.actual_date
    demographics = Demographics.objects.filter(participant=participant, voided=False).first()
    if demographics is not None:
        initial["sex"] = demographics.sex
    for code, fact in recorded.items():
        value = fact.value
        if value == "never":
            initial[f"{code}__never"] = True
        elif isinstance(value, bool):
            initial[code] = "yes" if value else "no"
        else:
            initial[code] = value
    return ScreeningForm(
        posted(request),
        protocol=study_protocol(),
        skip=(CONSENT_DATE_FACT,),
        initial=initial,
        recorded=recorded,
        screening_visit=visit,
        demographics=demographics,
    )


def _checklist(request: HttpRequest, participant: Any, facts: dict[str, Any]) -> dict[str, Any]:
    from hepatrial.edc.participants.selectors import eligibility_preview

    try:
        result = eligibility_preview(user=request.user, participant_id=participant.pk, facts=facts)
    except HepatrialError as error:
        return {"error": error.message, "status": "incomplete", "outcomes": ()}
    return {"error": "", "status": result.status.value, "outcomes": result.outcomes}


def _save_screening(request: HttpRequest, participant: Any, form: ScreeningForm) -> bool:
    from hepatrial.edc.crfs.services import demographics_enter
    from hepatrial.edc.participants.services import (
        participant_screening_record,
        screening_fact_correct,
    )
    from hepatrial.edc.visits.services import visit_screening_record

    data = form.cleaned_data
    facts = form.facts()
    recorded = form.recorded
    new = {c: v for c, v in facts.items() if c not in recorded}
    changed = {
        c: v for c, v in facts.items() if c in recorded and _as_stored(v) != recorded[c].value
    }
    reason = (request.POST.get("reason") or "").strip()
    if changed and not reason:
        form.add_error(
            None,
            _("reason: expected the reason for changing %(codes)s, got nothing")
            % {"codes": ", ".join(changed)},
        )
        return False

    def save() -> bool:
        if form.screening_visit is None:
            visit_screening_record(
                user=request.user, participant=participant, actual_date=data["screening_date"]
            )
        birth = facts.get("birth_date")
        if form.demographics is None and data.get("sex") and birth:
            demographics_enter(
                user=request.user, participant=participant, sex=data["sex"], birth_date=birth
            )
        if new:
            participant_screening_record(
                user=request.user,
                participant=participant,
                facts=new,
                collected_on=data["screening_date"],
            )
        for code, value in changed.items():
            screening_fact_correct(
                user=request.user,
                participant=participant,
                code=code,
                value=value,
                expected_version=recorded[code].version,
                reason=reason,
            )
        return True

    return bool(run_service(form, save))


@login_required
@require_http_methods(["GET", "POST"])
def screening(request: HttpRequest, participant_id: Any) -> HttpResponse:
    require_role(request, "participant.screen")
    participant = participant_or_404(request, participant_id)
    form = _screening_form(request, participant)
    saved = request.method == "POST" and form.is_valid()
    if saved and _save_screening(request, participant, form):
        messages.success(request, _("Screening saved."))
        return _detail(participant)
    facts = form.facts()
    return render(
        request,
        "webforms/screening.html",
        {
            "form": form,
            "participant": participant,
            "title": _("Screening"),
            "checklist": _checklist(request, participant, facts),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def eligibility_check(request: HttpRequest, participant_id: Any) -> JsonResponse:
    """The checklist for the screening form as typed so far (JSON with the rendered HTML)."""
    participant = participant_or_404(request, participant_id)
    form = _screening_form(request, participant)
    form.is_valid()
    checklist = _checklist(request, participant, form.facts())
    html = render_to_string("webforms/_checklist.html", {"checklist": checklist}, request)
    failed = [o.code for o in checklist["outcomes"] if o.met is False]
    return JsonResponse(
        {"status": checklist["status"], "failed": failed, "error": checklist["error"], "html": html}
    )


def _attest(request: HttpRequest, participant: Any, form: AttestationForm) -> bool:
    from hepatrial.edc.participants.services import attestation_correct, participant_attest

    saved = {a.criterion_code: a for a in participant.attestations.filter(voided=False)}
    reason = (form.cleaned_data.get("reason") or "").strip()

    def save() -> bool:
        for code, (holds, source) in form.answers().items():
            before = saved.get(code)
            if before is None:
                participant_attest(
                    user=request.user,
                    participant=participant,
                    criterion_code=code,
                    holds=holds,
                    source_document=source,
                )
            elif (before.holds, before.source_document) != (holds, source.strip()):
                attestation_correct(
                    user=request.user,
                    attestation=before,
                    expected_version=before.version,
                    reason=reason,
                    holds=holds,
                    source_document=source,
                )
        return True

    return bool(run_service(form, save))


@login_required
@require_http_methods(["GET", "POST"])
def eligibility(request: HttpRequest, participant_id: Any) -> HttpResponse:
    """The investigator attests the attested criteria, then confirms eligibility."""
    from hepatrial.edc.participants.services import participant_eligibility_confirm
    from hepatrial.edc.study.selectors import study_protocol

    require_role(request, "participant.attest")
    participant = participant_or_404(request, participant_id)
    saved = {a.criterion_code: a for a in participant.attestations.filter(voided=False)}
    initial: dict[str, Any] = {}
    for code, attestation in saved.items():
        initial[f"{code}__holds"] = "yes" if attestation.holds else "no"
        initial[f"{code}__source"] = attestation.source_document
    bound = request.POST if request.POST.get("action") == "attest" else None
    form = AttestationForm(bound, protocol=study_protocol(), initial=initial)
    if bound is not None and form.is_valid() and _attest(request, participant, form):
        messages.success(request, _("Attestations saved."))
        return redirect("webforms:eligibility", participant_id=participant.pk)
    confirm = EntryForm(request.POST if request.POST.get("action") == "confirm" else None)
    if confirm.is_bound and confirm.is_valid():
        require_role(request, "participant.eligibility")
        result = run_service(
            confirm,
            lambda: participant_eligibility_confirm(user=request.user, participant=participant),
        )
        if result is not None:
            if result.failed:
                messages.warning(
                    request,
                    _("Not eligible: screen failure (%(codes)s).")
                    % {"codes": ", ".join(o.code for o in result.failed)},
                )
            else:
                messages.success(request, _("Eligibility confirmed."))
            return _detail(participant)
    return render(
        request,
        "webforms/eligibility.html",
        {
            "form": form,
            "confirm": confirm,
            "participant": participant,
            "title": _("Eligibility"),
            "checklist": _checklist(request, participant, {}),
        },
    )
