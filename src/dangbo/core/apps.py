from django.apps import AppConfig


class Config(AppConfig):
    name = "dangbo.core"
    label = "core"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deployment checks)
