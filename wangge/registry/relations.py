"""Correcting how a household's members are related to its head (与户主关系).

After a head change (``moves.member_leave`` naming a new head) the others' relations still
describe kinship to the old head, and only the family can say what they are to the new one; the
staff page asks the clerk to check them, and this is how they are corrected. It also lets a
household hand over to a new head while the old one stays (an aged father to his son).

The whole household is set at once, so that it always has exactly one head: making someone
户主 and giving the old head another relation is one change, never two steps with a household
of two heads or none in between.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from wangge.audit.services import audit_record
from wangge.core.errors import DomainError
from wangge.registry.edits import require_edit
from wangge.registry.models import RELATIONS, Household, Membership
from wangge.registry.moves import HEAD


def household_relations_set(
    *, actor: Any, household: Household, relations: Mapping[int, str], reason: str = ""
) -> list[Membership]:
    """Set the relation of every current member (``relations``: person id → relation).
    Exactly one member must be 户主; members not named keep theirs. Audited once, with what
    changed. Returns the current memberships."""
    require_edit(actor, household.area_path, "户")
    for relation in relations.values():
        if relation not in RELATIONS:
            raise DomainError("member.relation", f"与户主关系应为:{'、'.join(RELATIONS)}")
    with transaction.atomic():
        current = list(
            Membership.objects.select_for_update()
            .filter(household=household, moved_out__isnull=True)
            .select_related("person")
            .order_by("pk")
        )
        by_person = {m.person_id: m for m in current}
        strangers = [pid for pid in relations if pid not in by_person]
        if strangers:
            raise DomainError("member.gone", "所列人员中有不是本户现有成员的,请刷新页面后再改")
        after = {m.person_id: relations.get(m.person_id, m.relation) for m in current}
        heads = [pid for pid, relation in after.items() if relation == HEAD]
        if current and len(heads) != 1:
            raise DomainError(
                "member.head",
                "本户须有且只有一位户主" + ("" if heads else ",请选定户主"),
            )
        changed = {
            by_person[pid].person.name: [by_person[pid].relation, relation]
            for pid, relation in after.items()
            if relation != by_person[pid].relation
        }
        if not changed:
            return current
        was_head = next((m.person_id for m in current if m.relation == HEAD), None)
        for pid, relation in after.items():
            if relation != by_person[pid].relation:
                Membership.objects.filter(pk=by_person[pid].pk).update(relation=relation)
                by_person[pid].relation = relation
        audit_record(
            actor=actor,
            action="household.relations",
            obj=household,
            reason=reason[:500],
            area_path=household.area_path,
            changes={"relations": changed, "head_changed": bool(heads) and was_head != heads[0]},
        )
    return current
