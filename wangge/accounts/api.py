from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Role
from wangge.accounts.services import login_attempt
from wangge.core.errors import DomainError


class TokenRequest(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"})


class TokenApi(APIView):
    """Exchange a username and password for an API token (same lockout rules
    as the sign-in page). Send it as ``Authorization: Token <token>``."""

    permission_classes = (AllowAny,)
    authentication_classes = ()

    @extend_schema(
        request=TokenRequest,
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
    )
    def post(self, request: Request) -> Response:
        s = TokenRequest(data=request.data)
        if not s.is_valid():
            raise DomainError("invalid", "请提供 username 和 password", fields=s.errors)
        user = login_attempt(**s.validated_data)
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class MeApi(APIView):
    @extend_schema(
        responses=inline_serializer(
            "Me",
            {
                "username": serializers.CharField(),
                "display_name": serializers.CharField(),
                "roles": serializers.ListField(child=serializers.DictField()),
            },
        )
    )
    def get(self, request: Request) -> Response:
        reach = reach_for(request.user)
        roles = [
            {
                "role": g.role,
                "label": Role(g.role).label,
                "area_code": g.path.rstrip("/").rsplit("/", 1)[-1] if g.path else None,
                "categories": sorted(g.category_codes) if g.category_codes is not None else None,
            }
            for g in reach.grants
        ]
        user = request.user
        return Response(
            {"username": user.get_username(), "display_name": str(user), "roles": roles}
        )
