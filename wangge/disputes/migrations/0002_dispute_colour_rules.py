"""Existing databases: the colour rules seeded before disputes existed made
any open dispute red. Disputes now say their risk: ordinary ones make a
household yellow, high-risk ones red (``wangge.registry.colour_defaults``).
The old rule is changed only if nobody edited it; the new red rule is added
only where rules are kept in the table (an empty table means "the
defaults", which already hold both)."""

from django.db import migrations

OLD = {"open_disputes_at_least": 1}
# As in colour_defaults when this was written (a migration must not follow
# later edits of the defaults).
OPEN_DISPUTE = {
    "colour": "yellow",
    "reason": "有未化解的矛盾纠纷（{n} 件）",
    "when": {"open_disputes_at_least": 1, "not": {"open_high_risk_disputes_at_least": 1}},
}
HIGH_RISK = {
    "code": "high_risk_dispute",
    "colour": "red",
    "reason": "有高风险矛盾纠纷未化解（{n} 件）",
    "when": {"open_high_risk_disputes_at_least": 1},
}


def forward(apps, schema_editor):
    ColourRule = apps.get_model("registry", "ColourRule")
    if not ColourRule.objects.exists():
        return
    old = ColourRule.objects.filter(code="open_dispute").first()
    if old is not None and old.colour == "red" and old.when == OLD:
        rule = OPEN_DISPUTE
        old.colour, old.reason, old.when = rule["colour"], rule["reason"], rule["when"]
        old.save(update_fields=["colour", "reason", "when"])
    if not ColourRule.objects.filter(code="high_risk_dispute").exists():
        rule = HIGH_RISK
        ColourRule.objects.create(
            code=rule["code"],
            colour=rule["colour"],
            reason=rule["reason"],
            when=rule["when"],
            position=old.position if old is not None else 0,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("disputes", "0001_initial"),
        ("registry", "0003_leaner_indexes"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
