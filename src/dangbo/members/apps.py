from django.apps import AppConfig


class Config(AppConfig):
    name = "dangbo.members"
    label = "members"

    def ready(self):
        from dangbo.core.registries import DISSOLVE_CHECKS, PATH_TABLES, register_audit_events
        from dangbo.organizations.tree.services import PathTable

        from . import policies  # noqa: F401 - policies registers the policies of this app's models
        from .choices import AuditEvents
        from .history import services as lifecycle

        register_audit_events(AuditEvents)

        # A member's org_path is where the member stands today; the roll periods are cut on the date of a move.
        PATH_TABLES.register("members.Member", PathTable("members.Member"))
        PATH_TABLES.register(
            "members.MemberPeriod", PathTable("members.MemberPeriod", repath=lifecycle.split_periods_at_move)
        )
        DISSOLVE_CHECKS.register("members.on_roll", lifecycle.members_on_roll)

        from dangbo.core.registries import EXPORT_LISTS, IMPORT_KINDS

        from . import exports
        from .imports import EVENTS, MEMBERS, SEATS

        for kind in (MEMBERS, EVENTS, SEATS):
            IMPORT_KINDS.register(kind.key, kind)
        EXPORT_LISTS.register(exports.MEMBERS.key, exports.MEMBERS)
        EXPORT_LISTS.register(exports.MEMBERS_REIMPORT.key, exports.MEMBERS_REIMPORT)
