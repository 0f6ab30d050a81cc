from django.apps import AppConfig


class Config(AppConfig):
    name = "dangbo.members"
    label = "members"

    def ready(self):
        from . import policies  # noqa: F401 - registers the policies of this app's models
