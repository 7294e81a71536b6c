"""The process's personal-data keyring, loaded once from outside the
database (see settings.WANGGE_PII_KEYS_FILE)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings

from wangge.registry.pii import Keyring


@cache
def keyring() -> Keyring:
    path = settings.WANGGE_PII_KEYS_FILE
    if not path:
        return Keyring.demo()
    return Keyring.from_env_text(Path(path).read_text(encoding="utf-8"))
