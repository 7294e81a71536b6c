"""Making messages and delivering them.

``message_to_unit`` / ``message_to_resident`` store the message (inside the
caller's transaction, so a step and its notices commit together) and, when
the audience's sender delivers anywhere, queue its delivery for after the
commit. ``once_key`` makes a message idempotent: the second attempt finds
the first and adds nothing.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from wangge.accounts.models import Unit
from wangge.core.insert import insert_new
from wangge.notify.models import Audience, Message, Status
from wangge.notify.senders import SendError, sender_for
from wangge.registry import pii
from wangge.registry.keys import keyring


def _prepared(fields: dict[str, object]) -> tuple[dict[str, object], bool]:
    sender = sender_for(str(fields["audience"]))
    fields["sender"] = sender.name
    fields["status"] = Status.QUEUED if sender.delivers else Status.STORED
    return fields, sender.delivers


def _queue(message: Message) -> None:
    from wangge.notify.tasks import deliver

    transaction.on_commit(lambda: deliver(message.pk))


def _store(once_key: str | None, **fields: object) -> Message | None:
    fields, delivers = _prepared(fields)
    if once_key:
        try:
            with transaction.atomic():
                message = Message.objects.create(once_key=once_key, **fields)
        except IntegrityError:
            return None  # already made once
    else:
        message = Message.objects.create(**fields)
    if delivers:
        _queue(message)
    return message


def messages_store(messages: list[Message]) -> list[Message]:
    """Several messages at once (one INSERT: intake tells the resident and
    the unit in the same breath, and intake must be quick)."""
    made = []
    for m in messages:
        fields, delivers = _prepared({"audience": m.audience})
        m.sender, m.status = str(fields["sender"]), str(fields["status"])
        made.append((m, delivers))
    insert_new([m for m, _ in made])
    for m, delivers in made:
        if delivers:
            _queue(m)
    return [m for m, _ in made]


def message_to_unit(
    unit: Unit,
    body: str,
    *,
    kind: str,
    request: object = None,
    once_key: str | None = None,
    user_id: int | None = None,
) -> Message | None:
    """To everyone acting for ``unit`` — or, with ``user_id``, to that one
    person of it (the grid worker on duty)."""
    return _store(
        once_key,
        audience=Audience.STAFF,
        unit=unit,
        user_id=user_id,
        request=request,
        kind=kind,
        body=body,
    )


def message_to_resident(
    *, phone_enc: str, phone_index: str, body: str, kind: str, request: object = None,
    once_key: str | None = None,
) -> Message | None:  # fmt: skip
    """To the phone a resident gave (as stored on their request); without
    one (anonymous), there is nobody to tell."""
    if not phone_index:
        return None
    return _store(
        once_key, audience=Audience.RESIDENT, phone_enc=phone_enc, phone_index=phone_index,
        request=request, kind=kind, body=body,
    )  # fmt: skip


def message_deliver(message_id: int) -> bool:
    """Hand one queued (or failed) message to its sender; record the outcome.
    Raises ``SendError`` after recording a failure, so the worker retries."""
    message = Message.objects.filter(
        pk=message_id, status__in=[Status.QUEUED, Status.FAILED]
    ).first()
    if message is None:
        return False  # sent meanwhile, or stored-only
    sender = sender_for(message.audience)
    phone = pii.decrypt(keyring(), message.phone_enc) if message.phone_enc else ""
    Message.objects.filter(pk=message.pk).update(attempts=F("attempts") + 1)
    try:
        sender.send(message, phone)
    except SendError as exc:
        Message.objects.filter(pk=message.pk).update(status=Status.FAILED, error=str(exc)[:200])
        raise
    Message.objects.filter(pk=message.pk).update(
        status=Status.SENT, sent_at=timezone.now(), error=""
    )
    return True


def inbox_mark_read(user: object, ids: list[int] | None = None) -> int:
    """Mark the user's inbox read (all of it, or the messages listed)."""
    from wangge.notify.selectors import inbox_for

    unread = inbox_for(user).filter(read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
