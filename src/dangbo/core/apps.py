from django.apps import AppConfig


class Config(AppConfig):
    name = "dangbo.core"
    label = "core"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from . import checks  # noqa: F401  (registers the deployment checks)
        from .models import DayOff
        from .policies import ReferencePolicy, register

        register(type("DayOffPolicy", (ReferencePolicy,), {"model": DayOff, "__module__": __name__}))
        # Every app's policies.py registers the permission policies of its models (core names no app).
        autodiscover_modules("policies")
