"""Install the shipped time-limit profiles (wangge.timelimits.defaults) on a
new database; existing rows are left as administrators edited them."""

from typing import Any

from django.db import migrations


def install(apps: Any, schema_editor: Any) -> None:
    from wangge.timelimits.defaults import LIMITS, PROFILES

    Profile = apps.get_model("timelimits", "TimeLimitProfile")
    Limit = apps.get_model("timelimits", "TimeLimit")
    profiles = {}
    for code, name in PROFILES.items():
        profiles[code], _ = Profile.objects.get_or_create(code=code, defaults={"name": name})
    for (profile, urgency), steps in LIMITS.items():
        for step, (amount, unit) in steps.items():
            Limit.objects.get_or_create(
                profile=profiles[profile],
                urgency=urgency,
                step=step,
                defaults={"amount": amount, "unit": unit},
            )


class Migration(migrations.Migration):
    dependencies = [("timelimits", "0002_profiles")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
