"""Email notifications to the roles that must act: new SAEs, SAE reports coming due, overdue
visits and emergency unblinding.

Mail goes through Django's mail API (the console backend unless SMTP is configured) and only
once the transaction that caused it commits, so a rolled-back save never announces anything; a
failing mail server is logged and does not undo the committed save. Users with a site receive
only their site's news; users without one (monitor, DSMB, data manager) receive every site's.
No message ever names an arm or anything that reveals it (dose per kg, cells, volume): recipients
include masked roles, and mail leaves the system's control.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.mail import EmailMessage, get_connection
from django.db import transaction

__all__ = [
    "ROUTES",
    "OverdueVisit",
    "notify_overdue_visits",
    "notify_sae",
    "notify_sae_reports_due",
    "notify_unblinding",
]

T = TypeVar("T")

ROUTES: Mapping[str, frozenset[str]] = {
    "sae": frozenset({"investigator", "monitor", "dsmb", "data_manager"}),
    "sae_due": frozenset({"investigator", "coordinator", "data_manager"}),
    "visits_overdue": frozenset({"coordinator"}),
    "unblinding": frozenset({"investigator", "monitor", "data_manager"}),
}


@dataclass(frozen=True, slots=True)
class OverdueVisit:
    """One visit past its target whose window has closed or is closing (from the visits app)."""

    study_id: str
    site_code: str
    visit: str
    target_on: dt.date
    window_closes_on: dt.date


def _stamp(moment: dt.datetime | None) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else "-"


def _subject(text: str) -> str:
    from hepatrial.edc.study.selectors import study_protocol

    return f"[{study_protocol().identity.registry_id}] {text}"


def _people(kind: str) -> list[tuple[str, str]]:
    """(email, site code) of every active user of the roles ``kind`` goes to."""
    from hepatrial.edc.accounts.models import User

    users = User.objects.filter(is_active=True, role__in=ROUTES[kind]).exclude(email="")
    return sorted(set(users.values_list("email", "site_code")))


def _queue(messages: Sequence[EmailMessage]) -> int:
    if messages:

        def deliver() -> None:
            get_connection().send_messages(list(messages))

        transaction.on_commit(deliver, robust=True)
    return len(messages)


def _per_recipient(
    kind: str, items: Iterable[T], site_of: Callable[[T], str], compose: Callable[[list[T]], str]
) -> list[tuple[str, str]]:
    """(email, body) for every recipient of ``kind`` with at least one item of their sites."""
    items = list(items)
    out = []
    for email, site_code in _people(kind):
        mine = [item for item in items if not site_code or site_of(item) == site_code]
        if mine:
            out.append((email, compose(mine)))
    return out


def _messages(subject: str, addressed: Iterable[tuple[str, str]]) -> list[EmailMessage]:
    return [EmailMessage(subject=subject, body=body, to=[email]) for email, body in addressed]


def notify_sae(adverse_event: Any) -> int:
    """A serious adverse event was recorded (or an event became serious): tell the team now."""
    participant = adverse_event.participant
    body = "\n".join(
        [
            f"A serious adverse event was recorded for participant {participant.study_id} "
            f"(site {participant.site.code}).",
            "",
            f"Event: {adverse_event.term}",
            f"CTCAE grade: {adverse_event.grade}",
            f"Seriousness: {', '.join(c.replace('_', ' ') for c in adverse_event.seriousness)}",
            f"Relatedness to the infusion: {adverse_event.get_relatedness_display()}",
            f"Onset: {adverse_event.onset_on}",
            f"Site aware: {_stamp(adverse_event.awareness_at)}",
            f"Report to the sponsor due: {_stamp(adverse_event.sae_report_due_at)}",
            f"Recorded by: {adverse_event.modified_by.get_username()}",
        ]
    )
    addressed = _per_recipient("sae", [participant.site.code], str, lambda _: body)
    return _queue(_messages(_subject(f"SAE: {participant.study_id}"), addressed))


def notify_sae_reports_due(
    *, now: dt.datetime, within: dt.timedelta = dt.timedelta(hours=6)
) -> int:
    """A digest of the SAE reports not yet sent that are due within ``within`` of ``now``
    (overdue ones included); run it from a scheduler. Returns the number of messages."""
    from hepatrial.edc.safety.selectors import sae_reports_due

    due = sae_reports_due(now=now, within=within)

    def compose(rows: list[Any]) -> str:
        lines = [f"SAE reports to send (as of {_stamp(now)}):", ""]
        for row in rows:
            state = "OVERDUE" if row.overdue else "due"
            lines.append(
                f"- {row.study_id} (site {row.site_code}): {row.term}, grade {row.grade}; "
                f"{state} {_stamp(row.due_at)}"
            )
        return "\n".join(lines)

    addressed = _per_recipient("sae_due", due, lambda row: row.site_code, compose)
    return _queue(_messages(_subject(f"{len(due)} SAE report(s) due"), addressed))


def notify_overdue_visits(*, visits: Iterable[OverdueVisit]) -> int:
    """A digest of overdue visits to each site's coordinators. Returns the number of messages."""

    def compose(rows: list[OverdueVisit]) -> str:
        lines = ["Visits overdue:", ""]
        for row in sorted(rows, key=lambda r: (r.window_closes_on, r.study_id)):
            lines.append(
                f"- {row.study_id} {row.visit}: target {row.target_on}, "
                f"window closes {row.window_closes_on}"
            )
        return "\n".join(lines)

    addressed = _per_recipient("visits_overdue", visits, lambda row: row.site_code, compose)
    return _queue(_messages(_subject("Overdue visits"), addressed))


def notify_unblinding(*, request: Any) -> int:
    """An emergency unblinding happened (``request``: the randomization app's record of it):
    the trial team learns who, when, for whom and why, never the arm."""
    participant, requester = request.participant, request.requested_by
    who = getattr(requester, "full_name", "") or requester.get_username()
    body = "\n".join(
        [
            f"Participant {participant.study_id} (site {participant.site.code}) was unblinded "
            "in an emergency.",
            "",
            f"Requested by: {who} ({requester.get_username()})",
            f"At: {_stamp(request.requested_at)}",
            f"Reason: {request.reason}",
            "",
            "The allocation is shown only in the system, to the requesting investigator.",
        ]
    )
    addressed = _per_recipient("unblinding", [participant.site.code], str, lambda _: body)
    return _queue(_messages(_subject(f"Emergency unblinding: {participant.study_id}"), addressed))
