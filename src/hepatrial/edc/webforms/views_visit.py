"""A visit's forms: the visit itself (date, missed), its labs with live scores, one lab's
correction, the clinical assessment, and the participant's demographics.

Saving a lab panel goes through ``crfs.services.lab_panel_enter``: a value beyond a hard limit
refuses the whole panel (each bad value is shown at its row); a value beyond a soft limit is kept,
and the service's checks raise a data query about it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
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
    AssessmentCorrectForm,
    AssessmentForm,
    DemographicsCorrectForm,
    DemographicsForm,
    LabCorrectForm,
    LabPanelForm,
    UnscheduledVisitForm,
    VisitCorrectForm,
    VisitForm,
)
from hepatrial.edc.webforms.forms_participants import text_of
from hepatrial.edc.webforms.previews import lab_preview

__all__ = [
    "assessment",
    "demographics",
    "lab_edit",
    "labs",
    "labs_preview",
    "unscheduled_visit",
    "visit",
]


def _visit(request: HttpRequest, visit_id: Any) -> Any:
    from hepatrial.edc.visits.models import Visit

    found = Visit.objects.select_related("participant__site").filter(pk=visit_id, voided=False)
    visit = found.first()
    if visit is None:
        raise Http404("visit")
    participant_or_404(request, visit.participant_id)
    return visit


def _labs_page(visit: Any) -> HttpResponse:
    return redirect("webforms:labs", visit_id=visit.pk)


@login_required
@require_http_methods(["GET", "POST"])
def visit(request: HttpRequest, visit_id: Any) -> HttpResponse:
    from hepatrial.edc.visits.services import visit_miss, visit_record

    require_role(request, "visit.record")
    current = _visit(request, visit_id)
    form: Any
    if current.status == "done":
        initial = {"actual_date": current.actual_date, "version": current.version}
        form = VisitCorrectForm(posted(request), initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            done = run_service(
                form,
                lambda: visit_record(
                    user=request.user,
                    visit=current,
                    actual_date=data["actual_date"],
                    expected_version=data["version"],
                    reason=data["reason"],
                ),
            )
            if done is not None:
                messages.success(request, _("Visit date corrected."))
                return _labs_page(current)
    else:
        form = VisitForm(posted(request), initial={"actual_date": current.target_date})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            if data["outcome"] == "done":

                def save() -> Any:
                    return visit_record(
                        user=request.user, visit=current, actual_date=data["actual_date"]
                    )
            else:

                def save() -> Any:
                    return visit_miss(
                        user=request.user,
                        visit=current,
                        reason=data["reason"],
                        not_done=data["outcome"] == "not_done",
                    )

            saved = run_service(form, save)
            if saved is not None:
                messages.success(request, _("Visit saved."))
                if saved.status == "done":
                    return _labs_page(current)
                return redirect("web:participant_detail", participant_id=current.participant_id)
    return render(
        request,
        "webforms/form.html",
        {
            "form": form,
            "participant": current.participant,
            "visit": current,
            "title": _("Visit %(code)s") % {"code": current.code},
            "submit": _("Save"),
        },
    )


def _lab_codes(current: Any) -> list[tuple[str, str]]:
    from hepatrial.edc.study.selectors import study_protocol

    protocol = study_protocol()
    labels = {m.code: m.label for m in protocol.measures.labs}
    if current.unscheduled:
        return list(labels.items())
    wanted = [
        code
        for procedure in protocol.procedures_at(current.code)
        if procedure.kind == "labs"
        for code in procedure.measures
    ]
    return [(code, labels[code]) for code in wanted if code in labels]


def _lab_form(request: HttpRequest, current: Any, entered: set[str]) -> LabPanelForm:
    codes = [(c, label) for c, label in _lab_codes(current) if c not in entered]
    return LabPanelForm(posted(request), codes=codes)


@login_required
@require_http_methods(["GET", "POST"])
def labs(request: HttpRequest, visit_id: Any) -> HttpResponse:
    from hepatrial.edc.crfs.selectors import visit_forms
    from hepatrial.edc.crfs.services import lab_panel_enter

    require_role(request, "crf.enter")
    current = _visit(request, visit_id)
    forms_now = visit_forms(visit_id=current.pk)
    form = _lab_form(request, current, {lab.code for lab in forms_now.labs})
    if request.method == "POST" and form.is_valid():
        values = form.values()
        if not values:
            form.add_error(None, _("values: expected at least one lab value, got nothing"))
        else:
            saved = run_service(
                form, lambda: lab_panel_enter(user=request.user, visit=current, values=values)
            )
            if saved is not None:
                flagged = sum(1 for result in saved if result.flags)
                messages.success(request, _("%(n)d lab results saved.") % {"n": len(saved)})
                if flagged:
                    messages.warning(
                        request,
                        _("%(n)d value(s) beyond the plausible range: a data query was raised.")
                        % {"n": flagged},
                    )
                return _labs_page(current)
    rows = {code: ("", "") for code, _label in form.rows}
    if form.is_bound:
        rows = {
            code: (request.POST.get(code, ""), request.POST.get(f"{code}__unit", ""))
            for code, _label in form.rows
        }
    return render(
        request,
        "webforms/labs.html",
        {
            "form": form,
            "participant": current.participant,
            "visit": current,
            "forms_now": forms_now,
            "title": _("Labs at %(code)s") % {"code": current.code},
            "preview": lab_preview(visit_id=current.pk, rows=rows),
        },
    )


@login_required
@require_http_methods(["POST"])
def labs_preview(request: HttpRequest, visit_id: Any) -> JsonResponse:
    """Each typed value standardized or refused, and MELD, MELD-Na, MELD 3.0 and Child-Pugh."""
    require_role(request, "crf.enter")
    current = _visit(request, visit_id)
    rows = {
        code: (request.POST.get(code, ""), request.POST.get(f"{code}__unit", ""))
        for code, _label in _lab_codes(current)
        if request.POST.get(code, "").strip()
    }
    preview = lab_preview(visit_id=current.pk, rows=rows)
    html = render_to_string("webforms/_scores.html", {"preview": preview}, request)
    return JsonResponse({"html": html, **preview.as_json()})


@login_required
@require_http_methods(["GET", "POST"])
def lab_edit(request: HttpRequest, result_id: Any) -> HttpResponse:
    from hepatrial.edc.crfs.models import LabResult
    from hepatrial.edc.crfs.services import lab_result_correct

    require_role(request, "crf.enter")
    result = LabResult.objects.filter(pk=result_id, voided=False).first()
    if result is None:
        raise Http404("lab result")
    current = _visit(request, result.visit_id)
    initial = {
        "value": result.value_entered,
        "unit": result.unit_entered,
        "version": result.version,
    }
    form = LabCorrectForm(posted(request), code=result.code, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: lab_result_correct(
                user=request.user,
                result=result,
                expected_version=data["version"],
                value=data["value"].strip(),
                unit=data["unit"],
                reason=data["reason"],
            ),
        )
        if done is not None:
            messages.success(request, _("Lab result corrected."))
            return _labs_page(current)
    return render(
        request,
        "webforms/form.html",
        {
            "form": form,
            "participant": current.participant,
            "visit": current,
            "title": _("Correct %(code)s at %(visit)s")
            % {"code": result.code, "visit": current.code},
            "submit": _("Save the correction"),
        },
    )


def _assessment_values(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "ascites_grade": data.get("ascites_grade") or None,
        "he_grade": data.get("he_grade") or None,
        "weight_kg": data.get("weight_kg"),
        "dialysis": text_of(data.get("dialysis")) if data.get("dialysis") else None,
    }


@login_required
@require_http_methods(["GET", "POST"])
def assessment(request: HttpRequest, visit_id: Any) -> HttpResponse:
    from hepatrial.edc.crfs.models import ClinicalAssessment
    from hepatrial.edc.crfs.services import clinical_assessment_correct, clinical_assessment_enter
    from hepatrial.edc.study.selectors import study_protocol

    require_role(request, "crf.enter")
    current = _visit(request, visit_id)
    saved = ClinicalAssessment.objects.filter(visit=current, voided=False).first()
    protocol = study_protocol()
    form: Any
    if saved is None:
        form = AssessmentForm(posted(request), protocol=protocol)
        if request.method == "POST" and form.is_valid():
            values = _assessment_values(form.cleaned_data)
            done = run_service(
                form,
                lambda: clinical_assessment_enter(user=request.user, visit=current, **values),
            )
            if done is not None:
                messages.success(request, _("Clinical assessment saved."))
                return _labs_page(current)
    else:
        before = {
            "ascites_grade": saved.ascites_grade or None,
            "he_grade": saved.he_grade or None,
            "weight_kg": saved.weight_kg,
            "dialysis": saved.dialysis,
        }
        initial = {
            **before,
            "dialysis": {True: "yes", False: "no"}.get(saved.dialysis, ""),  # type: ignore[arg-type]
            "version": saved.version,
        }
        form = AssessmentCorrectForm(posted(request), protocol=protocol, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            after = _assessment_values(data)
            changes = {k: v for k, v in after.items() if v != before[k]}
            done = run_service(
                form,
                lambda: clinical_assessment_correct(
                    user=request.user,
                    assessment=saved,
                    expected_version=data["version"],
                    reason=data["reason"],
                    changes=changes,
                ),
            )
            if done is not None:
                messages.success(request, _("Clinical assessment corrected."))
                return _labs_page(current)
    return render(
        request,
        "webforms/form.html",
        {
            "form": form,
            "participant": current.participant,
            "visit": current,
            "title": _("Clinical assessment at %(code)s") % {"code": current.code},
            "submit": _("Save"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def demographics(request: HttpRequest, participant_id: Any) -> HttpResponse:
    from hepatrial.edc.crfs.models import Demographics
    from hepatrial.edc.crfs.services import demographics_correct, demographics_enter

    require_role(request, "crf.enter")
    participant = participant_or_404(request, participant_id)
    saved = Demographics.objects.filter(participant=participant, voided=False).first()
    form: Any
    done: Any = None
    if saved is None:
        form = DemographicsForm(posted(request))
        if request.method == "POST" and form.is_valid():
            done = run_service(
                form,
                lambda: demographics_enter(
                    user=request.user, participant=participant, **form.cleaned_data
                ),
            )
    else:
        initial = {"sex": saved.sex, "birth_date": saved.birth_date, "version": saved.version}
        form = DemographicsCorrectForm(posted(request), initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            done = run_service(
                form,
                lambda: demographics_correct(
                    user=request.user,
                    demographics=saved,
                    expected_version=data["version"],
                    reason=data["reason"],
                    sex=data["sex"],
                    birth_date=data["birth_date"],
                ),
            )
    if done is not None:
        messages.success(request, _("Demographics saved."))
        return redirect("web:participant_detail", participant_id=participant.pk)
    return render(
        request,
        "webforms/form.html",
        {
            "form": form,
            "participant": participant,
            "title": _("Demographics"),
            "submit": _("Save"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unscheduled_visit(request: HttpRequest, participant_id: Any) -> HttpResponse:
    """A visit outside the schedule (after day 0), with why; its labs are entered next."""
    from hepatrial.edc.visits.services import visit_unscheduled_create

    return participant_entry(
        request,
        participant_id,
        action="visit.record",
        form=UnscheduledVisitForm,
        save=lambda who, values: visit_unscheduled_create(
            user=request.user, participant=who, **values
        ),
        saved=_("Unscheduled visit recorded; enter its labs below."),
        title=_("Unscheduled visit"),
        then=lambda _participant, visit: _labs_page(visit),
    )
