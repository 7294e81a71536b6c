"""page_action: a refusal becomes a message on the next page; not found stays a 404."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from wangge.core.errors import DomainError, NotFound
from wangge.core.page_action import page_action


def _request():  # type: ignore[no-untyped-def]
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_a_refusal_becomes_an_error_message_and_the_view_goes_on() -> None:
    request = _request()
    with page_action(request) as attempt:
        raise DomainError("task.state", "该任务已结束")
    assert not attempt.ok
    assert [(m.level_tag, m.message) for m in get_messages(request)] == [("error", "该任务已结束")]


def test_success_leaves_no_message() -> None:
    request = _request()
    with page_action(request) as attempt:
        pass
    assert attempt.ok
    assert list(get_messages(request)) == []


def test_not_found_and_other_errors_pass_through() -> None:
    request = _request()
    with pytest.raises(NotFound), page_action(request):
        raise NotFound("户")
    with pytest.raises(ValueError, match="bug"), page_action(request):
        raise ValueError("bug")
    assert list(get_messages(request)) == []
