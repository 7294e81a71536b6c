"""Reads of field work, always through the actor's reach; "not yours"
is "not found"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability
from wangge.audit.services import audit_record
from wangge.core.errors import NotFound
from wangge.disputes.models import unresolved_q
from wangge.disputes.selectors import disputes_of_household
from wangge.gridwork.change_members import summary
from wangge.gridwork.changes import household_state
from wangge.gridwork.cover import Book, on_duty, post_rows
from wangge.gridwork.models import (
    ChangeStatus,
    Finding,
    FindingOutcome,
    GridPost,
    GridWorker,
    HouseholdChange,
    Leave,
    Post,
    ReservePerson,
    Visit,
)
from wangge.registry import visits as schedule
from wangge.registry.colouring import reasons_for_viewer
from wangge.registry.models import Colour
from wangge.registry.selectors import household_get_for, household_members_for
from wangge.registry.tags import SENSITIVE_TAGS, visible_tags
from wangge.territory.models import Area


def _q(actor: Any, capability: str, field_name: str = "area_path") -> Q:
    return reach_for(actor).filter(field_name, capability)


# --- the household card ---------------------------------------------------------------------

LAST_VISITS = 5


def household_card_for(actor: Any, number: str) -> dict[str, Any]:
    """What the phone shows of a household (and keeps offline): members
    masked, colour and reasons, the visit schedule, the last visits, open
    change requests, and the state token change requests send back.
    Audited: a copy of it leaves for a phone."""
    household = household_get_for(actor, number)
    reach = reach_for(actor)
    sensitive_ok = reach.allows(Capability.PERSON_VIEW_SENSITIVE, household.area_path)
    members = household_members_for(actor, household)
    today = timezone.localdate()
    status = schedule.status_of(household, today, schedule.intervals())
    visits = (
        Visit.objects.filter(household=household)
        .select_related("worker")
        .prefetch_related("duties")
        .order_by("-visited_at")[:LAST_VISITS]
    )
    changes = HouseholdChange.objects.filter(
        household=household, status__in=[ChangeStatus.PENDING, ChangeStatus.CONFLICT]
    ).order_by("-received_at")
    audit_record(actor=actor, action="household.card", obj=household, area_path=household.area_path)
    return {
        "number": household.number,
        "grid": {"code": household.grid.code, "name": household.grid.name},
        "address": household.address_masked,
        "lon": household.lon,
        "lat": household.lat,
        "colour": household.colour,
        "colour_label": Colour(household.colour).label,
        "reasons": reasons_for_viewer(household, sensitive_ok=sensitive_ok),
        "visit": {
            "state": status.state,
            "label": status.label,
            "last_visit_on": household.last_visit_on.isoformat()
            if household.last_visit_on
            else None,
            "due_on": status.due_on.isoformat(),
            "days_overdue": status.days_overdue,
        },
        "members": [_member(m, sensitive_ok, today) for m in members],
        "last_visits": [
            {
                "id": str(v.client_id),
                "at": v.visited_at.isoformat(),
                "worker": str(v.worker),
                "notes": v.notes[:200],
                "duties": [d.code for d in v.duties.all()],
            }
            for v in visits
        ],
        "changes_open": [
            {
                "id": str(c.client_id),
                "status": c.status,
                "proposed": [summary(e) for e in c.proposed],
            }
            for c in changes
        ],
        "disputes": _disputes(actor, household.pk),
        "state": household_state(household, members),
    }


def _disputes(actor: Any, household_id: int) -> list[dict[str, Any]]:
    """The household's unresolved disputes the actor may see (the ones
    that weigh on its colour): what the worker should know at the door."""
    rows = disputes_of_household(actor, household_id).filter(unresolved_q())[:10]
    return [
        {
            "number": d.number,
            "type": d.type,
            "type_label": d.get_type_display(),
            "risk": d.risk,
            "risk_label": d.get_risk_display(),
            "state": d.state,
            "state_label": d.get_state_display(),
            "level_label": d.get_level_display(),
            "summary": d.summary,
            "found_on": d.found_on.isoformat(),
        }
        for d in rows
    ]


def _member(m: Any, sensitive_ok: bool, today: dt.date) -> dict[str, Any]:
    p = m.person
    codes = {t.code for t in p.tags.all()}
    visible = [c for c in codes if sensitive_ok or c not in SENSITIVE_TAGS]
    age = None
    if p.birth_date:
        age = (
            today.year
            - p.birth_date.year
            - ((today.month, today.day) < (p.birth_date.month, p.birth_date.day))
        )
    return {
        "id": p.pk,
        "name": p.name,
        "relation": m.relation,
        "kind": m.kind,
        "gender": p.gender,
        "age": age,
        "id_masked": p.id_masked,
        "phone_masked": p.phone_masked,
        "is_away": p.is_away,
        "occupation": p.occupation,
        "education": p.education,
        "health_note": p.health_note,
        "tags": visible_tags(codes, sensitive_ok=sensitive_ok),
        "tag_codes": sorted(visible),
    }


# --- posts, leave, rotation -----------------------------------------------------------------


@dataclass
class GridLine:
    """A grid with its posts now, who is on duty, and who is away."""

    grid: Area
    a: GridPost | None = None
    b: GridPost | None = None
    duty_user_id: int | None = None
    duty_post: str = ""
    away: dict[int, Leave] = field(default_factory=dict)  # worker id → current leave

    @property
    def uncovered(self) -> bool:
        return (self.a is not None or self.b is not None) and self.duty_user_id is None


def posts_of_area_for(actor: Any, area: Area) -> list[GridLine]:
    """Every active grid under ``area`` (a village, zone or town) with its
    A and B posts, the worker on duty now, and current leave."""
    if not reach_for(actor).allows(Capability.GRIDWORK_VIEW, area.path):
        raise NotFound("区域")
    grids = list(
        Area.objects.filter(level="grid", is_active=True, path__prefix=area.path)
        .defer("geometry")
        .order_by("code")
    )
    posts = list(
        GridPost.objects.filter(grid__in=grids, ended_at__isnull=True).select_related(
            "worker__user"
        )
    )
    now = timezone.now()
    leaves = {
        leave.worker_id: leave
        for leave in Leave.objects.filter(
            worker_id__in={p.worker_id for p in posts}, starts_at__lte=now, ends_at__gt=now
        )
    }
    by_grid: dict[int, GridLine] = {g.pk: GridLine(g) for g in grids}
    for p in posts:
        line = by_grid[p.grid_id]
        if p.post == Post.A:
            line.a = p
        else:
            line.b = p
        if p.worker_id in leaves:
            line.away[p.worker_id] = leaves[p.worker_id]
    book = Book()
    book.add_posts(post_rows(Q(grid__in=grids, ended_at__isnull=True)))
    for leave in leaves.values():
        book.leaves[leave.worker_id].append((leave.starts_at, leave.ends_at))
    for line in by_grid.values():
        duty = book.on_duty(line.grid.pk, now)
        line.duty_user_id, line.duty_post = duty.user_id, duty.post
    return list(by_grid.values())


def workers_of_area_for(actor: Any, area: Area) -> QuerySet[GridWorker]:
    """Workers registered under ``area`` or holding a post there."""
    if not reach_for(actor).allows(Capability.GRIDWORK_VIEW, area.path):
        raise NotFound("区域")
    holding = GridPost.objects.filter(ended_at__isnull=True, area_path__prefix=area.path).values(
        "worker_id"
    )
    return (
        GridWorker.objects.filter(Q(area_path__prefix=area.path) | Q(pk__in=holding))
        .select_related("user", "area")
        .order_by("area__code", "user__username")
    )


def worker_get_for(actor: Any, worker_id: int) -> GridWorker:
    worker = GridWorker.objects.select_related("user", "area").filter(pk=worker_id).first()
    if worker is None:
        raise NotFound("网格员")
    reach = reach_for(actor)
    paths = [worker.area_path, *GridPost.objects.filter(worker=worker).values_list(
        "area_path", flat=True
    )]  # fmt: skip
    if not any(reach.allows(Capability.GRIDWORK_VIEW, p) for p in paths):
        raise NotFound("网格员")
    return worker


def worker_history(worker: GridWorker) -> dict[str, Any]:
    """A worker's posts over time (rotation) and leave, newest first."""
    return {
        "posts": list(
            GridPost.objects.filter(worker=worker)
            .select_related("grid", "started_by", "ended_by")
            .order_by("-started_at")
        ),
        "leaves": list(
            Leave.objects.filter(worker=worker).select_related("recorded_by").order_by("-starts_at")
        ),
    }


