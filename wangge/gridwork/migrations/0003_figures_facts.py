"""Facts the field work figures read (decision 0017, "Figures"): a visit's
local day, the household's colour then and the day it fell due; a
patrol's local day. Filled here for the records already on file. And no
separate index for foreign keys a composite index already leads with."""

import datetime as dt

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

BEIJING = dt.timezone(dt.timedelta(hours=8))  # no summer time since 1991
DEFAULT_INTERVALS = {"red": 7, "yellow": 30, "green": 90}


def fill(apps, schema_editor):
    Visit = apps.get_model("gridwork", "Visit")
    Patrol = apps.get_model("gridwork", "Patrol")
    VisitInterval = apps.get_model("registry", "VisitInterval")
    intervals = dict(DEFAULT_INTERVALS)
    intervals.update(dict(VisitInterval.objects.values_list("colour", "days")))
    previous: dict[int, dt.date] = {}
    for visit in Visit.objects.select_related("household").order_by(
        "household_id", "visited_at", "pk"
    ):
        day = visit.visited_at.astimezone(BEIJING).date()
        colour = visit.household.colour
        before = previous.get(visit.household_id)
        Visit.objects.filter(pk=visit.pk).update(
            visited_on=day,
            colour=colour,
            due_on=before + dt.timedelta(days=intervals.get(colour, 30)) if before else None,
        )
        previous[visit.household_id] = day
    for patrol in Patrol.objects.only("pk", "started_at"):
        Patrol.objects.filter(pk=patrol.pk).update(
            started_on=patrol.started_at.astimezone(BEIJING).date()
        )


class Migration(migrations.Migration):
    dependencies = [
        ("gridwork", "0002_default_duties"),
        ("registry", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="visit",
            name="visited_on",
            field=models.DateField(null=True, verbose_name="走访日期"),
        ),
        migrations.AddField(
            model_name="visit",
            name="colour",
            field=models.CharField(blank=True, max_length=8, verbose_name="走访时颜色"),
        ),
        migrations.AddField(
            model_name="visit",
            name="due_on",
            field=models.DateField(blank=True, null=True, verbose_name="应走访日期"),
        ),
        migrations.AddField(
            model_name="patrol",
            name="started_on",
            field=models.DateField(null=True, verbose_name="巡查日期"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="visit",
            name="visited_on",
            field=models.DateField(verbose_name="走访日期"),
        ),
        migrations.AlterField(
            model_name="patrol",
            name="started_on",
            field=models.DateField(verbose_name="巡查日期"),
        ),
        migrations.AddIndex(
            model_name="visit",
            index=models.Index(
                fields=["area_path", "colour", "visited_on", "due_on"],
                name="gridwork_visit_figures",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops", "date_ops", "date_ops"],
            ),
        ),
        migrations.AddIndex(
            model_name="patrol",
            index=models.Index(
                fields=["area_path", "started_on", "grid"],
                name="gridwork_patrol_figures",
                opclasses=["varchar_pattern_ops", "date_ops", "int8_ops"],
            ),
        ),
        # Foreign keys whose own index duplicates a composite index that
        # leads with them: one index fewer to keep up per row.
        migrations.AlterField(
            model_name="finding",
            name="worker",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="发现人",
            ),
        ),
        migrations.AlterField(
            model_name="patrol",
            name="worker",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="巡查人",
            ),
        ),
        migrations.AlterField(
            model_name="patrolpoint",
            name="patrol",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="points",
                to="gridwork.patrol",
            ),
        ),
        migrations.AlterField(
            model_name="visit",
            name="household",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="visits",
                to="registry.household",
                verbose_name="户",
            ),
        ),
        migrations.AlterField(
            model_name="visit",
            name="worker",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="走访人",
            ),
        ),
    ]
