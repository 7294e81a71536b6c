from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "wangge.tasks"
    verbose_name = "交办任务"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wangge.tasks.redraw import task_rows_follow_grids
        from wangge.territory.activation import GRID_SUCCESSION

        # A redrawn village's open task rows go on in the new grids.
        if task_rows_follow_grids not in GRID_SUCCESSION:
            GRID_SUCCESSION.append(task_rows_follow_grids)
