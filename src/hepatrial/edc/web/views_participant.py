"""The participant list and the participant page.

The page gathers what the selectors return (each masked for the reader) and the links to the
forms the reader's role may open; which forms apply in which status is read from the workflow
table (:data:`hepatrial.design.workflow.TRANSITIONS`), not decided here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hepatrial.design.workflow import TRANSITIONS
from hepatrial.edc.core.permissions import allowed
from hepatrial.edc.crfs.selectors import lab_table
from hepatrial.edc.dosing.selectors import infusion_list
from hepatrial.edc.outcomes.models import Death, LiverTransplant
from hepatrial.edc.outcomes.selectors import decompensation_list
from hepatrial.edc.participants.models import Consent
from hepatrial.edc.participants.selectors import participant_get
from hepatrial.edc.queries.models import OUTSTANDING
from hepatrial.edc.queries.selectors import query_list
from hepatrial.edc.randomization.models import Allocation
from hepatrial.edc.randomization.selectors import allocation_get, unblinding_list
from hepatrial.edc.safety.selectors import adverse_event_list
from hepatrial.edc.study.selectors import study_protocol
from hepatrial.edc.visits.rules import scheduled_status
from hepatrial.edc.visits.selectors import visit_list
from hepatrial.edc.web._access import page_requires
from hepatrial.edc.web.charts import sparkline
from hepatrial.edc.web.queries import participant_lines, participants_of

__all__ = ["participant_detail", "participant_list"]


@dataclass(frozen=True, slots=True)
class _Action:
    url_name: str
    action: str
    label: str | Promise
    transition: str | None = None  # shown only in the statuses this transition starts from
    after: str | None = None  # "randomization" or "infusion": shown only once that happened


ACTIONS = (
    _Action("webforms:consent", "participant.consent", _("Consent"), "consent"),
    _Action("webforms:screening", "participant.screen", _("Screening"), "screen"),
    _Action("webforms:eligibility", "participant.attest", _("Eligibility"), "confirm eligible"),
    _Action("webforms:randomize", "participant.randomize", _("Randomize"), "randomize"),
    _Action("webforms:infusion", "infusion.record", _("Record infusion"), "infuse"),
    _Action("webforms:demographics", "crf.enter", _("Demographics")),
    _Action("webforms:decompensation", "event.record", _("Decompensation event")),
    _Action("webforms:adverse_event", "ae.record", _("Adverse event")),
    _Action("webforms:death", "event.record", _("Death"), "die"),
    _Action("webforms:withdraw", "participant.status", _("Withdraw"), "withdraw"),
    _Action("webforms:unscheduled_visit", "visit.record", _("Unscheduled visit"), after="infusion"),
    _Action(
        "webforms:liver_transplant", "event.record", _("Liver transplant"), after="randomization"
    ),
    _Action(
        "webforms:unblind", "unblinding.request", _("Emergency unblinding"), after="randomization"
    ),
    _Action("webforms:query_raise", "query.raise", _("Raise a query")),
    _Action("webforms:casebook_sign", "casebook.sign", _("Sign the casebook")),
)

PAGE_SIZE = 100

# the plotted measures: (lab or score code, whether it is a score, label)
SPARKS = (
    ("MELD", True, "MELD"),
    ("CHILD_PUGH", True, "Child-Pugh"),
    ("BILI", False, "BILI"),
    ("ALB", False, "ALB"),
    ("INR", False, "INR"),
)


def _url(user: Any, url_name: str, action: str, *args: Any) -> str | None:
    if not allowed(user, action):
        return None
    try:
        return reverse(url_name, args=args)
    except NoReverseMatch:
        return None


def _links(*candidates: tuple[str | None, str | Promise]) -> list[dict[str, Any]]:
    """The links among ``candidates`` (url or None, label) that the reader may follow."""
    return [{"url": url, "label": label} for url, label in candidates if url]


def _ae_links(user: Any, ae: Any) -> list[dict[str, Any]]:
    report_due = ae.serious and ae.reported_at is None
    return _links(
        (_url(user, "webforms:adverse_event_edit", "ae.record", ae.id), _("update")),
        (_url(user, "webforms:void", "ae.record", "adverse-event", ae.id), _("void")),
        (
            _url(user, "webforms:sae_report", "sae.report", ae.id) if report_due else None,
            _("record the SAE report as sent"),
        ),
    )


def _history(model: str, record_id: Any) -> str:
    return reverse("web:record_history", args=[model, record_id])


@page_requires("participant.view")
def participant_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate(timezone=request.site_zone)  # type: ignore[attr-defined]
    total = participants_of(request.user).count()
    pages = max(1, -(-total // PAGE_SIZE))
    try:
        page = min(max(int(request.GET.get("page", "1")), 1), pages)
    except ValueError:
        page = 1
    lines = participant_lines(
        user=request.user, today=today, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE
    )
    return render(
        request,
        "web/participant_list.html",
        {
            "lines": lines,
            "show_arm": any(line.arm for line in lines),
            "today": today,
            "total": total,
            "page": page,
            "pages": pages,
        },
    )


def _actions(user: Any, participant: dict[str, Any], *, randomized: bool) -> list[dict[str, Any]]:
    reached = {"randomization": randomized, "infusion": participant["day0"] is not None}
    links = []
    for item in ACTIONS:
        if item.after is not None and not reached[item.after]:
            continue
        if item.url_name == "webforms:unblind" and participant.get("arm"):
            continue  # the arm is already in front of this user: nothing to unblind
        if item.transition is not None:
            sources = TRANSITIONS[item.transition][0]
            if participant["status"] not in {s.value for s in sources}:
                continue
        url = _url(user, item.url_name, item.action, participant["id"])
        if url:
            links.append({"url": url, "label": item.label})
    return links


def _visits(user: Any, participant_id: Any, today: Any) -> list[dict[str, Any]]:
    protocol = study_protocol()
    rows = []
    for visit in visit_list(participant_id=participant_id):
        kinds = (
            {"labs", "clinical_assessment"}
            if visit.unscheduled
            else {p.kind for p in protocol.procedures_at(visit.code)}
        )
        forms = [(_url(user, "webforms:visit", "visit.record", visit.id), _("Visit"))]
        if "labs" in kinds:
            forms.append((_url(user, "webforms:labs", "crf.enter", visit.id), _("Labs")))
        if "clinical_assessment" in kinds:
            forms.append(
                (_url(user, "webforms:assessment", "crf.enter", visit.id), _("Clinical assessment"))
            )
        status = scheduled_status(
            visit.status, earliest=visit.earliest_date, latest=visit.latest_date, today=today
        )
        rows.append(
            {
                "visit": visit,
                "status": status,
                "forms": [{"url": url, "label": label} for url, label in forms if url],
                "history": _history("visits.visit", visit.id),
            }
        )
    return rows


def _spark_value(column: Any, code: str, is_score: bool) -> float | None:
    found = column.scores.get(code) if is_score else column.labs.get(code)
    if found is None:
        return None
    return float(found.value if is_score else found.value_std)


def _labs(user: Any, participant_id: Any) -> dict[str, Any]:
    columns = lab_table(participant_id=participant_id)
    measures = study_protocol().measures
    order = [lab.code for lab in measures.labs]
    present = {code for column in columns for code in column.labs}
    codes = [c for c in order if c in present] + sorted(present - set(order))
    scores = [s.code for s in measures.scores if any(s.code in c.scores for c in columns)]
    rows = []
    for code in codes:
        cells = []
        for column in columns:
            lab = column.labs.get(code)
            cells.append(
                None
                if lab is None
                else {
                    "lab": lab,
                    "history": _history("crfs.labresult", lab.id),
                    "edit": _url(user, "webforms:lab_edit", "crf.enter", lab.id),
                }
            )
        unit = next((c["lab"].unit_std for c in cells if c), "")
        rows.append({"code": code, "unit": unit, "cells": cells})
    score_rows = [
        {
            "code": code,
            "cells": [
                None
                if (score := column.scores.get(code)) is None
                else {"score": score, "history": _history("crfs.derivedscore", score.id)}
                for column in columns
            ],
        }
        for code in scores
    ]
    sparks = []
    for code, is_score, label in SPARKS:
        values = [_spark_value(column, code, is_score) for column in columns]
        known = [v for v in values if v is not None]
        if known:
            summary = ", ".join(f"{v:g}" for v in known)
            sparks.append(
                {
                    "label": label,
                    "svg": sparkline(values, label=f"{label}: {summary}"),
                    "first": known[0],
                    "last": known[-1],
                }
            )
    return {"columns": columns, "rows": rows, "scores": score_rows, "sparks": sparks}


@page_requires("participant.view")
def participant_detail(request: HttpRequest, participant_id: Any) -> HttpResponse:
    user = request.user
    participant = participant_get(user=user, participant_id=participant_id)
    pid = participant["id"]
    today = timezone.localdate(timezone=request.site_zone)  # type: ignore[attr-defined]
    day0 = participant["day0"]
    allocation = allocation_get(user=user, participant_id=pid)
    allocation_id = (
        Allocation.objects.filter(participant_id=pid, voided=False)
        .values_list("id", flat=True)
        .first()
    )
    arm_visible = "arm" in participant and participant["arm"] is not None
    arms = {arm.code: arm.label for arm in study_protocol().arms} if arm_visible else {}
    consent = Consent.objects.filter(participant_id=pid, voided=False).values("id").first()
    death = Death.objects.filter(participant_id=pid, voided=False).first()
    infusions = infusion_list(user=user, participant_id=pid)
    context: dict[str, Any] = {
        "p": participant,
        "study_day": None if day0 is None else (today - day0).days,
        "arm_visible": arm_visible,
        "arm_label": arms.get(participant.get("arm") or ""),
        "allocation": allocation,
        "allocation_history": _history("randomization.allocation", allocation_id)
        if allocation_id
        else None,
        "infusions": infusions,
        "actions": _actions(user, participant, randomized=bool(allocation["randomized"])),
        "visits": _visits(user, pid, today),
        "labs": _labs(user, pid),
        "death": death if allowed(user, "event.view") else None,
        "history": {
            "participant": _history("participants.participant", pid),
            "consent": _history("participants.consent", consent["id"]) if consent else None,
        },
        "today": today,
    }
    if allowed(user, "event.view"):
        labels = {event.code: event.label for event in study_protocol().measures.events}
        context["events"] = [
            {
                "event": event,
                "label": labels.get(event.event_type, event.event_type),
                "links": _links(
                    (_url(user, "webforms:decompensation_edit", "event.record", event.id),
                     _("correct")),
                    (_url(user, "webforms:void", "event.record", "decompensation", event.id),
                     _("void")),
                ),
            }
            for event in decompensation_list(user=user, participant_id=pid)
        ]  # fmt: skip
        context["transplants"] = LiverTransplant.objects.filter(participant_id=pid, voided=False)
    if allowed(user, "unblinding.view"):
        context["unblindings"] = unblinding_list(user=user, participant_id=pid)
    if allowed(user, "ae.view"):
        context["adverse_events"] = [
            {"ae": ae, "links": _ae_links(user, ae)}
            for ae in adverse_event_list(user=user, participant_id=pid)
        ]
    if allowed(user, "query.view"):
        queries = query_list(user=user, participant_id=pid)
        outstanding = {status.value for status in OUTSTANDING}
        context["queries"] = [q for q in queries if q.status in outstanding]
        context["queries_settled"] = [q for q in queries if q.status not in outstanding]
    return render(request, "web/participant_detail.html", context)
