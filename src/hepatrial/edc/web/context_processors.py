"""What every page's layout needs: the navigation the user's role may use, and the site's zone.

The navigation is read from :data:`~hepatrial.edc.core.permissions.PERMISSIONS`, the same table
the services enforce, so a link is shown exactly when its page would let the user in. Links to
pages of the other web apps appear only once their URL names resolve.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hepatrial.edc.core.permissions import allowed

__all__ = ["NAV", "NavLink", "layout"]


@dataclass(frozen=True, slots=True)
class NavLink:
    """One entry of the navigation: a URL name, its label, and the action that gates it."""

    url_name: str
    label: str | Promise
    action: str | None = None


NAV: tuple[NavLink, ...] = (
    NavLink("web:dashboard", _("Dashboard")),
    NavLink("web:participant_list", _("Participants"), "participant.view"),
    NavLink("webforms:participant_new", _("New participant"), "participant.identify"),
    NavLink("webforms:queries", _("Queries"), "query.view"),
    NavLink("webforms:monitor", _("Monitoring"), "query.resolve"),
    NavLink("webforms:lot_new", _("Cell lots"), "lot.manage"),
    NavLink("webforms:study_lock", _("Study lock"), "study.lock"),
    NavLink("api:docs", _("API"), "tabulation.read"),
    NavLink("admin:index", _("Administration"), "account.manage"),
)


def _resolved(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def nav_links(user: Any, current_path: str = "") -> list[dict[str, Any]]:
    """The links ``user`` may follow, each with its URL and whether it is the current page."""
    if not getattr(user, "is_authenticated", False):
        return []
    links = []
    for link in NAV:
        if link.action is not None and not allowed(user, link.action):
            continue
        url = _resolved(link.url_name)
        if url is None:
            continue
        current = current_path == url if url == "/" else current_path.startswith(url)
        links.append({"url": url, "label": link.label, "current": current})
    return links


def layout(request: HttpRequest) -> dict[str, Any]:
    """Template context for ``web/base.html``."""
    zone = getattr(request, "site_zone", None)
    return {
        "nav_links": nav_links(getattr(request, "user", None), request.path),
        "site_zone_name": str(zone) if zone is not None else "UTC",
    }
