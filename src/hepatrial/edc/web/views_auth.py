"""Sign-in, sign-out and password change: Django's auth views with the study's templates."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

__all__ = ["login_view", "logout_view", "password_change_done_view", "password_change_view"]

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
