"""Token authentication: a hospital system trades a username and password for a token.

The issue of a token is recorded in the audit trail; a wrong password is recorded as a failed
sign-in by the accounts app's signal, with the username only.
"""

from __future__ import annotations

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hepatrial.edc.core.audit import record_access
from hepatrial.errors import InputError

from .base import errors
from .serializers_review import TokenRequestSerializer, TokenSerializer

__all__ = ["TokenObtainView"]


class TokenObtainView(APIView):
    # No session: a token request carries its own credentials, so no CSRF token is needed.
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["authentication"],
        summary="Obtain the API token of a user (send as `Authorization: Token <token>`)",
        request=TokenRequestSerializer,
        responses={200: TokenSerializer, **errors(400)},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        given = TokenRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        username = given.validated_data["username"]
        user = authenticate(
            request._request, username=username, password=given.validated_data["password"]
        )
        if user is None or not user.is_active:
            raise InputError(
                field="password",
                expected="the username and password of an active account",
                received=f"a wrong password or unknown username {username!r}",
            )
        token, _ = Token.objects.get_or_create(user=user)
        record_access(username=user.get_username(), action="API token issued")
        return Response(TokenSerializer({"token": token.key}).data)
