from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "dangbo.reports"
    label = "reports"
    verbose_name = "Báo cáo"

    def ready(self):
        from dangbo.core.registries import FACT_CHANGES, PATH_TABLES, register_audit_events
        from dangbo.organizations.tree.services import PathTable

        from . import policies  # noqa: F401 - registers the policies of this app's models
        from .choices import AuditEvents
        from .rollups import services as rollups

        register_audit_events(AuditEvents)

        # The rollups follow the roll in the transaction that changes it (rollups/services.py); a move of a subtree rewrites
        # its cells' rows from the move's month on (after members has cut the roll periods: registered later).
        FACT_CHANGES.register("reports.rollups", rollups.facts_changed)
        PATH_TABLES.register("reports.MemberMonth", PathTable("reports.MemberMonth", repath=rollups.repath))
        PATH_TABLES.register("reports.MemberMove", PathTable("reports.MemberMove", repath=lambda *a: None))
        # The meetings of a moved subtree are re-pathed from the move's date by meetings (registered earlier); their
        # rows are then rewritten from that month on.
        PATH_TABLES.register(
            "reports.MeetingMonth", PathTable("reports.MeetingMonth", repath=rollups.repath_meetings)
        )
        # The totals of every level are moved by ``repath_meetings`` (the difference of the rows it rewrites).
        PATH_TABLES.register(
            "reports.MeetingTotal", PathTable("reports.MeetingTotal", repath=lambda *a: None)
        )
