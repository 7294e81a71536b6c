from __future__ import annotations

from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from wangge.accounts.selectors import role_lines_for
from wangge.accounts.services import login_attempt
from wangge.core.errors import DomainError
from wangge.territory.selectors import area_descendant_counts_for, area_top_for


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = ""
    error = ""
    username = ""
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        password = request.POST.get("password", "")
        if not username or not password:
            error = "请输入用户名和密码"
        else:
            try:
                user = login_attempt(username=username, password=password)
            except DomainError as exc:
                error = exc.message
            else:
                login(request, user, backend="wangge.accounts.backends.LockoutBackend")
                return redirect(next_url or "home")
    status = 400 if error else 200
    return render(
        request,
        "accounts/login.html",
        {"error": error, "username": username, "next": next_url},
        status=status,
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    tops = area_top_for(request.user)
    summary = [(area, area_descendant_counts_for(request.user, area)) for area in tops]
    context = {"summary": summary, "roles": role_lines_for(request.user)}
    return render(request, "accounts/home.html", context)
