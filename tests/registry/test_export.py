"""XLSX export of an area's households and people: masked by default, full
values only with the right role and a reason, every export audited, and
"not yours" looks exactly like "not found"."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from wangge.audit.models import AuditRecord
from wangge.core.errors import DomainError, NotFound
from wangge.registry import pii
from wangge.registry.exports import HOUSEHOLD_HEADERS, PERSON_HEADERS, people_export_xlsx
from wangge.registry.keys import keyring
from wangge.registry.models import Household, Membership, Person
from wangge.territory.models import Area

BAODING = "611022109223"
# A whole 18-character ID number (household numbers are 19 digits).
FULL_ID = re.compile(r"(?<!\d)\d{17}[\dXx](?![\dXx])")


def _area(code: str) -> Area:
    return Area.objects.get(code=code)


def _rows(data: bytes) -> dict[str, list[tuple[Any, ...]]]:
    wb = load_workbook(io.BytesIO(data), read_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def _current(area: Area) -> Any:
    return Membership.objects.filter(
        moved_out__isnull=True,
        household__is_active=True,
        household__area_path__startswith=area.path,
    )


def _exports() -> Any:
    return AuditRecord.objects.filter(action="person.export")


def test_secretary_exports_village_masked(db: None, user_named: Any) -> None:
    village = _area(BAODING)
    # A value typed as a formula must come out as text, not run in Excel.
    person = Person.objects.filter(area_path__startswith=village.path).first()
    assert person is not None
    Person.objects.filter(pk=person.pk).update(occupation="=HYPERLINK(1)")

    secretary = user_named(f"sj{BAODING}")
    with CaptureQueriesContext(connection) as queries:
        name, data = people_export_xlsx(actor=secretary, area=village)

    assert re.fullmatch(rf"{village.name}_人员_\d{{8}}\.xlsx", name)
    sheets = _rows(data)
    assert list(sheets) == ["住户", "人员"]
    households, people = sheets["住户"], sheets["人员"]
    assert list(households[0]) == HOUSEHOLD_HEADERS
    assert list(people[0]) == PERSON_HEADERS
    n_households = Household.objects.filter(
        is_active=True, area_path__startswith=village.path
    ).count()
    n_persons = _current(village).count()
    assert n_persons > 0
    assert len(households) - 1 == n_households
    assert len(people) - 1 == n_persons
    cells = [str(v) for row in households + people for v in row if v is not None]
    assert not any(FULL_ID.search(c) for c in cells)
    masked = {m.person.id_masked for m in _current(village).select_related("person")}
    ids = {row[6] for row in people[1:]}
    assert masked - {""} <= ids
    assert "=HYPERLINK(1)" in {row[11] for row in people[1:]}
    assert b"<f>" not in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet2.xml")
    # A fixed number of queries, not one per household or person.
    assert n_households > 20
    assert len(queries) < 20

    record = _exports().get()
    assert record.changes == {"full": False, "households": n_households, "persons": n_persons}
    assert record.area_path == village.path


def test_full_export_needs_a_reason_and_decrypts(db: None, user_named: Any) -> None:
    dispatcher = user_named("shangzhen_dispatcher")
    village = _area(BAODING)
    for reason in ("", " ", "查"):
        with pytest.raises(DomainError) as exc:
            people_export_xlsx(actor=dispatcher, area=village, full=True, reason=reason)
        assert exc.value.code == "export.reason"
    assert not _exports().exists()

    _, data = people_export_xlsx(actor=dispatcher, area=village, full=True, reason="户籍核对")

    ids = {row[6] for row in _rows(data)["人员"][1:]}
    sample = Person.objects.filter(area_path__startswith=village.path).exclude(id_enc="")[:5]
    real = {pii.decrypt(keyring(), p.id_enc) for p in sample}
    assert real
    assert real <= ids
    record = _exports().get()
    assert record.reason == "户籍核对"
    assert record.changes["full"] is True
    assert not FULL_ID.search(str(record.changes) + record.object_label)


def test_grid_worker_may_not_export(db: None, user_named: Any) -> None:
    with pytest.raises(DomainError) as exc:
        people_export_xlsx(actor=user_named("wg611022109223001"), area=_area("611022109223001"))
    assert exc.value.code == "forbidden"
    assert not _exports().exists()


def test_outside_reach_is_not_found(db: None, user_named: Any) -> None:
    with pytest.raises(NotFound) as exc:
        people_export_xlsx(actor=user_named("shangzhen_dispatcher"), area=_area("611022001004"))
    assert exc.value.as_dict() == NotFound("区域").as_dict()
    assert not _exports().exists()


def test_command_centre_cannot_export(db: None, user_named: Any) -> None:
    # The command centre views people (masked) but holds no export capability.
    with pytest.raises(DomainError) as exc:
        people_export_xlsx(actor=user_named("danfeng_command"), area=_area(BAODING))
    assert exc.value.code == "forbidden"


def test_county_is_too_large(db: None, user_named: Any) -> None:
    with pytest.raises(DomainError) as exc:
        people_export_xlsx(actor=user_named("admin"), area=_area("611022000000"), reason="统计")
    assert exc.value.code == "export.too_large"
    assert not _exports().exists()


def test_export_through_the_page(db, user_named) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    c = Client()
    c.force_login(user_named("sj611022109223"))
    page = c.get("/areas/611022109223/households/")
    assert "导出住户与人员" in page.content.decode()
    r = c.post("/areas/611022109223/export/")
    assert r.status_code == 200
    assert r["Content-Disposition"].startswith("attachment")
    refused = c.post("/areas/611022109223/export/", {"full": "1", "reason": ""})
    assert refused.status_code == 302  # back to the page with the message
    assert c.post("/areas/611022109000/export/").status_code == 404  # the town: not theirs
