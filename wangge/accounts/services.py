"""Writes about users, units and roles, and signing in."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from wangge.accounts.models import RoleAssignment, Unit, User
from wangge.accounts.reach import forget_reach, reach_for
from wangge.accounts.roles import ROLE_LEVELS, Capability, Role
from wangge.audit.services import audit_record
from wangge.core.errors import DomainError, NotFound, PermissionDenied
from wangge.territory.models import Area

_INVALID = "用户名或密码错误"


def login_attempt(*, username: str, password: str) -> User:
    """Check a sign-in and count failures.

    After ``WANGGE_LOGIN_MAX_FAILURES`` failures in a row the account is locked
    for ``WANGGE_LOGIN_LOCK_MINUTES``; while locked even the right password is
    refused. Unknown usernames and wrong passwords get the same answer.
    Every failure and lock is audited; the counter is updated under a row
    lock so parallel guesses cannot slip past the limit.
    """
    now = timezone.now()
    error: DomainError | None = None
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=username).first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing hint
            error = DomainError("login.invalid", _INVALID)
            audit_record(
                actor=None,
                action="auth.login_failed",
                object_type="accounts.user",
                object_label=username[:150],
                changes={"reason": "unknown_user"},
            )
        elif user.locked_until and user.locked_until > now:
            error = _locked_error(user.locked_until)
            audit_record(actor=user, action="auth.login_refused_locked", obj=user)
        elif not (user.check_password(password) and user.is_active):
            user.failed_logins += 1
            changes: dict[str, Any] = {"failures": user.failed_logins}
            if user.failed_logins >= settings.WANGGE_LOGIN_MAX_FAILURES:
                user.locked_until = now + dt.timedelta(minutes=settings.WANGGE_LOGIN_LOCK_MINUTES)
                user.failed_logins = 0
                changes["locked_until"] = user.locked_until.isoformat()
                error = _locked_error(user.locked_until)
            else:
                error = DomainError("login.invalid", _INVALID)
            user.save(update_fields=["failed_logins", "locked_until"])
            audit_record(actor=user, action="auth.login_failed", obj=user, changes=changes)
        else:
            if user.failed_logins or user.locked_until:
                user.failed_logins = 0
                user.locked_until = None
                user.save(update_fields=["failed_logins", "locked_until"])
            audit_record(actor=user, action="auth.login", obj=user)
    if error is not None:
        raise error
    assert user is not None
    return user


def _locked_error(until: dt.datetime) -> DomainError:
    local = timezone.localtime(until).strftime("%H:%M")
    return DomainError(
        "login.locked", f"登录失败次数过多,账号已锁定,请于 {local} 后再试或联系管理员", until=local
    )


def user_unlock(*, actor: User, user: User) -> None:
    _require_user_manager(actor, user)
    with transaction.atomic():
        user.failed_logins = 0
        user.locked_until = None
        user.save(update_fields=["failed_logins", "locked_until"])
        audit_record(actor=actor, action="user.unlock", obj=user)


def user_create(
    *, actor: User | None, username: str, display_name: str = "", password: str | None = None
) -> User:
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise DomainError("conflict", f"用户名 {username} 已存在")
        user = User(username=username, display_name=display_name)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        audit_record(
            actor=actor, action="user.create", obj=user, changes={"display_name": display_name}
        )
    return user


def role_grant(
    *, actor: User | None, user: User, role: str, area: Area, unit: Unit | None = None
) -> RoleAssignment:
    """Give ``user`` a role at ``area``. The area must be of a level the role
    may be held at; department staff need a department unit in that county.
    ``actor`` None is the system (the demo seeder); otherwise the actor must
    manage users at that area."""
    if actor is not None and not reach_for(actor).allows(Capability.USER_MANAGE, area.path):
        raise NotFound("区域")
    if role not in Role.values:
        raise DomainError("invalid", f"未知角色:{role}")
    if area.level not in ROLE_LEVELS[role]:
        allowed = "、".join(sorted(ROLE_LEVELS[role]))
        raise DomainError(
            "role.level", f"{Role(role).label}只能设在以下层级:{allowed}", level=area.level
        )
    if role == Role.DEPARTMENT_STAFF and (
        unit is None or unit.kind != "department" or unit.area_id != area.pk
    ):
        raise DomainError("role.unit", "职能部门工作人员须指定本县区的职能部门")
    with transaction.atomic():
        assignment, created = RoleAssignment.objects.get_or_create(
            user=user, role=role, area=area, defaults={"unit": unit}
        )
        if not created and (
            not assignment.is_active or assignment.unit_id != getattr(unit, "pk", None)
        ):
            assignment.is_active = True
            assignment.unit = unit
            assignment.save(update_fields=["is_active", "unit"])
        audit_record(
            actor=actor,
            action="role.grant",
            obj=user,
            area_path=area.path,
            changes={"role": role, "area": area.code, "unit": getattr(unit, "code", None)},
        )
    forget_reach(user)
    return assignment


def role_revoke(*, actor: User | None, assignment: RoleAssignment) -> None:
    """Take a role away. ``actor`` None is the system (e.g. a grid post
    ending, which its own service checked and audited)."""
    if actor is not None and not reach_for(actor).allows(
        Capability.USER_MANAGE, assignment.area.path
    ):
        raise NotFound("角色分配")
    with transaction.atomic():
        assignment.is_active = False
        assignment.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action="role.revoke",
            obj=assignment.user,
            area_path=assignment.area.path,
            changes={"role": assignment.role, "area": assignment.area.code},
        )
    forget_reach(assignment.user)


def _require_user_manager(actor: User, user: User) -> None:
    reach = reach_for(actor)
    if not reach.has(Capability.USER_MANAGE):
        raise PermissionDenied()
    paths = [a.area.path for a in user.assignments.select_related("area")]
    if paths and not all(reach.allows(Capability.USER_MANAGE, p) for p in paths):
        raise NotFound("用户")
