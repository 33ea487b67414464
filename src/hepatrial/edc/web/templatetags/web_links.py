"""``{% action_url "webforms:labs" "crf.enter" visit.id as url %}``: the URL of a page the user
may open, or "" when the role may not (PERMISSIONS) or the page does not exist (yet)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from hepatrial.edc.core.permissions import allowed

register = template.Library()


@register.simple_tag(takes_context=True)
def action_url(context: Any, url_name: str, action: str, *args: Any) -> str:
    """The URL of ``url_name`` with ``args`` if the user may do ``action``; "" otherwise."""
    user = context.get("user")
    if user is None or not allowed(user, action):
        return ""
    try:
        return reverse(url_name, args=args)
    except NoReverseMatch:
        return ""
