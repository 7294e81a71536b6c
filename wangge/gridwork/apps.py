from django.apps import AppConfig


class GridworkConfig(AppConfig):
    name = "wangge.gridwork"
    verbose_name = "网格员与入户走访"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wangge.gridwork import cover
        from wangge.gridwork.posts import posts_follow_grids
        from wangge.territory.activation import GRID_SUCCESSION

        cover.watch()
        if posts_follow_grids not in GRID_SUCCESSION:
            GRID_SUCCESSION.append(posts_follow_grids)
