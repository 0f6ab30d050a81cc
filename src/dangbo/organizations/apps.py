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
        from django.db.models.signals import post_delete, post_save

        from .models import Organization
        from .selectors import tree_changed

        # The cached organization pickers follow the tree (bulk path rewrites call tree_changed themselves).
        post_save.connect(tree_changed, sender=Organization, dispatch_uid="org-picker-save")
        post_delete.connect(tree_changed, sender=Organization, dispatch_uid="org-picker-delete")
