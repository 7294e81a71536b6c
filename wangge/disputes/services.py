"""Writes to disputes: register a case with its parties, then each step —
a mediation session, an agreement, a new risk assessment, escalation up
the ladder, the outcome, follow-up visits — by the right people at the
right level (``wangge.disputes.ladder``).

Concurrency: every step is one conditional UPDATE on the dispute's
``version`` (and state) inside the step's transaction; of two people acting
at once exactly one wins, the other is told the case has just changed and
nothing of theirs is written. Each step writes its timeline line and an
audit record, and recolours the parties' households when it changes
whether the dispute still weighs on them (see ``models.unresolved_q``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability
from wangge.audit.services import audit_record
from wangge.core.errors import DomainError, NotFound, PermissionDenied
from wangge.core.numbering import next_seq
from wangge.dispatch.selectors import request_get_for
from wangge.disputes.ladder import (
    FOLLOW_UP_DAYS,
    level_path,
    may_act,
    may_follow_up,
    may_see,
    next_level,
)
from wangge.disputes.models import (
    LADDER,
    Agreement,
    AgreementPhoto,
    Dispute,
    DisputeCounter,
    DisputeEvent,
    DisputeType,
    FollowUp,
    FollowUpResult,
    FoundVia,
    Level,
    Outcome,
    Party,
    Risk,
    State,
    StepResult,
)
from wangge.disputes.parties import PartyIn, parties_resolve
from wangge.registry import pii
from wangge.registry.colouring import recolour_households
from wangge.registry.keys import keyring
from wangge.territory.models import Area

_CONFLICT = "该矛盾纠纷刚被他人处理,请刷新后再试"
MAX_TEXT = 2000


def _text(value: str, code: str, message: str, *, at_least: int = 4) -> str:
    value = (value or "").strip()
    if len(value) < at_least:
        raise DomainError(code, message)
    if len(value) > MAX_TEXT:
        raise DomainError(code, f"内容过长(不超过 {MAX_TEXT} 字)")
    return value


def _households(dispute: Dispute) -> list[int]:
    return sorted(
        set(
            Party.objects.filter(dispute=dispute, household__isnull=False).values_list(
                "household_id", flat=True
            )
        )
    )


def _recolour(dispute: Dispute) -> None:
    ids = _households(dispute)
    if ids:
        recolour_households(ids)


def dispute_register(
    *,
    actor: Any,
    grid_code: str,
    dispute_type: str,
    risk: str,
    summary: str,
    parties: Sequence[PartyIn],
    found_via: str,
    description: str = "",
    found_on: dt.date | None = None,
    request_number: str = "",
    level: str = Level.GRID,
) -> Dispute:
    """Register a dispute found in a grid, with its parties. Mediation
    starts at ``level`` (the grid unless said), which the actor must be
    able to mediate at. Bad input changes nothing."""
    grid = Area.objects.filter(code=grid_code.strip(), level="grid", is_active=True).first()
    if grid is None:
        raise NotFound("网格")
    reach = reach_for(actor)
    if not reach.allows(Capability.DISPUTE_VIEW, grid.path):
        raise NotFound("网格")
    if level not in LADDER:
        raise DomainError("dispute.level", "调处层级无效")
    if not reach.allows(Capability.DISPUTE_MEDIATE, level_path(grid.path, level)):
        raise PermissionDenied(f"您不能在{Level(level).label}层级登记矛盾纠纷")
    if dispute_type not in DisputeType.values:
        raise DomainError("dispute.type", "请选择纠纷类型")
    if risk not in Risk.values:
        raise DomainError("dispute.risk", "请选择风险等级")
    if found_via not in FoundVia.values:
        raise DomainError("dispute.found_via", "请选择发现途径")
    summary = _text(summary, "dispute.summary", "请填写纠纷简述(一句话,至少 4 个字)")
    if len(summary) > 100:
        raise DomainError("dispute.summary", "纠纷简述不超过 100 字")
    description = (description or "").strip()
    if len(description) > MAX_TEXT:
        raise DomainError("dispute.description", f"基本情况不超过 {MAX_TEXT} 字")
    today = timezone.localdate()
    found_on = found_on or today
    if found_on > today:
        raise DomainError("dispute.found_on", "发现日期不能晚于今天")
    request = None
    if request_number.strip():
        request = request_get_for(actor, request_number.strip())
    resolved = parties_resolve(actor, parties)
    now = timezone.now()
    year = timezone.localtime(now).year  # the county's year, not UTC's
    with transaction.atomic():
        seq = next_seq(DisputeCounter, grid.county_code, year, "dispute.number")
        number = f"JF{grid.county_code}-{year}-{seq:05d}"
        dispute = Dispute.objects.create(
            number=number,
            county_code=grid.county_code,
            year=year,
            seq=seq,
            type=dispute_type,
            risk=risk,
            level=level,
            summary=summary,
            description=description,
            grid=grid,
            area_path=grid.path,
            found_via=found_via,
            found_on=found_on,
            found_by=actor if getattr(actor, "is_authenticated", False) else None,
            request=request,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            created_at=now,
            updated_at=now,
        )
        for p in resolved:
            p.dispute = dispute
        Party.objects.bulk_create(resolved)
        DisputeEvent.objects.create(
            dispute=dispute,
            at=now,
            actor=_user(actor),
            action="register",
            level=level,
            note=f"登记{DisputeType(dispute_type).label},{Risk(risk).label}:{summary}",
            state_after=State.OPEN,
        )
        audit_record(
            actor=actor,
            action="dispute.register",
            obj=dispute,
            area_path=grid.path,
            changes={
                "type": dispute_type,
                "risk": risk,
                "level": level,
                "parties": len(resolved),
                "request": request.number if request else "",
            },
        )
        _recolour(dispute)
    return dispute


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _require_level(actor: Any, dispute: Dispute) -> None:
    if not may_see(actor, dispute):
        raise NotFound("矛盾纠纷")
    if not may_act(actor, dispute):
        raise PermissionDenied(f"该纠纷现由{Level(dispute.level).label}调处,您不能办理")


def _require_follow_up(actor: Any, dispute: Dispute) -> None:
    if not may_see(actor, dispute):
        raise NotFound("矛盾纠纷")
    if not may_follow_up(actor, dispute):
        raise PermissionDenied("您不能回访该矛盾纠纷")


def _step(
    dispute: Dispute,
    *,
    actor: Any,
    expected: set[str],
    action: str,
    note: str,
    audit: dict[str, Any] | None = None,
    recolour: bool = False,
    event: dict[str, Any] | None = None,
    **changes: Any,
) -> tuple[Dispute, DisputeEvent]:
    """Move the dispute one step if it is still in an expected state at the
    version the caller read; write its timeline line and audit record (and
    recolour its households when asked) in the same transaction. Callers
    wanting more writes in that transaction wrap the call in their own."""
    if dispute.state not in expected:
        raise DomainError(
            "dispute.state", f"该纠纷当前为“{State(dispute.state).label}”,不能执行此操作"
        )
    now = timezone.now()
    with transaction.atomic():
        moved = Dispute.objects.filter(
            pk=dispute.pk, version=dispute.version, state__in=expected
        ).update(version=F("version") + 1, updated_at=now, **changes)
        if not moved:
            raise DomainError("conflict", _CONFLICT)
        dispute.refresh_from_db()
        line = DisputeEvent.objects.create(
            dispute=dispute,
            at=now,
            actor=_user(actor),
            action=action,
            level=dispute.level,
            note=note,
            state_after=dispute.state,
            **(event or {}),
        )
        audit_record(
            actor=actor,
            action=f"dispute.{action}",
            obj=dispute,
            area_path=dispute.area_path,
            changes=audit or {},
        )
        if recolour:
            _recolour(dispute)
    return dispute, line


def dispute_mediate(
    *,
    actor: Any,
    dispute: Dispute,
    mediators: str,
    note: str,
    result: str,
    held_at: dt.datetime | None = None,
) -> Dispute:
    """Record a mediation session: when, who mediated, what was done, how
    it ended."""
    _require_level(actor, dispute)
    mediators = _text(mediators, "dispute.mediators", "请填写调解人员", at_least=2)[:200]
    note = _text(note, "dispute.note", "请写明调解经过(至少 4 个字)")
    if result not in StepResult.values:
        raise DomainError("dispute.result", "请选择本次调解结果")
    now = timezone.now()
    held_at = held_at or now
    if held_at > now + dt.timedelta(minutes=5):
        raise DomainError("dispute.held_at", "调解时间不能晚于现在")
    if timezone.localtime(held_at).date() < dispute.found_on:
        raise DomainError("dispute.held_at", "调解时间不能早于发现日期")
    return _step(
        dispute,
        actor=actor,
        expected={State.OPEN},
        action="mediate",
        note=note,
        event={"held_at": held_at, "mediators": mediators, "result": result},
        audit={"result": result},
    )[0]


def dispute_agreement(
    *,
    actor: Any,
    dispute: Dispute,
    text: str,
    signed_on: dt.date,
    photos: Sequence[Any] = (),
) -> Agreement:
    """Record a signed mediation agreement (photos already prepared by
    ``wangge.dispatch.photos.prepare``: checked, shrunk, without EXIF)."""
    _require_level(actor, dispute)
    text = _text(text, "dispute.agreement", "请填写协议内容(至少 10 个字)", at_least=10)
    if signed_on > timezone.localdate():
        raise DomainError("dispute.signed_on", "签订日期不能晚于今天")
    if signed_on < dispute.found_on:
        raise DomainError("dispute.signed_on", "签订日期不能早于发现日期")
    with transaction.atomic():
        _step(
            dispute,
            actor=actor,
            expected={State.OPEN, State.FOLLOW_UP},
            action="agreement",
            note=f"签订调解协议({signed_on:%Y-%m-%d}):{text[:200]}",
            audit={"signed_on": signed_on.isoformat(), "photos": len(photos)},
        )
        agreement = Agreement.objects.create(
            dispute=dispute, text=text, signed_on=signed_on, recorded_by=_user(actor)
        )
        _attach(agreement, photos)
    return agreement


def _attach(agreement: Agreement, photos: Sequence[Any]) -> None:
    for p in photos:
        photo = AgreementPhoto(
            agreement=agreement, width=p.width, height=p.height, size=len(p.data)
        )
        photo.file.save(f"{uuid.uuid4().hex}.jpg", ContentFile(p.data), save=False)
        photo.save()


def dispute_escalate(*, actor: Any, dispute: Dispute, reason: str, to_level: str = "") -> Dispute:
    """Hand the case up the ladder (网格 → 村调委会 → 镇司法所): to the next
    level, or straight to a higher one (a high-risk case to the town)."""
    _require_level(actor, dispute)
    here = LADDER.index(dispute.level)
    target = to_level or next_level(dispute.level)
    if target is None:
        raise DomainError(
            "dispute.escalate", "已在镇司法所调处;调解不成的,请登记化解结果(如转入诉讼)"
        )
    if target not in LADDER or LADDER.index(target) <= here:
        raise DomainError("dispute.escalate", "只能上报到更高层级")
    reason = _text(reason, "dispute.reason", "请写明上报理由(至少 4 个字)")
    return _step(
        dispute,
        actor=actor,
        expected={State.OPEN},
        action="escalate",
        note=f"由{Level(dispute.level).label}上报{Level(target).label}:{reason}",
        audit={"from": dispute.level, "to": target},
        level=target,
    )[0]


def dispute_reassess(*, actor: Any, dispute: Dispute, risk: str, reason: str) -> Dispute:
    """Assess the risk anew (a quarrel turning threatening, or calming):
    while mediating, by those mediating; after an outcome, by those who
    visit. High risk makes the households red while it weighs on them."""
    if dispute.state == State.FOLLOW_UP:
        _require_follow_up(actor, dispute)
    else:
        _require_level(actor, dispute)
    if risk not in Risk.values:
        raise DomainError("dispute.risk", "请选择风险等级")
    if risk == dispute.risk:
        raise DomainError("dispute.risk", "风险等级没有变化")
    reason = _text(reason, "dispute.reason", "请写明调整理由(至少 4 个字)")
    return _step(
        dispute,
        actor=actor,
        expected={State.OPEN, State.FOLLOW_UP},
        action="reassess",
        note=f"风险等级由{Risk(dispute.risk).label}调整为{Risk(risk).label}:{reason}",
        audit={"from": dispute.risk, "to": risk},
        recolour=True,
        risk=risk,
    )[0]


def dispute_party_add(*, actor: Any, dispute: Dispute, party: PartyIn) -> Party:
    """A party found later in the mediation."""
    _require_level(actor, dispute)
    made = parties_resolve(actor, [party])[0]
    if made.person_id and dispute.parties.filter(person_id=made.person_id).exists():
        raise DomainError("dispute.parties", "该人员已是当事人")
    made.dispute = dispute
    with transaction.atomic():
        _step(
            dispute,
            actor=actor,
            expected={State.OPEN},
            action="party",
            note=f"增加当事人:{made.name}({made.get_side_display()})",
            audit={"party_kind": made.kind, "linked": bool(made.household_id)},
        )
        made.save()
        _recolour(dispute)
    return made


def dispute_conclude(*, actor: Any, dispute: Dispute, outcome: str, note: str) -> Dispute:
    """Record how mediation ended. Follow-up visits fall due after it
    (``FOLLOW_UP_DAYS``). A full settlement stops weighing on the
    households at once; anything less weighs until the last follow-up
    finds it calm."""
    _require_level(actor, dispute)
    if outcome not in Outcome.values:
        raise DomainError("dispute.outcome", "请选择化解结果")
    note = _text(note, "dispute.note", "请写明化解情况(至少 4 个字)")
    if (
        outcome in (Outcome.SETTLED, Outcome.PARTIAL)
        and not dispute.events.filter(action="mediate").exists()
    ):
        raise DomainError("dispute.outcome", "尚无调解记录,请先记录调解过程")
    today = timezone.localdate()
    with transaction.atomic():
        done, _line = _step(
            dispute,
            actor=actor,
            expected={State.OPEN},
            action="conclude",
            note=f"{Outcome(outcome).label}:{note}",
            audit={"outcome": outcome},
            recolour=True,
            state=State.FOLLOW_UP,
            outcome=outcome,
            outcome_note=note,
            concluded_at=timezone.now(),
        )
        FollowUp.objects.bulk_create(
            [FollowUp(dispute=done, due_on=today + dt.timedelta(days=d)) for d in FOLLOW_UP_DAYS]
        )
    return done


def dispute_follow_up(*, actor: Any, dispute: Dispute, stable: bool, note: str) -> Dispute:
    """Record the next follow-up visit. Calm after the last one: the case
    is closed. Flared up again: it is reopened for mediation at the level
    that had it, the remaining visits dropped."""
    _require_follow_up(actor, dispute)
    note = _text(note, "dispute.note", "请写明回访情况(至少 4 个字)")
    pending = list(dispute.follow_ups.filter(done_at__isnull=True, cancelled=False))
    if not pending:
        raise DomainError("dispute.follow_up", "没有待回访的记录")
    visit = pending[0]
    now = timezone.now()
    result = FollowUpResult.STABLE if stable else FollowUpResult.RELAPSE
    changes: dict[str, Any]
    if not stable:
        changes = {"state": State.OPEN, "outcome": "", "concluded_at": None}
        line = f"回访:矛盾反复,重新调解。{note}"
    elif len(pending) == 1:
        changes = {"state": State.CLOSED, "closed_at": now}
        line = f"回访:情况稳定,结案。{note}"
    else:
        changes = {}
        line = f"回访:情况稳定。{note}"
    with transaction.atomic():
        done, _event = _step(
            dispute,
            actor=actor,
            expected={State.FOLLOW_UP},
            action="follow_up",
            note=line,
            audit={"result": result, "due_on": visit.due_on.isoformat()},
            recolour=bool(changes),
            **changes,
        )
        FollowUp.objects.filter(pk=visit.pk, done_at__isnull=True).update(
            done_at=now, done_by=_user(actor), result=result, note=note
        )
        if not stable:
            FollowUp.objects.filter(dispute=done, done_at__isnull=True).update(cancelled=True)
    return done


REVEALABLE = {"phone": "联系电话", "id_number": "身份证号"}


def party_reveal(*, actor: Any, party: Party, field: str, reason: str) -> str:
    """The full phone or ID number of an outsider party, for someone who
    may see the dispute and reveal personal data there, with a reason.
    Audited with the reason, never the value. Registry people are revealed
    on their own page."""
    dispute = party.dispute
    if not may_see(actor, dispute):
        raise NotFound("当事人")
    if not reach_for(actor).allows(Capability.PERSON_REVEAL, dispute.area_path):
        raise PermissionDenied()
    if field not in REVEALABLE:
        raise DomainError("reveal.field", "该信息不能查看")
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise DomainError("reveal.reason", "请说明查看完整信息的事由")
    token = party.phone_enc if field == "phone" else party.id_enc
    if not token:
        raise DomainError("reveal.empty", f"未登记{REVEALABLE[field]}")
    value = pii.decrypt(keyring(), token)
    audit_record(
        actor=actor,
        action="dispute.party_reveal",
        obj=dispute,
        reason=reason,
        area_path=dispute.area_path,
        changes={"party": party.pk, "field": field},
    )
    return value
