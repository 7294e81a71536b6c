from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "wangge.dispatch"
    verbose_name = "诉求与派单"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wangge.dispatch import reference
        from wangge.dispatch.redraw import routing_rules_follow_grids
        from wangge.territory.activation import GRID_SUCCESSION

        reference.watch()
        # A redrawn village's grid rules go on at the grids that take over.
        if routing_rules_follow_grids not in GRID_SUCCESSION:
            GRID_SUCCESSION.append(routing_rules_follow_grids)
