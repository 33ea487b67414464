"""Account services: create a user, change a role, deactivate (each audited); the language."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from hepatrial.edc.accounts.models import User
from hepatrial.edc.core.permissions import require
from hepatrial.edc.core.services import require_reason, validate
from hepatrial.errors import InputError
from hepatrial.protocol import ROLES

__all__ = ["user_create", "user_deactivate", "user_language_set", "user_set_role"]


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise InputError(field="role", expected=f"one of {', '.join(ROLES)}", received=role)


def _check_password(password: str | None, user: User) -> str:
    if not password:
        raise InputError(field="password", expected="a password (never a default)", received=None)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise InputError(
            field="password", expected=" ".join(error.messages), received="a weak password"
        ) from None
    return password


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    full_name: str,
    role: str,
    password: str | None,
    email: str = "",
    site_code: str = "",
) -> User:
    """Create an account. ``actor`` is None only for the first admin, made by ``hepatrial init``."""
    if actor is not None:
        require(actor, "account.manage")
    _check_role(role)
    if User.objects.filter(username=username).exists():
        raise InputError(field="username", expected="a username not yet taken", received=username)
    user = User(
        username=username,
        full_name=full_name,
        role=role,
        email=email,
        site_code=site_code,
        is_staff=role == "admin",
        is_superuser=role == "admin",
    )
    user.set_password(_check_password(password, user))
    validate(user)
    user._history_user = actor or user  # type: ignore[attr-defined]
    user._change_reason = "account created"  # type: ignore[attr-defined]
    user.save()
    return user


@transaction.atomic
def user_set_role(*, actor: User, user: User, role: str, reason: str) -> User:
    require(actor, "account.manage")
    _check_role(role)
    why = require_reason(reason)
    locked = User.objects.select_for_update().get(pk=user.pk)
    locked.role = role
    locked.is_staff = locked.is_superuser = role == "admin"
    locked._history_user = actor  # type: ignore[attr-defined]
    locked._change_reason = why  # type: ignore[attr-defined]
    locked.save()
    return locked


@transaction.atomic
def user_deactivate(*, actor: User, user: User, reason: str) -> User:
    """Deactivate, never delete: signatures and entries must stay attributable."""
    require(actor, "account.manage")
    why = require_reason(reason)
    locked = User.objects.select_for_update().get(pk=user.pk)
    locked.is_active = False
    locked._history_user = actor  # type: ignore[attr-defined]
    locked._change_reason = why  # type: ignore[attr-defined]
    locked.save()
    return locked


def user_language_set(*, user: User, language: str) -> User:
    """Remember the interface language ``user`` chose, for every browser they sign in from.

    A preference, not trial data: it is stored without an audit-history row.
    """
    codes = sorted(code for code, _ in settings.LANGUAGES)
    if language not in codes:
        raise InputError(field="language", expected=f"one of {', '.join(codes)}", received=language)
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
    return user
