"""Sign-in, sign-out, password change (Django's auth views with the study's templates) and the
language switch."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from hepatrial.edc.accounts.services import user_language_set

__all__ = [
    "language_switch",
    "login_view",
    "logout_view",
    "password_change_done_view",
    "password_change_view",
]

login_view = auth_views.LoginView.as_view(
    template_name="web/login.html", redirect_authenticated_user=True
)
logout_view = auth_views.LogoutView.as_view(next_page=reverse_lazy("web:login"))
password_change_view = auth_views.PasswordChangeView.as_view(
    template_name="web/password_change.html", success_url=reverse_lazy("web:password_change_done")
)
password_change_done_view = auth_views.PasswordChangeDoneView.as_view(
    template_name="web/password_change_done.html"
)


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Switch the language for this browser (Django's cookie) and, when signed in, remember it on
    the account, so the user gets it on every computer of the ward."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        user_language_set(user=request.user, language=language)  # type: ignore[arg-type]
    return response
