"""Deterministic Chinese names for demo staff (no real person's data)."""

from __future__ import annotations

import hashlib

_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
    "顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志海波宁斌鹏飞亮春梅"
    "燕辉鑫琳晨雪慧文博宇浩欣佳怡涵轩子晓"
)


def demo_name(key: str) -> str:
    h = hashlib.sha256(key.encode()).digest()
    surname = _SURNAMES[h[0] % len(_SURNAMES)]
    given = _GIVEN[h[1] % len(_GIVEN)]
    if h[2] % 3:  # two-character given names are the more common
        given += _GIVEN[h[3] % len(_GIVEN)]
    return surname + given
