from django.apps import AppConfig


class Config(AppConfig):
    name = "dangbo.api"
    label = "api"
    verbose_name = "API"

    def ready(self):
        from dangbo.core.registries import register_audit_events

        from . import policies  # noqa: F401 - registers the policies of this app's models
        from .choices import AuditEvents

        register_audit_events(AuditEvents)
