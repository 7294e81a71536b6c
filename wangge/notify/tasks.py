"""Delivery runs in the background worker, after the step that made the
message has committed — a slow gateway never holds up the staff member."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from wangge.notify.services import message_deliver


@db_task(retries=3, retry_delay=60)
def deliver(message_id: int) -> None:
    message_deliver(message_id)
