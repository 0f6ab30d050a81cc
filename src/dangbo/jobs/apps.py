from importlib import import_module

from django.apps import AppConfig, apps
from django.utils.module_loading import module_has_submodule


class JobsConfig(AppConfig):
    name = "dangbo.jobs"
    label = "jobs"
    verbose_name = "Công việc nền"

    def ready(self):
        # Job kinds: this app's own, then every dangbo app's ``jobs.py`` (like Django's admin.py), so that the web
        # server (labels, start pages) and the worker (running them) know the same kinds.
        from dangbo.core.registries import HEALTH_REPORTS, register_audit_events

        from . import (
            kinds,  # noqa: F401
            policies,  # noqa: F401 - registers the policies of this app's models
        )
        from .selectors import health_report

        HEALTH_REPORTS.register("jobs.queue", health_report)
        from .choices import AuditEvents

        register_audit_events(AuditEvents)

        for config in apps.get_app_configs():
            if (
                config.name.startswith("dangbo.")
                and config is not self
                and module_has_submodule(config.module, "jobs")
            ):
                import_module(f"{config.name}.jobs")
        # Every app has registered its import kinds (core.registries.IMPORT_KINDS) in its own ready(): this app
        # comes after them in INSTALLED_APPS. One background job kind for each.
        from .imports import register_import_jobs

        register_import_jobs()
