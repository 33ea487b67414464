"""The API's endpoints, each with the PERMISSIONS action it stands for, for the matrix and the
masking scan. Written out by hand (not read from the views), so that a view guarding the wrong
action makes the matrix test fail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Endpoint:
    method: str
    route: str  # the OpenAPI path template
    action: str | None  # None: public
    key: str = "id"  # which record of journey_ids fills {id}

    def url(self, ids: dict[str, Any]) -> str:
        return self.route.format(id=ids[self.key], domain=ids["domain"])


E = Endpoint
ENDPOINTS = (
    E("GET", "/api/participants/", "participant.view"),
    E("POST", "/api/participants/", "participant.identify"),
    E("GET", "/api/participants/{id}/", "participant.view"),
    E("GET", "/api/participants/{id}/infusions/", "participant.view"),
    E("GET", "/api/participants/{id}/visits/", "participant.view"),
    E("GET", "/api/participants/{id}/labs/", "participant.view"),
    E("GET", "/api/participants/{id}/events/", "event.view"),
    E("POST", "/api/participants/{id}/events/", "event.record"),
    E("POST", "/api/participants/{id}/death/", "event.record"),
    E("GET", "/api/participants/{id}/adverse-events/", "ae.view"),
    E("POST", "/api/participants/{id}/adverse-events/", "ae.record"),
    E("GET", "/api/visits/{id}/", "participant.view", "visit"),
    E("POST", "/api/visits/{id}/record/", "visit.record", "visit"),
    E("GET", "/api/visits/{id}/labs/", "participant.view", "visit"),
    E("POST", "/api/visits/{id}/labs/", "crf.enter", "visit"),
    E("POST", "/api/lab-results/", "crf.enter"),
    E("PATCH", "/api/lab-results/{id}/", "crf.enter", "lab"),
    E("GET", "/api/events/", "event.view"),
    E("PATCH", "/api/events/{id}/", "event.record", "event"),
    E("GET", "/api/adverse-events/", "ae.view"),
    E("PATCH", "/api/adverse-events/{id}/", "ae.record", "ae"),
    E("GET", "/api/queries/", "query.view"),
    E("POST", "/api/queries/", "query.raise"),
    E("POST", "/api/queries/{id}/respond/", "query.respond", "query"),
    E("POST", "/api/queries/{id}/resolve/", "query.resolve", "query"),
    E("POST", "/api/queries/{id}/close/", "query.close", "query"),
    E("GET", "/api/tabulations/", "tabulation.read"),
    E("GET", "/api/tabulations/{domain}.csv", "tabulation.read"),
    E("GET", "/api/tabulations/{domain}.json", "tabulation.read"),
    E("POST", "/api/token/", None),
    E("GET", "/api/schema/", None),
)


def journey_ids(journey: dict[str, Any]) -> dict[str, Any]:
    """The path parameters of every endpoint, from the journey's records."""
    from hepatrial.edc.crfs.models import LabResult

    week1 = next(v for v in journey["visits"] if v.code == "W1")
    return {
        "id": journey["participant"].pk,
        "visit": week1.pk,
        "lab": LabResult.objects.filter(visit=week1, code="BILI").get().pk,
        "event": journey["decompensation"].pk,
        "ae": journey["adverse_event"].pk,
        "query": journey["query"].pk,
        "domain": "DM",
    }
