"""Field work for the demo: every demo grid worker registered, holding the
A post of their grid and the B post of a neighbouring one (the next grid
of the village, the village's last grid taking the first's; a village of
one grid pairs with the next village of its town), a few of them on leave
now, and a reserve pool in every village.

Deterministic, and a second run adds nothing. Visits and patrols over a
year are another step's business (issue 6, item 8).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from typing import Any

from django.utils import timezone

from wangge.accounts.models import RoleAssignment, User
from wangge.accounts.roles import Role
from wangge.audit.services import audit_record
from wangge.demo.people import demo_name
from wangge.gridwork.models import (
    GridPost,
    GridWorker,
    Leave,
    LeaveKind,
    Post,
    ReservePerson,
    ReserveStatus,
    ReserveTrack,
    WorkerKind,
)
from wangge.registry import pii
from wangge.registry.keys import keyring
from wangge.territory.models import Area

# Grids whose workers the walkthroughs and tests use as "the usual grid
# worker at work": never put on leave by the demo.
SHOWCASE_VILLAGE = "611022109223"  # 商镇保定村
LEAVE_EVERY = 37  # about one worker in 37 is away today
_EDUCATION = ("高中", "中专", "大专", "本科")
_SKILLS = ("熟悉电脑操作", "会开车", "懂调解", "种植养殖能手", "退役军人", "擅长宣传写作")


def _h(key: str) -> int:
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")


def _phone(key: str) -> str:
    return f"1{3 + _h('p' + key) % 7}{_h('n' + key) % 10**9:09d}"


def _village_of(grid: Area, areas: dict[int, Area]) -> Area:
    parent = areas[grid.parent_id] if grid.parent_id else grid
    return areas[parent.parent_id] if parent.level == "zone" and parent.parent_id else parent


def seed_gridwork(counties: list[str]) -> dict[str, int]:
    """Workers, A/B posts, leave and the reserve pool for the demo grid
    workers of ``counties`` (the users ``wg<grid code>``)."""
    areas = {
        a.pk: a
        for a in Area.objects.filter(county_code__in=counties, is_active=True).defer("geometry")
    }
    grids = sorted((a for a in areas.values() if a.level == "grid"), key=lambda a: a.code)
    users = {
        u.username: u for u in User.objects.filter(username__in=[f"wg{g.code}" for g in grids])
    }
    holding = set(
        RoleAssignment.objects.filter(role=Role.GRID_WORKER, is_active=True).values_list(
            "user_id", "area_id"
        )
    )
    grids = [g for g in grids if (getattr(users.get(f"wg{g.code}"), "pk", None), g.pk) in holding]
    made = {"workers": 0, "posts": 0, "leaves": 0, "reserve": 0}
    existing = set(GridWorker.objects.values_list("user_id", flat=True))
    ring = keyring()
    new_workers = []
    for g in grids:
        user = users[f"wg{g.code}"]
        if user.pk in existing:
            continue
        village = _village_of(g, areas)
        phone = _phone(g.code)
        new_workers.append(
            GridWorker(
                user=user,
                kind=WorkerKind.PART_TIME if _h(g.code) % 5 == 0 else WorkerKind.FULL_TIME,
                area=village,
                area_path=village.path,
                county_code=village.county_code,
                phone_enc=pii.encrypt(ring, phone),
                phone_index=pii.blind_index(ring, "phone", phone),
                phone_masked=pii.mask_phone(phone),
            )
        )
    GridWorker.objects.bulk_create(new_workers, batch_size=1000)
    made["workers"] = len(new_workers)
    workers = {w.user_id: w for w in GridWorker.objects.filter(user__in=users.values())}
    by_grid = {g.pk: workers[users[f"wg{g.code}"].pk] for g in grids}
    made["posts"] = _posts(grids, areas, by_grid)
    made["leaves"] = _leaves(grids, by_grid)
    made["reserve"] = _reserve(areas)
    if any(made.values()):
        audit_record(
            actor=None,
            action="demo.seed_gridwork",
            object_type="demo",
            object_id=",".join(counties),
            changes=made,
        )
    return made


def gridwork_line(made: dict[str, int]) -> str:
    return (
        f"网格员:新登记 {made['workers']} 人,AB岗 {made['posts']} 个,"
        f"今日请假外出 {made['leaves']} 人,后备队伍 {made['reserve']} 人"
    )


def _neighbours(grids: list[Area], areas: dict[int, Area]) -> dict[int, int]:
    """grid id → the grid whose worker holds its B post."""
    by_village: dict[int, list[Area]] = defaultdict(list)
    for g in grids:
        by_village[_village_of(g, areas).pk].append(g)
    villages = sorted(by_village, key=lambda v: areas[v].code)
    out: dict[int, int] = {}
    for i, v in enumerate(villages):
        own = by_village[v]
        if len(own) > 1:
            for j, g in enumerate(own):
                out[g.pk] = own[(j + 1) % len(own)].pk
            continue
        # One grid: the first grid of the next village of the same town.
        town = areas[v].parent_id
        later = [w for w in villages[i + 1 :] + villages[:i] if areas[w].parent_id == town]
        if later:
            out[own[0].pk] = by_village[later[0]][0].pk
    return out


def _posts(grids: list[Area], areas: dict[int, Area], by_grid: dict[int, GridWorker]) -> int:
    have = set(
        GridPost.objects.filter(grid__in=grids, ended_at__isnull=True).values_list(
            "grid_id", "post"
        )
    )
    # A year ago: the posts have history enough for the figures to come.
    since = timezone.now() - dt.timedelta(days=365)
    rows = []
    neighbour = _neighbours(grids, areas)
    for g in grids:
        for post, worker in (
            (Post.A, by_grid[g.pk]),
            (Post.B, by_grid.get(neighbour.get(g.pk, -1))),
        ):
            if worker is None or (g.pk, post) in have:
                continue
            rows.append(
                GridPost(
                    grid=g,
                    post=post,
                    worker=worker,
                    area_path=g.path,
                    county_code=g.county_code,
                    started_at=since,
                    note="演示数据:初始岗位",
                )
            )
    GridPost.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _leaves(grids: list[Area], by_grid: dict[int, GridWorker]) -> int:
    """A few workers away now — never both posts of one grid, never the
    showcase village's."""
    workers = list(by_grid.values())
    if Leave.objects.filter(worker__in=workers).exists():
        return 0
    b_of = dict(
        GridPost.objects.filter(grid__in=grids, post=Post.B, ended_at__isnull=True).values_list(
            "grid_id", "worker_id"
        )
    )
    # The A workers of the grids each worker covers as B.
    covers: dict[int, list[int]] = defaultdict(list)
    for grid_id, b in b_of.items():
        covers[b].append(by_grid[grid_id].pk)
    now = timezone.now()
    away: set[int] = set()
    stay: set[int] = set()
    rows = []
    for g in grids:
        worker = by_grid[g.pk]
        if g.code.startswith(SHOWCASE_VILLAGE) or _h("leave" + g.code) % LEAVE_EVERY:
            continue
        if worker.pk in stay or b_of.get(g.pk) in away or any(a in away for a in covers[worker.pk]):
            continue
        away.add(worker.pk)
        stay.add(b_of.get(g.pk, -1))
        stay.update(covers[worker.pk])
        days = 1 + _h("days" + g.code) % 5
        kind = (LeaveKind.LEAVE, LeaveKind.AWAY, LeaveKind.TRAINING)[_h("kind" + g.code) % 3]
        reason = {"leave": "家中有事", "away": "外出办事", "training": "参加县网格员培训"}[kind]
        start = now - dt.timedelta(hours=2)
        rows.append(
            Leave(
                worker=worker,
                kind=kind,
                starts_at=start,
                ends_at=start + dt.timedelta(days=days),
                planned_ends_at=start + dt.timedelta(days=days),
                reason=reason,
            )
        )
    Leave.objects.bulk_create(rows)
    return len(rows)


