from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "wangge.disputes"
    verbose_name = "矛盾纠纷排查化解"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # An unresolved dispute is a fact of its parties' households for the
        # colour rules; the registry asks this app for it, never imports it.
        from wangge.disputes.colour import open_dispute_counts
        from wangge.disputes.redraw import disputes_follow_grids
        from wangge.registry.colouring import household_counts_source
        from wangge.territory.activation import GRID_SUCCESSION

        household_counts_source(open_dispute_counts)
        # A redrawn village's unclosed disputes go on in their people's new grids.
        if disputes_follow_grids not in GRID_SUCCESSION:
            GRID_SUCCESSION.append(disputes_follow_grids)
