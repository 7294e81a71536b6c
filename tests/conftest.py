"""Shared fixtures.

The whole session works on one database holding the demo county (丹凤县 in
full, all of Shangluo down to villages), seeded once: every test reads the
same real territory, users and roles the demo has. Tests that write run in a
transaction rolled back after them (pytest-django's ``db``). Browser tests
talk to a server thread on the same database (``live_url``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop + live server

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = settings.BASE_DIR / "test-artifacts"


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest, django_test_environment: None, django_db_blocker: Any
) -> Iterator[None]:
    """Create the test database and seed the demo into it, once.

    Replaces pytest-django's fixture, which creates only the databases that
    collected tests mark as used: the browser tests use the database through
    a server thread, unmarked, and must get it all the same."""
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases

    from wangge.demo.seed import demo_seed

    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        config = setup_databases(verbosity=verbosity, interactive=False, aliases={"default"})
        demo_seed(scale="county", data_dir=settings.WANGGE_DATA_DIR, population="sample")
    yield
    with django_db_blocker.unblock():
        connections.close_all()
        teardown_databases(config, verbosity=verbosity)


@pytest.fixture
def user_named(db: None) -> Any:
    from wangge.accounts.models import User

    def get(username: str) -> User:
        return User.objects.get(username=username)

    return get


@pytest.fixture(scope="session")
def live_url(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """A real HTTP server (Django's live-server thread, static files
    included) on the session's database. Not transactional: what the
    browser writes (sessions, audit) stays for the session."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    with django_db_blocker.unblock():
        thread = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        try:
            yield f"http://127.0.0.1:{thread.port}"
        finally:
            thread.terminate()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (see .ci/run)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def artifacts() -> Any:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