def rotation_history_for(actor: Any, area: Area, limit: int = 300) -> list[GridPost]:
    """Every post held in ``area``'s grids, open and closed, newest first."""
    if not reach_for(actor).allows(Capability.GRIDWORK_VIEW, area.path):
        raise NotFound("区域")
    return list(
        GridPost.objects.filter(area_path__prefix=area.path)
        .select_related("grid", "worker__user", "started_by", "ended_by")
        .order_by("-started_at", "-pk")[:limit]
    )


def current_duty(grid: Area) -> Any:
    return on_duty(grid.pk)


# --- reserve pool ---------------------------------------------------------------------------


def reserve_list_for(actor: Any, area: Area, status: str = "") -> QuerySet[ReservePerson]:
    if not reach_for(actor).allows(Capability.GRIDWORK_VIEW, area.path):
        raise NotFound("区域")
    qs = ReservePerson.objects.filter(
        _q(actor, Capability.GRIDWORK_VIEW), area_path__prefix=area.path
    ).select_related("village")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("area_path", "status", "name")


def reserve_get_for(actor: Any, pk: int) -> ReservePerson:
    found = ReservePerson.objects.filter(_q(actor, Capability.GRIDWORK_VIEW), pk=pk).first()
    if found is None:
        raise NotFound("后备人员")
    return found


