from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability
from wangge.audit.models import AuditRecord
from wangge.core.errors import NotFound


def audit_list_for(
    actor: Any,
    *,
    action: str | None = None,
    actor_username: str | None = None,
    object_id: str | None = None,
) -> QuerySet[AuditRecord]:
    """Audit records the actor may read: those of areas within their
    audit reach; records tied to no area (sign-ins, whole-tree loads) only
    for administrators of the whole tree. Nobody else learns the log exists."""
    reach = reach_for(actor)
    paths = reach.paths(Capability.AUDIT_VIEW)
    if not paths:
        raise NotFound("页面")
    cond = reach.filter("area_path", Capability.AUDIT_VIEW)
    if any(p.count("/") <= 1 for p in paths):  # root or whole tree
        cond |= Q(area_path="")
    qs = AuditRecord.objects.filter(cond)
    if action:
        qs = qs.filter(action__startswith=action)
    if actor_username:
        qs = qs.filter(actor_label=actor_username)
    if object_id:
        qs = qs.filter(object_id=object_id)
    return qs.order_by("-seq")
