"""The way a page's form action reports a refusal: on the next page, not as an error page.

    with page_action(request) as attempt:
        task_row_done(actor=request.user, row=row, note=note)
    if attempt.ok:
        messages.success(request, "已标记完成")
    return redirect(...)

A ``DomainError`` raised inside becomes an error message (its Chinese text) and the view goes on
to its redirect, having changed nothing (services refuse before they write, or inside their
transaction). Not found is let through: the middleware answers it with the 404 page, which must
not turn into a redirect that shows whether the thing exists.
"""

from __future__ import annotations

from types import TracebackType

from django.contrib import messages
from django.http import HttpRequest

from wangge.core.errors import DomainError


class page_action:
    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.ok = True

    def __enter__(self) -> page_action:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        if isinstance(exc, DomainError) and exc.code != "not_found":
            messages.error(self.request, exc.message)
            self.ok = False
            return True
        return False
