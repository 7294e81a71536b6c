"""Roles, where each may be held, and what each may do.

A role is held at an area and reaches that area's whole subtree. What it may
*do* there is a set of capabilities; later parts add capabilities (dispatch,
sign, approve...) to this table, not checks scattered through views.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    GRID_WORKER = "grid_worker", "网格员"
    ZONE_HEAD = "zone_head", "片长"
    VILLAGE_SECRETARY = "village_secretary", "村(社区)书记"
    TOWN_DISPATCHER = "town_dispatcher", "镇街调度员"
    JUDICIAL_OFFICER = "judicial_officer", "司法所工作人员"
    DEPARTMENT_STAFF = "department_staff", "职能部门工作人员"
    COMMAND_CENTRE = "command_centre", "指挥中心"
    ORGANISATION_STAFF = "organisation_staff", "组织部工作人员"
    ADMINISTRATOR = "administrator", "系统管理员"


class Capability(models.TextChoices):
    AREA_VIEW = "area.view", "查看区域"
    AREA_EDIT = "area.edit", "修改区域信息"
    AUDIT_VIEW = "audit.view", "查看审计日志"
    USER_MANAGE = "user.manage", "管理用户与角色"
    PERSON_VIEW = "person.view", "查看人口信息(脱敏)"
    PERSON_EDIT = "person.edit", "维护人口信息"
    PERSON_REVEAL = "person.reveal", "查看完整个人信息(需说明事由)"
    PERSON_VIEW_SENSITIVE = "person.view_sensitive", "查看特殊人群标签"
    PERSON_EXPORT = "person.export", "导出人口信息"
    PERSON_IMPORT = "person.import", "导入人口信息"
    DISPUTE_VIEW = "dispute.view", "查看矛盾纠纷"
    DISPUTE_MEDIATE = "dispute.mediate", "登记、调解矛盾纠纷"
    TASK_VIEW = "task.view", "查看交办任务"
    TASK_ASSIGN = "task.assign", "交办任务"
    TASK_DO = "task.do", "办理交办任务"
    # Field work (wangge.gridwork): recording visits and patrols; seeing the
    # grid workers, posts and leave of an area; recording leave; appointing
    # posts and keeping the reserve pool.
    FIELD_WORK = "field.work", "入户走访与巡查"
    GRIDWORK_VIEW = "gridwork.view", "查看网格员与AB岗"
    GRIDWORK_LEAVE = "gridwork.leave", "登记网格员请假外出"
    GRIDWORK_MANAGE = "gridwork.manage", "调整AB岗、管理后备队伍"
    GRID_DRAFT = "grid.draft", "计算并提交网格划分方案"
    GRID_APPROVE = "grid.approve", "审批并启用网格划分方案"


# The levels at which each role may be granted.
ROLE_LEVELS: dict[str, frozenset[str]] = {
    Role.GRID_WORKER: frozenset({"grid"}),
    Role.ZONE_HEAD: frozenset({"zone", "village"}),
    Role.VILLAGE_SECRETARY: frozenset({"village"}),
    Role.TOWN_DISPATCHER: frozenset({"town"}),
    Role.JUDICIAL_OFFICER: frozenset({"town"}),
    Role.DEPARTMENT_STAFF: frozenset({"county"}),
    Role.COMMAND_CENTRE: frozenset({"county", "city"}),
    Role.ORGANISATION_STAFF: frozenset({"county", "city"}),
    Role.ADMINISTRATOR: frozenset({"city", "county"}),
}

_EVERYONE = frozenset({Capability.AREA_VIEW})

# Who works with the population registry. Department and organisation staff
# do not browse people; the command centre sees masked data only.
_PEOPLE = frozenset({Capability.PERSON_VIEW})
_CARE = _PEOPLE | {Capability.PERSON_REVEAL}
_MANAGE_PEOPLE = _CARE | {
    Capability.PERSON_EDIT,
    Capability.PERSON_VIEW_SENSITIVE,
    Capability.PERSON_EXPORT,
}

# Disputes (矛盾纠纷): mediated in the grid, the village and the town — at
# which level each may act is decided by where the role is held (see
# wangge.disputes.services); the county watches. Tasks (交办任务): the town
# and the command centre assign, grids carry them out.
_MEDIATE = frozenset({Capability.DISPUTE_VIEW, Capability.DISPUTE_MEDIATE})
_DO_TASKS = frozenset({Capability.TASK_VIEW, Capability.TASK_DO})
_ASSIGN_TASKS = frozenset({Capability.TASK_VIEW, Capability.TASK_ASSIGN})
# Who supervises grid workers: zone heads record their leave; village
# secretaries and town dispatchers also appoint posts and keep the reserve.
_SUPERVISE_WORKERS = frozenset({Capability.GRIDWORK_VIEW, Capability.GRIDWORK_LEAVE})
_MANAGE_WORKERS = _SUPERVISE_WORKERS | {Capability.GRIDWORK_MANAGE}

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.GRID_WORKER: _EVERYONE | _CARE | _MEDIATE | _DO_TASKS | {Capability.FIELD_WORK},
    Role.ZONE_HEAD: _EVERYONE
    | _CARE
    | _MEDIATE
    | _DO_TASKS
    | _SUPERVISE_WORKERS
    | {Capability.FIELD_WORK},
    # A village secretary proposes its village's grids; the town approves and switches them on
    # (docs/decisions/0015-grid-generations.md).
    Role.VILLAGE_SECRETARY: _EVERYONE
    | _MANAGE_PEOPLE
    | _MEDIATE
    | _DO_TASKS
    | _MANAGE_WORKERS
    | {Capability.AREA_EDIT, Capability.GRID_DRAFT},
    Role.TOWN_DISPATCHER: _EVERYONE
    | _MANAGE_PEOPLE
    | _MEDIATE
    | _ASSIGN_TASKS
    | _MANAGE_WORKERS
    | {
        Capability.AREA_EDIT,
        Capability.PERSON_IMPORT,
        Capability.GRID_DRAFT,
        Capability.GRID_APPROVE,
    },
    # The town's judicial office (镇司法所) mediates what the villages escalate, beside the town
    # dispatcher; it sees the parties' households (masked, revealed with a reason) and what anyone
    # held at the town sees, but assigns no tasks, keeps no registry and manages no grid workers.
    Role.JUDICIAL_OFFICER: _EVERYONE | _CARE | _MEDIATE,
    Role.DEPARTMENT_STAFF: _EVERYONE,
    Role.COMMAND_CENTRE: _EVERYONE
    | _PEOPLE
    | _ASSIGN_TASKS
    | {Capability.DISPUTE_VIEW, Capability.GRIDWORK_VIEW},
    Role.ORGANISATION_STAFF: _EVERYONE,
    Role.ADMINISTRATOR: _EVERYONE
    | _MANAGE_PEOPLE
    | _MANAGE_WORKERS
    | {Capability.DISPUTE_VIEW, Capability.TASK_VIEW}
    | {
        Capability.AREA_EDIT,
        Capability.AUDIT_VIEW,
        Capability.USER_MANAGE,
        Capability.PERSON_IMPORT,
        Capability.GRID_DRAFT,
        Capability.GRID_APPROVE,
    },
}

# Roles whose reach is further limited to the categories of their unit.
CATEGORY_LIMITED_ROLES = frozenset({Role.DEPARTMENT_STAFF})

# Capabilities a role exercises only strictly *below* its own area: a town
# dispatcher may correct its villages' and grids' details but not rename the
# town itself, which is the administrators' business.
BELOW_ONLY: dict[str, frozenset[str]] = {
    Role.VILLAGE_SECRETARY: frozenset({Capability.AREA_EDIT}),
    Role.TOWN_DISPATCHER: frozenset({Capability.AREA_EDIT}),
}
