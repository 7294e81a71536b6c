"""The columns of a population file, as counties export them.

One row per person; people of one household share its 户编号. Headers are
matched by name (Chinese, with the common variants found in county
exports), not by position, so extra columns and any order are fine.

| column   | required | notes |
| -------- | -------- | ----- |
| 户编号   | yes | the household's number; rows with the same number form one household |
| 网格编码 | yes | the 15-digit grid code |
| 地址     | first row of a household | the full address (stored encrypted) |
| 姓名     | yes | |
| 身份证号 | yes | 18 digits (15-digit old numbers are converted) |
| 与户主关系 | no | default 户主 |
| 居住类型 | no | 户籍 / 常住 / 流动, default 户籍 |
| 联系电话 | no | mobile or landline |
| 民族, 文化程度, 职业, 政治面貌, 健康状况, 能力特长 | no | free text |
| 外出务工 | no | 是 / 否 |
| 标签     | no | labels separated by 、 or , e.g. 独居老人、低保对象 |
| 经度, 纬度 | no | WGS-84 position of the household |
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("household", "户编号", ("户号", "户编码"), True),
    Column("grid", "网格编码", ("网格代码", "所属网格"), True),
    Column("address", "地址", ("住址", "详细地址", "家庭住址")),
    Column("name", "姓名", (), True),
    Column("id_number", "身份证号", ("公民身份号码", "身份证号码", "证件号码"), True),
    Column("relation", "与户主关系", ("关系",)),
    Column("kind", "居住类型", ("人口类型", "户籍类型")),
    Column("phone", "联系电话", ("手机号", "手机号码", "电话")),
    Column("ethnicity", "民族"),
    Column("education", "文化程度", ("学历",)),
    Column("occupation", "职业"),
    Column("political_status", "政治面貌"),
    Column("health_note", "健康状况"),
    Column("ability_note", "能力特长"),
    Column("is_away", "外出务工", ("是否外出",)),
    Column("tags", "标签", ("人员类别", "重点人群")),
    Column("lon", "经度"),
    Column("lat", "纬度"),
)

BY_HEADER: dict[str, Column] = {name: col for col in COLUMNS for name in (col.header, *col.aliases)}

KIND_BY_LABEL = {"户籍": "registered", "常住": "resident", "流动": "floating", "": "registered"}


def match_headers(headers: list[str]) -> tuple[dict[int, Column], list[str]]:
    """Which file column feeds which field, and the required columns missing."""
    found: dict[int, Column] = {}
    for i, raw in enumerate(headers):
        col = BY_HEADER.get((raw or "").strip().lstrip("\ufeff"))
        if col is not None and col not in found.values():
            found[i] = col
    missing = [c.header for c in COLUMNS if c.required and c not in found.values()]
    return found, missing
