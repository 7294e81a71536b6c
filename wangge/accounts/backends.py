from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from wangge.accounts.models import User
from wangge.core.errors import DomainError


class LockoutBackend(ModelBackend):
    """Every sign-in, the Django admin's included, goes through the lockout
    rules in ``login_attempt``."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        from wangge.accounts.services import login_attempt

        if username is None or password is None:
            return None
        try:
            return login_attempt(username=username, password=password)
        except DomainError:
            return None
