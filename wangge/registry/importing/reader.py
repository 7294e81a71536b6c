"""Read rows from CSV (UTF-8, with or without BOM, or GB18030 as older
Excel saves it) or XLSX, one at a time, as lists of strings."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from wangge.core.errors import DomainError


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel turns long digit strings into floats
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def _csv_encoding(path: Path) -> str:
    head = path.open("rb").read(65536)
    for enc in ("utf-8-sig", "gb18030"):
        try:
            head.decode(enc)
        except UnicodeDecodeError as exc:
            # A character cut in two at the end of the sample is not an error.
            if exc.start < len(head) - 4:
                continue
        return enc
    raise DomainError("import.encoding", "无法识别文件编码,请另存为 UTF-8 编码的 CSV 或 XLSX")


def read_rows(path: Path) -> Iterator[list[str]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(encoding=_csv_encoding(path), newline="") as fh:
            for row in csv.reader(fh):
                yield [c.strip() for c in row]
        return
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise DomainError("import.file", "无法读取该 Excel 文件,请检查文件是否损坏") from exc
        try:
            ws = wb.worksheets[0]
            for values in ws.iter_rows(values_only=True):
                yield [_cell(v) for v in values]
        finally:
            wb.close()
        return
    raise DomainError("import.format", "只支持 CSV 或 XLSX 文件")
