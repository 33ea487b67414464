"""URLs of the data-entry forms (namespace ``webforms``, mounted at ``/forms/``)."""

from django.urls import path

from hepatrial.edc.webforms import (
    views_casebook,
    views_events,
    views_infusion,
    views_queries,
    views_randomization,
    views_screening,
    views_study,
    views_visit,
    views_void,
)

P = "participants/<uuid:participant_id>"

urlpatterns = [
    path("participants/new/", views_screening.participant_new, name="participant_new"),
    path(f"{P}/consent/", views_screening.consent, name="consent"),
    path(f"{P}/screening/", views_screening.screening, name="screening"),
    path(f"{P}/eligibility/check/", views_screening.eligibility_check, name="eligibility_check"),
    path(f"{P}/eligibility/", views_screening.eligibility, name="eligibility"),
    path(f"{P}/randomize/", views_randomization.randomize, name="randomize"),
    path(f"{P}/unblind/", views_randomization.unblind, name="unblind"),
    path("lots/", views_infusion.lot_list, name="lot_new"),
    path(f"{P}/infusion/", views_infusion.infusion, name="infusion"),
    path(f"{P}/infusion/preview/", views_infusion.infusion_preview, name="infusion_preview"),
    path(f"{P}/unscheduled-visit/", views_visit.unscheduled_visit, name="unscheduled_visit"),
    path("visits/<uuid:visit_id>/", views_visit.visit, name="visit"),
    path("visits/<uuid:visit_id>/labs/", views_visit.labs, name="labs"),
    path("visits/<uuid:visit_id>/labs/preview/", views_visit.labs_preview, name="labs_preview"),
    path("labs/<uuid:result_id>/", views_visit.lab_edit, name="lab_edit"),
    path("visits/<uuid:visit_id>/assessment/", views_visit.assessment, name="assessment"),
    path(f"{P}/demographics/", views_visit.demographics, name="demographics"),
    path(f"{P}/decompensation/", views_events.decompensation, name="decompensation"),
    path(
        "decompensation/<uuid:event_id>/",
        views_events.decompensation_edit,
        name="decompensation_edit",
    ),
    path(f"{P}/adverse-event/", views_events.adverse_event, name="adverse_event"),
    path(
        "adverse-events/<uuid:ae_id>/", views_events.adverse_event_edit, name="adverse_event_edit"
    ),
    path("adverse-events/<uuid:ae_id>/report/", views_events.sae_report, name="sae_report"),
    path(f"{P}/death/", views_events.death, name="death"),
    path(f"{P}/withdraw/", views_events.withdraw, name="withdraw"),
    path(f"{P}/transplant/", views_events.liver_transplant, name="liver_transplant"),
    path("queries/", views_queries.query_inbox, name="queries"),
    path("queries/<uuid:query_id>/", views_queries.query_detail, name="query"),
    path(f"{P}/query/", views_queries.query_raise, name="query_raise"),
    path("monitor/", views_queries.monitor, name="monitor"),
    path("void/<slug:kind>/<uuid:record_id>/", views_void.void, name="void"),
    path(f"{P}/sign/", views_casebook.casebook_sign, name="casebook_sign"),
    path("study/lock/", views_study.study_lock, name="study_lock"),
]
