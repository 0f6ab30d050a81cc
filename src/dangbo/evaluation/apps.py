from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "dangbo.evaluation"
    label = "evaluation"
    verbose_name = "Đánh giá, xếp loại chất lượng"

    def ready(self):
        from dangbo.core.registries import register_audit_events
        from dangbo.members.history.selectors import register_alert_source

        from . import policies  # noqa: F401
        from .choices import AuditEvents
        from .selectors import evaluation_alerts

        register_audit_events(AuditEvents)
        from dangbo.core.registries import IMPORT_KINDS

        from .imports import RESULTS

        IMPORT_KINDS.register(RESULTS.key, RESULTS)
        from dangbo.core.registries import PATH_TABLES
        from dangbo.organizations.tree.services import PathTable

        # Ratings of periods ending on or after a move follow the organization; older ones stay where it was.
        PATH_TABLES.register(
            "evaluation.Rating", PathTable("evaluation.Rating", dated_by="campaign__period_end")
        )
        # Their stored counts follow them (the same rule: ``LevelTally.org_path`` is its ratings' path).
        PATH_TABLES.register(
            "evaluation.LevelTally", PathTable("evaluation.LevelTally", dated_by="campaign__period_end")
        )
        register_alert_source(evaluation_alerts)
        from dangbo.core.registries import NAME_COPIES

        from .services import member_renamed

        NAME_COPIES.register("evaluation.Rating", member_renamed)
