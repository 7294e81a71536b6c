"""The hash chain itself: canonical content and SM3, no database here."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from cryptography.hazmat.primitives import hashes

GENESIS = "0" * 64

# The fields the hash covers, in a fixed order. Adding a field later means a
# new chain version; never change this list for existing records.
HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_label",
    "area_path",
    "address",
    "channel",
    "user_agent",
    "reason",
    "changes",
)


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def _at_text(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(content: dict[str, Any]) -> bytes:
    body = {k: content[k] for k in HASHED_FIELDS}
    body["at"] = _at_text(body["at"])
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def link_hash(prev_hash: str, content: dict[str, Any]) -> str:
    return sm3_hex(prev_hash.encode() + b"\n" + canonical(content))
