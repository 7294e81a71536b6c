from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from wangge.accounts.selectors import units_for
from wangge.notify.models import Audience, Message


def inbox_for(user: Any) -> QuerySet[Message]:
    """Messages to the units the user acts for — those not meant for one
    person of the unit — and those meant for the user, newest first."""
    if not getattr(user, "is_authenticated", False):
        return Message.objects.none()
    return Message.objects.filter(
        Q(unit_id__in=units_for(user), user__isnull=True) | Q(user=user),
        audience=Audience.STAFF,
    ).select_related("unit", "request")


def unread_count_for(user: Any) -> int:
    return inbox_for(user).filter(read_at__isnull=True).count()


def resident_messages(request: Any) -> QuerySet[Message]:
    """What the requester of a request was told, oldest first."""
    return Message.objects.filter(audience=Audience.RESIDENT, request=request).order_by(
        "created_at", "pk"
    )
