"""Importing a county's population file: all or nothing, exact error
reports, updates and moves on re-import."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from wangge.audit.models import AuditRecord
from wangge.core.errors import DomainError
from wangge.demo.people_file import HEADERS, sample_rows, write_csv
from wangge.registry.idnumber import check_digit
from wangge.registry.importing.engine import people_import
from wangge.registry.importing.report import errors_xlsx, template_xlsx
from wangge.registry.models import Household, Membership, Person
from wangge.territory.models import Area

ID_COL = HEADERS.index("身份证号")


def _shangzhen_grids() -> list[str]:
    return list(
        Area.objects.filter(level="grid", code__startswith="611022109").values_list(
            "code", flat=True
        )
    )


def _bad_rows(rows: list[list[str]]) -> list[list[str]]:
    rows = [list(r) for r in rows]
    good = rows[100][ID_COL]
    rows[100][ID_COL] = good[:17] + ("0" if good[17] != "0" else "1")  # bad checksum
    first17 = rows[2000][ID_COL][:6] + "19990230" + rows[2000][ID_COL][14:17]
    rows[2000][ID_COL] = first17 + check_digit(first17)  # 30 February, valid checksum
    rows[7000][ID_COL] = rows[6000][ID_COL]  # duplicate of an earlier row
    return rows


def test_ten_thousand_rows_with_three_bad_load_nothing_then_all(
    db: None,
    user_named,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    dispatcher = user_named("shangzhen_dispatcher")
    rows = list(sample_rows(10_000, _shangzhen_grids(), seed="t10k", region="612502"))
    before = (Person.objects.count(), Household.objects.count(), Membership.objects.count())

    bad = write_csv(tmp_path / "bad.csv", _bad_rows(rows))
    report = people_import(actor=dispatcher, path=bad, commit=True)
    assert not report.committed
    assert report.rows == 10_000
    assert [(e.row, e.column) for e in report.errors] == [
        (102, "身份证号"),
        (2002, "身份证号"),
        (7002, "身份证号"),
    ]
    reasons = [e.reason for e in report.errors]
    assert "校验" in reasons[0]
    assert "出生日期" in reasons[1]
    assert "第 6002 行重复" in reasons[2]
    assert all("*" in e.value for e in report.errors)  # masked in the report
    assert (Person.objects.count(), Household.objects.count(), Membership.objects.count()) == before
    sheet = load_workbook(io.BytesIO(errors_xlsx(report))).active
    assert sheet is not None
    assert sheet.max_row == 4

    good = write_csv(tmp_path / "good.csv", rows)
    report = people_import(actor=dispatcher, path=good, commit=True)
    assert report.committed, report.errors[:3]
    assert report.persons_new == 10_000
    assert Person.objects.count() == before[0] + 10_000
    households = {r[0] for r in rows}
    assert Household.objects.filter(number__in=households).count() == len(households)
    hh = Household.objects.get(number=rows[0][0])
    assert hh.address_masked.endswith("****")
    assert hh.colour in ("red", "yellow", "green")
    assert hh.colour_reasons
    assert AuditRecord.objects.filter(action="person.import").exists()


def test_dry_run_validates_but_writes_nothing(db: None, user_named, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = list(sample_rows(300, _shangzhen_grids(), seed="dry"))
    path = write_csv(tmp_path / "dry.csv", rows)
    before = Person.objects.count()
    report = people_import(actor=user_named("shangzhen_dispatcher"), path=path)
    assert report.ok
    assert not report.committed
    assert Person.objects.count() == before


def test_reimport_updates_and_records_a_move(db: None, user_named, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dispatcher = user_named("shangzhen_dispatcher")
    rows = list(sample_rows(60, _shangzhen_grids(), seed="move", region="612503"))
    people_import(actor=dispatcher, path=write_csv(tmp_path / "a.csv", rows), commit=True)
    mover = rows[-1]
    target = rows[0]
    changed = [list(r) for r in rows]
    changed[-1][0] = target[0]  # the last person joins the first household
    changed[-1][1] = target[1]
    changed[-1][HEADERS.index("职业")] = "个体经营"
    report = people_import(
        actor=dispatcher, path=write_csv(tmp_path / "b.csv", changed), commit=True
    )
    assert report.committed, report.errors[:3]
    assert report.persons_new == 0
    assert report.persons_updated == 60
    assert report.moves == 1
    from wangge.registry.keys import keyring
    from wangge.registry.pii import blind_index

    person = Person.objects.get(id_index=blind_index(keyring(), "id", mover[ID_COL]))
    assert person.occupation == "个体经营"
    memberships = list(person.memberships.order_by("pk"))
    assert memberships[0].moved_out is not None
    assert memberships[-1].moved_out is None
    assert memberships[-1].household.number == target[0]


def test_outside_grids_and_missing_columns(db: None, user_named, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    other_town = list(
        Area.objects.filter(level="grid", code__startswith="611022001").values_list(
            "code", flat=True
        )
    )
    rows = list(sample_rows(5, other_town, seed="out"))
    report = people_import(
        actor=user_named("shangzhen_dispatcher"),
        path=write_csv(tmp_path / "o.csv", rows),
        commit=True,
    )
    assert report.error_count == 5
    assert {e.reason for e in report.errors} == {"网格编码不存在或不在您的管辖范围内"}
    (tmp_path / "cols.csv").write_text("姓名,地址\n张三,某地\n", encoding="utf-8")
    with pytest.raises(DomainError, match="缺少必填列"):
        people_import(actor=user_named("shangzhen_dispatcher"), path=tmp_path / "cols.csv")
    with pytest.raises(DomainError) as e:
        people_import(actor=user_named("wg611022109223001"), path=tmp_path / "cols.csv")
    assert e.value.code == "forbidden"


def test_template_and_command(db: None, tmp_path: Path) -> None:
    wb = load_workbook(io.BytesIO(template_xlsx()))
    assert [c.value for c in wb["人员"][1]] == HEADERS
    rows = list(sample_rows(20, _shangzhen_grids(), seed="cmd"))
    rows[3][ID_COL] = "123"
    path = write_csv(tmp_path / "cmd.csv", rows)
    with pytest.raises(CommandError, match="发现 1 处错误"):
        call_command("import_people", str(path), "--commit", "--errors", str(tmp_path / "e.xlsx"))
    assert (tmp_path / "e.xlsx").exists()


def test_reader_encodings(tmp_path: Path) -> None:
    from wangge.registry.importing.reader import read_rows

    text = "姓名,地址\n" + "张三,陕西省商洛市丹凤县\n" * 5000  # longer than the sniffed sample
    (tmp_path / "u.csv").write_text(text, encoding="utf-8")
    (tmp_path / "g.csv").write_text(text, encoding="gb18030")
    (tmp_path / "b.csv").write_text(text, encoding="utf-8-sig")
    for name in ("u.csv", "g.csv", "b.csv"):
        rows = list(read_rows(tmp_path / name))
        assert rows[0] == ["姓名", "地址"]
        assert rows[-1] == ["张三", "陕西省商洛市丹凤县"]
        assert len(rows) == 5001
