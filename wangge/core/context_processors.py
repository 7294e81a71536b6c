"""Navigation for the base template: the links a user's roles open."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from wangge.accounts.reach import reach_for
from wangge.accounts.roles import Capability, Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": [], "nav_roles": []}
    reach = reach_for(user)
    from wangge.notify.selectors import unread_count_for

    unread = unread_count_for(user)
    links = [("首页", reverse("home")), ("我的工单", reverse("request_queue"))]
    if reach.has(Capability.FIELD_WORK):
        links.append(("手机工作台", reverse("field_today")))
    links.append((f"消息({unread})" if unread else "消息", reverse("inbox")))
    links.append(("需求台账", reverse("request_ledger")))
    links.append(("考核指标", reverse("request_figures")))
    if reach.has(Capability.DISPUTE_VIEW):
        links.append(("矛盾纠纷", reverse("dispute_ledger")))
    if reach.has(Capability.TASK_VIEW):
        links.append(("交办任务", reverse("task_list")))
    links.append(("区域与网格", reverse("area_index")))
    if reach.has(Capability.PERSON_VIEW):
        links.append(("人员查询", reverse("person_search")))
    if reach.has(Capability.GRIDWORK_VIEW):
        links.append(("网格员", reverse("gridwork_index")))
    if reach.has(Capability.GRIDWORK_VIEW) or reach.has(Capability.FIELD_WORK):
        links.append(("履职指标", reverse("gridwork_figures")))
    if reach.has(Capability.PERSON_IMPORT):
        links.append(("数据导入", reverse("imports")))
    if reach.has(Capability.AUDIT_VIEW):
        links.append(("审计日志", reverse("audit_list")))
    if reach.has(Capability.USER_MANAGE) or user.is_staff:
        links.append(("系统管理", reverse("admin:index")))
    links.append(("接口文档", reverse("api_docs")))
    roles = sorted({Role(r).label for r in reach.roles()})
    return {"nav_links": links, "nav_roles": roles}