# --- change requests ------------------------------------------------------------------------


def change_queue_for(actor: Any, area: Area, status: str = "open") -> QuerySet[HouseholdChange]:
    """Change requests of ``area``'s households the actor may review:
    open ones (conflicts first, then the oldest), or those of a status."""
    reach = reach_for(actor)
    if not reach.allows(Capability.PERSON_EDIT, area.path):
        raise NotFound("区域")
    qs = HouseholdChange.objects.filter(
        _q(actor, Capability.PERSON_EDIT), area_path__prefix=area.path
    ).select_related("household", "proposed_by", "decided_by")
    if status == "open":
        return qs.filter(status__in=[ChangeStatus.CONFLICT, ChangeStatus.PENDING]).order_by(
            "status",
            "received_at",  # "conflict" < "pending": conflicts first
        )
    return qs.filter(status=status).order_by("-decided_at", "-pk")


def change_get_for(actor: Any, pk: int) -> HouseholdChange:
    found = (
        HouseholdChange.objects.filter(_q(actor, Capability.PERSON_EDIT), pk=pk)
        .select_related("household__grid", "proposed_by", "decided_by", "visit")
        .prefetch_related(Prefetch("visit__duties"))
        .first()
    )
    if found is None:
        raise NotFound("变更申请")
    return found


# --- findings (发现问题) ----------------------------------------------------------------------


@dataclass(frozen=True)
class FindingFilter:
    outcome: str = ""  # FindingOutcome value, or all
    month: dt.date | None = None  # the first day of a month (local time), or all

    @classmethod
    def from_query(cls, query: Any) -> FindingFilter:
        """From a page's query string; a value that makes no sense is left out, not refused
        (an old bookmark should still open the page)."""
        outcome = query.get("outcome", "")
        month = None
        try:
            year, mon = (int(x) for x in query.get("month", "").split("-"))
            month = dt.date(year, mon, 1)
        except ValueError:
            pass
        return cls(outcome if outcome in FindingOutcome.values else "", month)


def findings_for(actor: Any, area: Area, f: FindingFilter) -> QuerySet[Finding]:
    """What grid workers found under ``area``, newest first: reported as a request, or handled
    on the spot (with the note)."""
    if not reach_for(actor).allows(Capability.GRIDWORK_VIEW, area.path):
        raise NotFound("区域")
    qs = Finding.objects.filter(_q(actor, Capability.GRIDWORK_VIEW), area_path__prefix=area.path)
    if f.outcome:
        qs = qs.filter(outcome=f.outcome)
    if f.month:
        start = timezone.make_aware(dt.datetime.combine(f.month, dt.time()))
        following = (f.month + dt.timedelta(days=32)).replace(day=1)
        end = timezone.make_aware(dt.datetime.combine(following, dt.time()))
        qs = qs.filter(found_at__gte=start, found_at__lt=end)
    return (
        qs.select_related("grid", "worker", "household", "request")
        .defer("grid__geometry")
        .order_by("-found_at", "-pk")
    )
