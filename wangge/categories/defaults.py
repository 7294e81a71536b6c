"""The first-level categories shipped with wangge and the county departments
that handle each. Administrators edit both afterwards; the request-dispatch
work adds the second and third levels and time limits.

The first fifteen are the first-level classes a provincial government's
public message board files residents' messages under; then the classes of
digital city management events; then matters typical of grid work.
"""

from __future__ import annotations

# (code, name)
FIRST_LEVEL: list[tuple[str, str]] = [
    ("01", "城乡建设"),
    ("02", "环境保护"),
    ("03", "交通运输"),
    ("04", "教育文体"),
    ("05", "劳动和社会保障"),
    ("06", "商贸旅游"),
    ("07", "卫生计生"),
    ("08", "民政"),
    ("09", "政法"),
    ("10", "农村农业"),
    ("11", "国土资源"),
    ("12", "经济管理"),
    ("13", "科技与信息产业"),
    ("14", "党务政务"),
    ("15", "纪检监察"),
    ("21", "市容环境"),
    ("22", "宣传广告"),
    ("23", "施工管理"),
    ("24", "突发事件"),
    ("25", "街面秩序"),
    ("31", "矛盾纠纷"),
    ("32", "安全隐患"),
    ("33", "三无小区"),
    ("34", "水利水务"),
]

# (slug, name, category codes it handles). Slugs make the demo's usernames.
DEPARTMENTS: list[tuple[str, str, list[str]]] = [
    ("zhujian", "住房和城乡建设局", ["01", "23", "33"]),
    ("huanjing", "生态环境局", ["02"]),
    ("jiaotong", "交通运输局", ["03"]),
    ("jiaoti", "教育体育局", ["04"]),
    ("renshe", "人力资源和社会保障局", ["05"]),
    ("shangwu", "商务局", ["06"]),
    ("wenlv", "文化和旅游局", ["04", "06"]),
    ("weijian", "卫生健康局", ["07"]),
    ("minzheng", "民政局", ["08"]),
    ("gongan", "公安局", ["09", "25"]),
    ("nongye", "农业农村局", ["10"]),
    ("ziran", "自然资源局", ["11"]),
    ("shuili", "水利局", ["34"]),
    ("yingji", "应急管理局", ["24", "32"]),
    ("shichang", "市场监督管理局", ["06", "12"]),
    ("chengguan", "城市管理执法局", ["21", "22", "25"]),
    ("sifa", "司法局", ["09", "31"]),
]
