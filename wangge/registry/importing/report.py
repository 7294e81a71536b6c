"""The spreadsheets around an import: the template to fill in and the error
report (row, column, masked value, reason)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from wangge.registry.importing.columns import COLUMNS
from wangge.registry.importing.engine import ImportReport

_EXAMPLE = {
    "户编号": "6110221092230010001",
    "网格编码": "611022109223001",
    "地址": "陕西省商洛市丹凤县商镇保定村1组1号",
    "姓名": "张三",
    "身份证号": "(18位身份证号)",
    "与户主关系": "户主",
    "居住类型": "户籍",
    "联系电话": "13800000000",
    "外出务工": "否",
    "标签": "独居老人、低保对象",
}


def _bold_row(ws: object, values: list[str]) -> None:
    ws.append(values)  # type: ignore[attr-defined]
    for cell in ws[ws.max_row]:  # type: ignore[attr-defined, index]
        cell.font = Font(bold=True)


def template_xlsx() -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "人员"
    headers = [c.header for c in COLUMNS]
    _bold_row(ws, headers)
    ws.append([_EXAMPLE.get(h, "") for h in headers])
    ws.freeze_panes = "A2"
    for i, h in enumerate(headers, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = max(10, len(h) * 2 + 4)
    notes = wb.create_sheet("说明")
    notes.append(["列名", "是否必填", "可用的其他列名"])
    for c in COLUMNS:
        notes.append([c.header, "必填" if c.required else "", "、".join(c.aliases)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def errors_xlsx(report: ImportReport) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("错误")
    ws.append(["行号", "列", "内容(已脱敏)", "原因"])
    for e in report.errors:
        ws.append([e.row, e.column, e.value, e.reason])
    if report.error_count > len(report.errors):
        ws.append(["", "", "", f"另有 {report.error_count - len(report.errors)} 条错误未列出"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
