"""Data queries: the inbox of each role, one query's thread with its next step, raising a query,
and the monitor's review list.

Rows come from ``queries.selectors.query_list`` (scoped to the user's site, masked where a
query's field reveals the allocation); every step goes through ``queries.services``, which
checks the role and the query's status.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hepatrial.edc.core.permissions import allowed
from hepatrial.edc.webforms._common import participant_or_404, posted, require_role, run_service
from hepatrial.edc.webforms.forms_review import QueryMessageForm, QueryRaiseForm
from hepatrial.edc.webforms.templatetags.webforms_tags import record_kind

__all__ = ["monitor", "query_detail", "query_inbox", "query_raise"]

# Records a person may raise a query about, from a participant's page.
_RAISABLE = (
    "visits.Visit",
    "crfs.LabResult",
    "crfs.ClinicalAssessment",
    "crfs.Demographics",
    "outcomes.DecompensationEvent",
    "safety.AdverseEvent",
    "participants.Consent",
)
_STEPS = {
    "respond": ("query.respond", ("open",)),
    "resolve": ("query.resolve", ("answered",)),
    "close": ("query.close", ("open", "answered", "resolved")),
}


@login_required
def query_inbox(request: HttpRequest) -> HttpResponse:
    """The queries the user may see; by default those waiting on the user's role."""
    from hepatrial.edc.queries.models import QueryStatus
    from hepatrial.edc.queries.selectors import query_list

    require_role(request, "query.view")
    waiting_on = "answered" if allowed(request.user, "query.resolve") else "open"
    status = request.GET.get("status", waiting_on)
    rows = query_list(user=request.user, status=status or None)
    return render(
        request,
        "webforms/queries.html",
        {
            "title": _("Queries"),
            "rows": rows,
            "status": status,
            "statuses": ["", *QueryStatus.values],
        },
    )


@login_required
def monitor(request: HttpRequest) -> HttpResponse:
    """The monitor's view: answers to review first, then what the sites still owe."""
    from hepatrial.edc.queries.selectors import query_list

    require_role(request, "query.resolve")
    return render(
        request,
        "webforms/monitor.html",
        {
            "title": _("Monitoring"),
            "answered": query_list(user=request.user, status="answered"),
            "open": query_list(user=request.user, status="open"),
        },
    )


def _step(request: HttpRequest, query: Any, form: QueryMessageForm) -> Any:
    from hepatrial.edc.queries.services import query_close, query_resolve, query_respond

    services = {"respond": query_respond, "resolve": query_resolve, "close": query_close}
    action = form.cleaned_data["action"]
    require_role(request, _STEPS[action][0])
    service = services[action]
    return run_service(
        form, lambda: service(user=request.user, query=query, text=form.cleaned_data["text"])
    )


@login_required
@require_http_methods(["GET", "POST"])
def query_detail(request: HttpRequest, query_id: Any) -> HttpResponse:
    from hepatrial.edc.queries.models import Query
    from hepatrial.edc.queries.selectors import query_list

    require_role(request, "query.view")
    query = Query.objects.filter(pk=query_id, voided=False).first()
    if query is None:
        raise Http404("query")
    rows = query_list(user=request.user, participant_id=query.participant_id)
    row = next((r for r in rows if r.id == query.pk), None)
    if row is None:  # another site's query
        raise Http404("query")
    form = QueryMessageForm(posted(request))
    if request.method == "POST" and form.is_valid() and _step(request, query, form) is not None:
        messages.success(request, _("Query updated."))
        return redirect("webforms:query", query_id=query.pk)
    steps = [
        name
        for name, (action, statuses) in _STEPS.items()
        if allowed(request.user, action) and row.status in statuses
    ]
    lab_edit = None
    if row.record_model == "crfs.LabResult" and allowed(request.user, "crf.enter"):
        lab_edit = row.record_id
    return render(
        request,
        "webforms/query.html",
        {
            "title": _("Query"),
            "row": row,
            "form": form,
            "steps": steps,
            "lab_edit": lab_edit,
        },
    )


def _describe(label: str, record: Any) -> str:
    """A record as the site knows it: its kind, visit, code and value or date."""
    visit = getattr(record, "visit", None)
    details = {
        "visits.Visit": lambda: f"{record.code} {record.actual_date or ''}",
        "crfs.LabResult": lambda: f"{visit.code} {record}",
        "crfs.ClinicalAssessment": lambda: visit.code,
        "crfs.Demographics": lambda: "",
        "outcomes.DecompensationEvent": lambda: f"{record.event_type} {record.onset_on}",
        "safety.AdverseEvent": lambda: f"{record.term} {record.onset_on}",
        "participants.Consent": lambda: str(record.consent_date),
    }
    return f"{record_kind(label)} · {details[label]()}".strip(" ·")


def _records(participant: Any) -> list[tuple[str, str]]:
    choices: list[tuple[str, str]] = [("", "—")]
    for label in _RAISABLE:
        model = apps.get_model(label)
        found = model.objects.filter(participant=participant, voided=False)
        if label == "crfs.LabResult":
            found = found.select_related("visit").order_by("visit__visitnum", "code")
        for record in found:
            choices.append((f"{label}:{record.pk}", _describe(label, record)))
    return choices


@login_required
@require_http_methods(["GET", "POST"])
def query_raise(request: HttpRequest, participant_id: Any) -> HttpResponse:
    from hepatrial.edc.queries.services import query_raise as raise_query

    require_role(request, "query.raise")
    participant = participant_or_404(request, participant_id)
    initial = {"record": request.GET.get("record", ""), "field": request.GET.get("field", "")}
    form = QueryRaiseForm(posted(request), records=_records(participant), initial=initial)
    if request.method == "POST" and form.is_valid():
        label, _sep, pk = form.cleaned_data["record"].partition(":")
        if label not in _RAISABLE:
            raise Http404("record")
        record = apps.get_model(label).objects.filter(pk=pk, participant=participant).first()
        if record is None:
            raise Http404("record")
        made = run_service(
            form,
            lambda: raise_query(
                user=request.user,
                record=record,
                field=form.cleaned_data["field"].strip(),
                text=form.cleaned_data["text"],
            ),
        )
        if made is not None:
            messages.success(request, _("Query raised."))
            return redirect("webforms:query", query_id=made.pk)
    return render(
        request,
        "webforms/form.html",
        {
            "form": form,
            "participant": participant,
            "title": _("Raise a query"),
            "submit": _("Raise the query"),
        },
    )
