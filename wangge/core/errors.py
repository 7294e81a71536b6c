"""The one domain error type.

Services raise ``DomainError`` with a stable machine-readable ``code`` and a
Chinese ``message`` for people. The API maps it to an HTTP status with the
code in the body; pages show the message. Codes are part of the API contract:
add new ones, never rename.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    # code -> HTTP status; anything not listed is a 400.
    STATUS: ClassVar[dict[str, int]] = {
        "not_found": 404,
        "forbidden": 403,
        "conflict": 409,
        "request.conflict": 409,
        "login.invalid": 400,
        "login.locked": 423,
    }

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details

    @property
    def http_status(self) -> int:
        return self.STATUS.get(self.code, 400)

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        return body


class NotFound(DomainError):
    """Raised both for what does not exist and for what is outside the actor's
    reach, with the same code and message, so the two cannot be told apart."""

    def __init__(self, what: str = "对象") -> None:
        super().__init__("not_found", f"{what}不存在")


class PermissionDenied(DomainError):
    """The actor reaches the object but their role may not do this to it."""

    def __init__(self, message: str = "您没有执行此操作的权限") -> None:
        super().__init__("forbidden", message)
