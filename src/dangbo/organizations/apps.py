from django.apps import AppConfig


class Config(AppConfig):
    name = "dangbo.organizations"
    label = "organizations"

    def ready(self):
        from dangbo.core.registries import register_audit_events

        from . import policies  # noqa: F401 - registers the policies of this app's models
        from .choices import AuditEvents

        register_audit_events(AuditEvents)

        from dangbo.core.registries import EXPORT_LISTS, IMPORT_KINDS

        from . import exports
        from .imports import ORGANIZATIONS

        IMPORT_KINDS.register(ORGANIZATIONS.key, ORGANIZATIONS)
        EXPORT_LISTS.register(exports.ORGANIZATIONS.key, exports.ORGANIZATIONS)
