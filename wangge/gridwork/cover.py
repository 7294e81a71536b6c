"""Who serves a grid at a moment (AB岗): decided here and nowhere else.

- A grid's worker on duty is the holder of its **A** post, unless A is
  away — on leave at that moment, no longer active, or the post is empty —
  then the holder of its **B** post, unless B is away too; then nobody,
  and the grid's new matters go to its village committee (as routing sends
  anything a grid cannot take). A grid with no posts recorded at all is
  not "uncovered": field work is simply not set up there, and requests are
  routed as before, to the grid, with nobody named.
- A worker serves (``grids_served_by``) their A grids while not away, and
  the grids where they hold B while they are not away and that grid's A is.

Everything "for the grid worker" asks this module: the worker named on a
new request (``dispatch.services``, ``dispatch.flow``), the messages to them
(``dispatch.notices``), their queue and visits due (``gridwork.today``),
and reach — a covering B reaches A's grid for exactly as long as the cover
lasts (``accounts.reach``).

Asked about *now*, outside a transaction, it answers from a per-process
snapshot of the open posts and the leaves not yet over (``core.snapshot``,
as intake's reference data: at most ``MAX_AGE`` seconds old, dropped at
once by a write in this process), so intake and reach pay no query. Asked
about another moment, or inside a transaction, it reads the database.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db.models import Q
from django.utils import timezone

from wangge.core.snapshot import Snapshot
from wangge.gridwork.models import GridPost, GridWorker, Leave, Post

MAX_AGE = 10.0


class PostRow(NamedTuple):
    """One post as cover reads it (a tuple: a snapshot holds thousands)."""

    grid_id: int
    grid_path: str
    post: str
    worker_id: int
    user_id: int
    name: str
    active: bool
    started_at: dt.datetime
    ended_at: dt.datetime | None

    def held_at(self, at: dt.datetime) -> bool:
        return self.started_at <= at and (self.ended_at is None or at < self.ended_at)


@dataclass(frozen=True)
class OnDuty:
    """Who is on duty in a grid: ``user_id`` (None: nobody), which post
    they hold, and whether the grid has posts at all."""

    user_id: int | None
    name: str = ""
    post: str = ""
    has_posts: bool = False

    @property
    def uncovered(self) -> bool:
        """Posts exist but A and B are both away: the village takes over."""
        return self.has_posts and self.user_id is None

    def describe(self) -> str:
        """For a request's timeline: who is on duty at the grid."""
        if self.uncovered:
            return "(该网格A、B岗均不在岗)"
        if self.user_id is None:
            return ""
        return f"(值守网格员:{self.name}{'·B岗代岗' if self.post == Post.B else ''})"


@dataclass(frozen=True)
class Served:
    """A grid a worker serves at a moment, and as which post (``covering``:
    as B, because A is away)."""

    grid_id: int
    path: str
    post: str

    @property
    def covering(self) -> bool:
        return self.post == Post.B


