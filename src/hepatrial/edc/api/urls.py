"""URLs of the REST API, mounted at ``/api/`` (namespace ``api``); see ``docs/api.md``."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny

from . import (
    views_auth,
    views_events,
    views_labs,
    views_participants,
    views_queries,
    views_safety,
    views_tabulations,
    views_visits,
)

P = views_participants
PUBLIC = {"authentication_classes": [], "permission_classes": [AllowAny]}

urlpatterns = [
    path("token/", views_auth.TokenObtainView.as_view(), name="token"),
    # The schema and its page describe the API, not the trial's data: anyone may read them.
    path("schema/", SpectacularAPIView.as_view(**PUBLIC), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema", **PUBLIC), name="docs"),
    # participants and what hangs off them
    path("participants/", P.ParticipantListView.as_view(), name="participant-list"),
    path("participants/<uuid:pk>/", P.ParticipantDetailView.as_view(), name="participant-detail"),
    path(
        "participants/<uuid:pk>/infusions/",
        P.ParticipantInfusionsView.as_view(),
        name="participant-infusions",
    ),
    path(
        "participants/<uuid:pk>/visits/",
        views_visits.ParticipantVisitsView.as_view(),
        name="participant-visits",
    ),
    path(
        "participants/<uuid:pk>/labs/",
        views_labs.ParticipantLabsView.as_view(),
        name="participant-labs",
    ),
    path(
        "participants/<uuid:pk>/events/",
        views_events.ParticipantEventsView.as_view(),
        name="participant-events",
    ),
    path(
        "participants/<uuid:pk>/death/",
        views_events.ParticipantDeathView.as_view(),
        name="participant-death",
    ),
    path(
        "participants/<uuid:pk>/adverse-events/",
        views_safety.ParticipantAdverseEventsView.as_view(),
        name="participant-adverse-events",
    ),
    # visits and labs
    path("visits/<uuid:pk>/", views_visits.VisitDetailView.as_view(), name="visit-detail"),
    path("visits/<uuid:pk>/record/", views_visits.VisitRecordView.as_view(), name="visit-record"),
    path("visits/<uuid:pk>/labs/", views_labs.VisitLabsView.as_view(), name="visit-labs"),
    path("lab-results/", views_labs.LabResultEnterView.as_view(), name="lab-result-enter"),
    path(
        "lab-results/<uuid:pk>/",
        views_labs.LabResultCorrectView.as_view(),
        name="lab-result-correct",
    ),
    # events and safety
    path("events/", views_events.DecompensationListView.as_view(), name="event-list"),
    path(
        "events/<uuid:pk>/", views_events.DecompensationCorrectView.as_view(), name="event-correct"
    ),
    path("adverse-events/", views_safety.AdverseEventListView.as_view(), name="ae-list"),
    path(
        "adverse-events/<uuid:pk>/",
        views_safety.AdverseEventUpdateView.as_view(),
        name="ae-update",
    ),
    # queries
    path("queries/", views_queries.QueryListView.as_view(), name="query-list"),
    path(
        "queries/<uuid:pk>/respond/", views_queries.QueryRespondView.as_view(), name="query-respond"
    ),
    path(
        "queries/<uuid:pk>/resolve/", views_queries.QueryResolveView.as_view(), name="query-resolve"
    ),
    path("queries/<uuid:pk>/close/", views_queries.QueryCloseView.as_view(), name="query-close"),
    # tabulations
    path("tabulations/", views_tabulations.TabulationListView.as_view(), name="tabulation-list"),
    re_path(
        r"^tabulations/(?P<domain>[A-Za-z]{2})\.csv$",
        views_tabulations.TabulationCsvView.as_view(),
        name="tabulation-csv",
    ),
    re_path(
        r"^tabulations/(?P<domain>[A-Za-z]{2})\.json$",
        views_tabulations.TabulationJsonView.as_view(),
        name="tabulation-json",
    ),
]
