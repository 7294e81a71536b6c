"""The eight standing duties of Shangluo's grid workers (工作职责清单), as
practice words them. Administrators may reword, reorder, add or retire
them afterwards; this migration only adds the ones not there yet."""

from django.db import migrations

DUTIES = [
    ("know_grid", "摸清底数", "摸清网格内人、房、物、场所底数,发现变化及时更新"),
    ("hazards", "排查隐患", "排查消防、燃气、用电、危房、地质灾害等安全隐患"),
    ("disputes", "化解纠纷", "排查邻里、家庭、土地等矛盾纠纷,力争就地化解"),
    ("patrol", "治安巡逻", "开展治安巡逻,留意可疑人员和异常情况"),
    ("violations", "发现违法违规", "发现并上报违法建设、非法经营、破坏环境等违法违规行为"),
    (
        "care",
        "服务困难群众",
        "联系服务低保对象、残疾人、退役军人、老年人等困难群众,帮办代办",
    ),
    ("policy", "宣传政策法规", "宣传党的政策和法律法规,收集反映社情民意"),
    ("tasks", "完成交办任务", "完成上级交办的其他工作任务"),
]


def add_duties(apps, schema_editor):
    Duty = apps.get_model("gridwork", "Duty")
    have = set(Duty.objects.values_list("code", flat=True))
    Duty.objects.bulk_create(
        [
            Duty(code=code, name=name, description=text, position=(i + 1) * 10)
            for i, (code, name, text) in enumerate(DUTIES)
            if code not in have
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("gridwork", "0001_initial")]

    operations = [migrations.RunPython(add_duties, migrations.RunPython.noop)]