@dataclass
class Book:
    """Posts and leaves, enough to answer for the grids and workers loaded."""

    posts: dict[int, list[PostRow]] = field(default_factory=lambda: defaultdict(list))
    by_user: dict[int, list[PostRow]] = field(default_factory=lambda: defaultdict(list))
    leaves: dict[int, list[tuple[dt.datetime, dt.datetime]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def add_posts(self, rows: Iterable[PostRow]) -> None:
        for row in rows:
            self.posts[row.grid_id].append(row)
            self.by_user[row.user_id].append(row)

    def away(self, row: PostRow, at: dt.datetime) -> bool:
        if not row.active:
            return True
        return any(start <= at < end for start, end in self.leaves.get(row.worker_id, ()))

    def holder(self, grid_id: int, post: str, at: dt.datetime) -> PostRow | None:
        for row in self.posts.get(grid_id, ()):
            if row.post == post and row.held_at(at):
                return row
        return None

    def on_duty(self, grid_id: int, at: dt.datetime) -> OnDuty:
        has_posts = any(row.held_at(at) for row in self.posts.get(grid_id, ()))
        for post in (Post.A, Post.B):
            row = self.holder(grid_id, post, at)
            if row is not None and not self.away(row, at):
                return OnDuty(row.user_id, row.name, post, True)
        return OnDuty(None, has_posts=has_posts)

    def served_by(self, user_id: int, at: dt.datetime) -> list[Served]:
        out: list[Served] = []
        for row in sorted(self.by_user.get(user_id, ()), key=lambda r: (r.post, r.grid_path)):
            if not row.held_at(at) or self.away(row, at):
                continue
            if row.post == Post.A:
                out.append(Served(row.grid_id, row.grid_path, Post.A))
                continue
            a = self.holder(row.grid_id, Post.A, at)
            if a is None or self.away(a, at):
                out.append(Served(row.grid_id, row.grid_path, Post.B))
        return out


_FIELDS = (
    "grid_id",
    "grid__path",
    "post",
    "worker_id",
    "worker__user_id",
    "worker__user__display_name",
    "worker__is_active",
    "started_at",
    "ended_at",
    "worker__user__username",
)


def post_rows(q: Q) -> list[PostRow]:
    """Posts matching ``q``, as cover reads them."""
    return [
        PostRow(grid_id, path, post, worker_id, user_id, shown or username, active, start, end)
        for (
            grid_id, path, post, worker_id, user_id, shown, active, start, end, username
        ) in GridPost.objects.filter(q).order_by().values_list(*_FIELDS)
    ]  # fmt: skip


def _held_at(at: dt.datetime) -> Q:
    return Q(started_at__lte=at) & (Q(ended_at__isnull=True) | Q(ended_at__gt=at))


def _build() -> Book:
    """Every open post and every leave not yet over (a leave that starts
    later is kept too: a snapshot is asked about the next few seconds)."""
    now = timezone.now()
    book = Book()
    book.add_posts(post_rows(Q(ended_at__isnull=True)))
    for worker_id, start, end in Leave.objects.filter(ends_at__gt=now).values_list(
        "worker_id", "starts_at", "ends_at"
    ):
        book.leaves[worker_id].append((start, end))
    return book


SNAPSHOT: Snapshot[Book] = Snapshot(_build, max_age=MAX_AGE)


def watch() -> None:
    SNAPSHOT.watch(GridPost, Leave, GridWorker)


def _snapshot_for(at: dt.datetime | None) -> tuple[Book | None, dt.datetime]:
    """The snapshot when asked about now (and not inside a transaction)."""
    if at is None:
        return SNAPSHOT.get(), timezone.now()
    return None, at


def _book_for_grids(grid_ids: list[int], at: dt.datetime) -> Book:
    book = Book()
    book.add_posts(post_rows(Q(grid_id__in=grid_ids) & _held_at(at)))
    _leaves_at(book, at)
    return book


def _book_for_user(user_id: int, at: dt.datetime) -> Book:
    """The user's posts at ``at`` and the A posts of the grids where they
    hold B (whose A's absence decides whether they cover)."""
    book = Book()
    own = post_rows(Q(worker__user_id=user_id) & _held_at(at))
    b_grids = [r.grid_id for r in own if r.post == Post.B]
    others = post_rows(Q(grid_id__in=b_grids, post=Post.A) & _held_at(at)) if b_grids else []
    book.add_posts(own + others)
    _leaves_at(book, at)
    return book


def _leaves_at(book: Book, at: dt.datetime) -> None:
    workers = {r.worker_id for rows in book.posts.values() for r in rows}
    if not workers:
        return
    for worker_id, start, end in Leave.objects.filter(
        worker_id__in=workers, starts_at__lte=at, ends_at__gt=at
    ).values_list("worker_id", "starts_at", "ends_at"):
        book.leaves[worker_id].append((start, end))


def _id(obj: Any) -> int:
    return int(getattr(obj, "pk", obj))


def on_duty(grid: Any, at: dt.datetime | None = None) -> OnDuty:
    """Who is on duty in ``grid`` (an Area or its id) at ``at`` (now)."""
    book, moment = _snapshot_for(at)
    grid_id = _id(grid)
    if book is None:
        book = _book_for_grids([grid_id], moment)
    return book.on_duty(grid_id, moment)


def serving(grid: Any, at: dt.datetime | None = None) -> Any:
    """The user serving ``grid`` at ``at`` (now): A unless A is away, then
    B; None if both are away (the village committee takes the grid's
    matters) or the grid has no posts."""
    from wangge.accounts.models import User

    duty = on_duty(grid, at)
    return User.objects.get(pk=duty.user_id) if duty.user_id is not None else None


def grids_served_by(user: Any, at: dt.datetime | None = None) -> list[Served]:
    """The grids ``user`` serves at ``at`` (now): their own A grids unless
    they are away, then the grids they cover as B (A away, they are not).
    Own A grids first, each list by grid path."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    book, moment = _snapshot_for(at)
    if book is None:
        book = _book_for_user(user.pk, moment)
    return book.served_by(user.pk, moment)


def covering_paths(user: Any, at: dt.datetime | None = None) -> list[str]:
    """Paths of the grids ``user`` covers as B at ``at`` (now): what reach
    adds to their own grants, for the cover's duration only."""
    return [s.path for s in grids_served_by(user, at) if s.covering]


def served_at(user: Any, grid_id: int, at: dt.datetime) -> bool:
    """Whether ``user`` served the grid at that past moment — so what a
    covering B recorded offline is accepted after the cover has ended."""
    return any(s.grid_id == grid_id for s in _book_for_user(user.pk, at).served_by(user.pk, at))
