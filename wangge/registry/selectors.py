"""Reads of the registry, always through the actor's reach. Personal data
leaves here masked; the full values only through ``person_reveal``."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability
from wangge.core.errors import DomainError, NotFound
from wangge.registry import pii
from wangge.registry.keys import keyring
from wangge.registry.models import RELATIONS, Household, LeadHousehold, Membership, Person
from wangge.territory.models import Area

SEARCH_LIMIT = 50

_ID_LIKE = re.compile(r"^\d{15}$|^\d{17}[\dXx]$")
_PHONE_LIKE = re.compile(r"^1\d{10}$")
_INITIALS = re.compile(r"^[A-Za-z]{1,16}$")


def _reach_q(actor: Any, field: str = "area_path") -> Q:
    return reach_for(actor).filter(field, Capability.PERSON_VIEW)


def household_list_for(
    actor: Any, *, area: Area | None = None, colour: str | None = None
) -> QuerySet[Household]:
    qs = Household.objects.filter(_reach_q(actor), is_active=True)
    if area is not None:
        qs = qs.filter(area_path__prefix=area.path)
    if colour:
        qs = qs.filter(colour=colour)
    return qs.annotate(
        member_count=Count("memberships", filter=Q(memberships__moved_out__isnull=True))
    ).order_by("number")


def household_get_for(actor: Any, number: str) -> Household:
    household = (
        Household.objects.filter(_reach_q(actor), number=number).select_related("grid").first()
    )
    if household is None:
        raise NotFound("户")
    return household


def household_members_for(actor: Any, household: Household) -> list[Membership]:
    """Current members, head first. The household was fetched through reach;
    its members are shown even if one of them is registered elsewhere."""
    household_get_for(actor, household.number)  # re-check: never trust a passed object
    members = list(
        household.memberships.filter(moved_out__isnull=True)
        .select_related("person")
        .prefetch_related("person__tags")
        .order_by("person__birth_date", "pk")
    )
    members.sort(key=lambda m: _RELATION_ORDER.get(m.relation, len(_RELATION_ORDER)))
    return members


# How a household register lists its members.
_RELATION_ORDER = {r: i for i, r in enumerate(RELATIONS)}


def person_get_for(actor: Any, person_id: int) -> Person:
    person = (
        Person.objects.filter(_reach_q(actor), pk=person_id)
        .prefetch_related(
            "tags",
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("household").order_by("-moved_in"),
            ),
        )
        .first()
    )
    if person is None:
        raise NotFound("人员")
    return person


def person_search_for(actor: Any, query: str, *, limit: int = SEARCH_LIMIT) -> list[Person]:
    """Find people by exact ID number or phone (blind index), by pinyin
    initials (``zs`` → 张三), or by part of the name or of the visible
    address (down to the village or community: the rest is masked); at
    most ``limit`` results, so nobody can page through a whole county by
    searching."""
    q = query.strip().replace(" ", "")
    if len(q) < 1:
        raise DomainError("search.empty", "请输入姓名、拼音首字母、身份证号、手机号或地址")
    qs = Person.objects.filter(_reach_q(actor))
    ring = keyring()
    if _ID_LIKE.match(q):
        qs = qs.filter(id_index=pii.blind_index(ring, "id", q))
    elif _PHONE_LIKE.match(q):
        qs = qs.filter(phone_index=pii.blind_index(ring, "phone", q))
    elif _INITIALS.match(q):
        qs = qs.filter(name_initials__prefix=q.lower())
    else:
        lives_there = Membership.objects.filter(
            moved_out__isnull=True, household__address_masked__contains=q
        ).values("person_id")
        qs = qs.filter(Q(name__contains=q) | Q(pk__in=lives_there))
    return list(qs.order_by("name_initials", "name", "pk")[:limit])


def colour_counts_for(actor: Any, area: Area) -> dict[str, int]:
    rows = (
        Household.objects.filter(_reach_q(actor), is_active=True, area_path__prefix=area.path)
        .order_by()
        .values("colour")
        .annotate(n=Count("id"))
    )
    counts = {"red": 0, "yellow": 0, "green": 0}
    counts.update({r["colour"]: r["n"] for r in rows})
    return counts


def lead_links_for(actor: Any, household: Household) -> dict[str, Any]:
    """党员中心户 links of a household the actor can see: the households it
    looks after (when it is one), and the ones looking after it. Households
    outside the actor's reach are left out."""
    reach_q = _reach_q(actor)
    lead = LeadHousehold.objects.filter(household=household).select_related("party_member").first()
    looks_after = (
        list(lead.looks_after.filter(reach_q, is_active=True).order_by("number"))
        if lead is not None
        else []
    )
    looked_after_by = list(
        LeadHousehold.objects.filter(
            looks_after=household, household__in=Household.objects.filter(reach_q)
        )
        .select_related("household", "party_member")
        .order_by("household__number")
    )
    return {"lead": lead, "looks_after": looks_after, "looked_after_by": looked_after_by}
