from django.apps import AppConfig


class DuesConfig(AppConfig):
    name = "dangbo.dues"
    label = "dues"
    verbose_name = "Đảng phí"

    def ready(self):
        from dangbo.core.registries import EVIDENCE_SOURCES, PAID_UP_TO, PATH_TABLES, register_audit_events
        from dangbo.members.history.selectors import register_alert_source, register_removal_signal
        from dangbo.organizations.tree.services import PathTable

        from . import policies, services  # noqa: F401
        from .choices import AuditEvents
        from .selectors import arrears_alerts, paid_up_to, remittance_alerts

        register_audit_events(AuditEvents)

        from dangbo.core.registries import IMPORT_KINDS

        from .imports import BASES

        IMPORT_KINDS.register(BASES.key, BASES)
        # A month's row is the cell's of that month: months from the move on follow the cell to its new place.
        PATH_TABLES.register("dues.DuesPayment", PathTable("dues.DuesPayment", dated_by="month"))
        # The sheets' totals per organization and month (``services.totals_move``) move with them from the old ancestors to the new.
        PATH_TABLES.register("dues.DuesSheet", PathTable("dues.DuesSheet", repath=services.totals_move))
        register_removal_signal(arrears_alerts)
        register_alert_source(remittance_alerts)
        PAID_UP_TO.register("dues", paid_up_to)
        from .selectors import arrears_evidence

        EVIDENCE_SOURCES.register("dues", arrears_evidence)  # arrears in a rating's period (evaluation)
