"""The demo seeder: dry unless --commit, complete, and harmless to re-run."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from wangge.accounts.models import RoleAssignment, Unit, User
from wangge.accounts.roles import Role
from wangge.territory.models import Area


def _counts() -> tuple[int, int, int, int]:
    return (
        Area.objects.count(),
        Unit.objects.count(),
        User.objects.count(),
        RoleAssignment.objects.count(),
    )


def test_demo_county_is_complete(db: None) -> None:
    danfeng = Area.objects.filter(path__startswith="611000000000/611022000000/")
    assert danfeng.filter(level="town").count() == 12
    villages = danfeng.filter(level="village")
    assert villages.count() == 155
    # Every village of the demo county is cut into grids.
    assert (
        not villages.exclude(code__in=danfeng.filter(level="grid").values("parent__code"))
        .exclude(code__in=danfeng.filter(level="zone").values("parent__code"))
        .exists()
    )
    assert danfeng.filter(level="zone").exists()
    # A user for every role, and departments with their categories.
    assert set(RoleAssignment.objects.values_list("role", flat=True)) == set(Role.values)
    depts = Unit.objects.filter(kind="department", area__code="611022000000")
    assert depts.count() >= 17
    assert all(d.categories.exists() for d in depts)
    # All of Shangluo is there down to villages, without grids outside 丹凤.
    assert Area.objects.filter(level="village").count() == 1293
    assert not Area.objects.filter(level="grid").exclude(county_code="611022").exists()


def test_dry_run_writes_nothing(db: None) -> None:
    before = _counts()
    User.objects.filter(username="danfeng_wenlv").delete()
    after_delete = _counts()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "试运行" in out.getvalue()
    assert _counts() == after_delete
    assert before != after_delete


def test_seed_twice_changes_nothing(db: None) -> None:
    before = _counts()
    out = StringIO()
    call_command("seed_demo", "--commit", stdout=out)
    text = out.getvalue()
    assert _counts() == before
    assert "新建 0" in text
    assert "admin" in text
    assert "wangge-demo" in text


def test_every_printed_login_works(db: None) -> None:
    import re

    from wangge.accounts.services import login_attempt
    from wangge.demo.seed import DEMO_PASSWORD

    out = StringIO()
    call_command("seed_demo", "--commit", stdout=out)
    printed = re.findall(r"^  ([a-z0-9_]+[A-Z0-9]*)  ", out.getvalue(), flags=re.M)
    assert "admin" in printed
    assert "shangzhen_dispatcher" in printed
    assert len(printed) >= 10
    for username in printed:
        assert login_attempt(username=username, password=DEMO_PASSWORD).username == username