def _reserve(areas: dict[int, Area]) -> int:
    villages = sorted((a for a in areas.values() if a.level == "village"), key=lambda a: a.code)
    have = set(ReservePerson.objects.values_list("village_id", flat=True))
    ring = keyring()
    this_year = timezone.localdate().year
    rows: list[Any] = []
    for v in villages:
        if v.pk in have:
            continue
        for n in range(_h("reserve" + v.code) % 3 + 1):
            key = f"reserve{v.code}{n}"
            phone = _phone(key)
            status = (ReserveStatus.CANDIDATE, ReserveStatus.CANDIDATE, ReserveStatus.TRAINING)[
                _h("s" + key) % 3
            ]
            rows.append(
                ReservePerson(
                    name=demo_name(key),
                    gender="MF"[_h("g" + key) % 2],
                    birth_year=this_year - 22 - _h("a" + key) % 25,
                    phone_enc=pii.encrypt(ring, phone),
                    phone_index=pii.blind_index(ring, "phone", phone),
                    phone_masked=pii.mask_phone(phone),
                    village=v,
                    area_path=v.path,
                    county_code=v.county_code,
                    education=_EDUCATION[_h("e" + key) % len(_EDUCATION)],
                    political_status="中共党员" if _h("p" + key) % 3 == 0 else "群众",
                    skills=_SKILLS[_h("k" + key) % len(_SKILLS)],
                    track=ReserveTrack.VILLAGE_CADRE if n == 2 else ReserveTrack.GRID_WORKER,
                    status=status,
                    notes="演示数据",
                )
            )
    ReservePerson.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
