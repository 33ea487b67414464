"""URLs of the web pages: sign-in, dashboard, participants, audit history, language."""

from django.urls import path

from hepatrial.edc.web import views_audit, views_auth, views_dashboard, views_participant

urlpatterns = [
    path("login/", views_auth.login_view, name="login"),
    path("logout/", views_auth.logout_view, name="logout"),
    path("password/", views_auth.password_change_view, name="password_change"),
    path("password/done/", views_auth.password_change_done_view, name="password_change_done"),
    path("language/", views_auth.language_switch, name="set_language"),
    path("", views_dashboard.dashboard, name="dashboard"),
    path("participants/", views_participant.participant_list, name="participant_list"),
    path(
        "participants/<uuid:participant_id>/",
        views_participant.participant_detail,
        name="participant_detail",
    ),
    path(
        "history/<str:model>/<uuid:record_id>/",
        views_audit.record_history,
        name="record_history",
    ),
]
