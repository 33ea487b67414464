"""Per-request display settings of the signed-in user.

- Times in the site's zone: the user's site, else the protocol's first site. Timestamps are
  stored in UTC (settings.TIME_ZONE); this only changes how they are displayed.
- The language the user chose on their account, over the browser's cookie and headers.
"""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

__all__ = ["SiteTimeZoneMiddleware", "UserLanguageMiddleware", "site_zone_for"]

DEFAULT_ZONE = "Asia/Shanghai"


def site_zone_for(user: object) -> ZoneInfo:
    """The time zone of ``user``'s site, or of the study's first site when the user has none."""
    from hepatrial.edc.study.models import Site

    code = getattr(user, "site_code", "") or ""
    sites = Site.objects.filter(code=code) if code else Site.objects.order_by("code")
    name = sites.values_list("time_zone", flat=True).first()
    return ZoneInfo(name or DEFAULT_ZONE)


class SiteTimeZoneMiddleware:
    """Activates the site's zone for each signed-in request (and the default zone otherwise)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(("/api/", "/static/"))
        ):
            zone = site_zone_for(user)
        else:
            zone = ZoneInfo(DEFAULT_ZONE)
        request.site_zone = zone  # type: ignore[attr-defined]
        timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class UserLanguageMiddleware:
    """Activates the language saved on the signed-in user's account (after LocaleMiddleware,
    which has chosen from the cookie or the browser); an account without one keeps that choice."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "language", ""):
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
