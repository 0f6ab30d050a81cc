from django.apps import AppConfig


class SteeringConfig(AppConfig):
    name = "dangbo.steering"
    label = "steering"
    verbose_name = "Công tác lãnh đạo, chỉ đạo"

    def ready(self):
        from dangbo.core.registries import EXPORT_LISTS, PATH_TABLES

        from . import exports

        for spec in (exports.DOCUMENTS, exports.TASKS, exports.PROGRAMMES):
            EXPORT_LISTS.register(spec.key, spec)
        from dangbo.organizations.tree.services import PathTable

        # Contributions dated on or after a move count for the supporter's new place; earlier ones for the old one.
        PATH_TABLES.register("steering.Contribution", PathTable("steering.Contribution", dated_by="date"))
        from dangbo.members.history.selectors import register_alert_source

        from .tasks.selectors import task_alerts

        register_alert_source(task_alerts)
