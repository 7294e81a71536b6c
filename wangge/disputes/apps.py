from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "wangge.disputes"
    verbose_name = "矛盾纠纷排查化解"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # An unresolved dispute is a fact of its parties' households for the
        # colour rules; the registry asks this app for it, never imports it.
        from wangge.disputes.colour import open_dispute_counts
        from wangge.registry.colouring import household_counts_source

        household_counts_source(open_dispute_counts)
