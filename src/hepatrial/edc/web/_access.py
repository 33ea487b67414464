"""Page access: the role must hold the page's action (PERMISSIONS), and errors of the selectors
become the HTTP answer a browser understands (403 for a role or site refused, 404 for no
such record)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from hepatrial.edc.core.permissions import allowed
from hepatrial.errors import AccessDeniedError, InputError

__all__ = ["page_requires"]

View = Callable[..., HttpResponse]


def page_requires(action: str | None) -> Callable[[View], View]:
    """Sign-in required; then ``action`` (if any) must be allowed for the user's role."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if action is not None and not allowed(request.user, action):
                raise PermissionDenied(action)
            try:
                return view(request, *args, **kwargs)
            except AccessDeniedError as error:
                raise PermissionDenied(str(error)) from error
            except InputError as error:
                raise Http404(str(error)) from error

        return login_required(guarded)

    return decorate
