"""Senders: how a stored message leaves the system. Pluggable by setting —
``WANGGE_MESSAGE_SENDERS = {"resident": "<dotted path>", "staff": "<dotted path>"}``.

* ``StoredSender`` (the default for both): nothing leaves; residents read
  their messages in the portal with number + phone, staff in the inbox.
* ``WebhookSmsSender``: POSTs ``{"phone", "text", "id"}`` as JSON to the
  county's SMS gateway (``WANGGE_SMS_WEBHOOK_URL``, optional bearer
  ``WANGGE_SMS_WEBHOOK_TOKEN``); most Chinese SMS platforms sit behind such a
  relay, which holds the signature and template ids.

A WeChat template-message sender is a class of the same shape; it needs
the county's official-account credentials and is not shipped.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from wangge.notify.models import Message


class SendError(Exception):
    """Delivery failed; the message stays stored and marked failed."""


class Sender(Protocol):
    name: str
    # False: the stored row is the delivery; nothing is queued.
    delivers: bool

    def send(self, message: Message, phone: str) -> None: ...


class StoredSender:
    name = "stored"
    delivers = False

    def send(self, message: Message, phone: str) -> None:  # pragma: no cover - never queued
        return None


class WebhookSmsSender:
    name = "sms"
    delivers = True

    def send(self, message: Message, phone: str) -> None:
        url = getattr(settings, "WANGGE_SMS_WEBHOOK_URL", "")
        if not url:
            raise SendError("未配置短信网关 WANGGE_SMS_WEBHOOK_URL")
        if not phone:
            raise SendError("没有手机号")
        body = json.dumps(
            {"id": message.pk, "phone": phone, "text": message.body}, ensure_ascii=False
        ).encode()
        headers = {"Content-Type": "application/json; charset=utf-8"}
        token = getattr(settings, "WANGGE_SMS_WEBHOOK_TOKEN", "")
        if token:
            headers["Authorization"] = f"Bearer {token}"
        req = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(req, timeout=10) as answer:  # noqa: S310
                if answer.status >= 300:
                    raise SendError(f"短信网关返回 {answer.status}")
        except OSError as exc:
            raise SendError(f"短信网关不可达:{exc}"[:200]) from None


def sender_for(audience: str) -> Sender:
    configured = getattr(settings, "WANGGE_MESSAGE_SENDERS", {}) or {}
    path = configured.get(audience, "wangge.notify.senders.StoredSender")
    sender: Sender = import_string(path)()
    return sender
