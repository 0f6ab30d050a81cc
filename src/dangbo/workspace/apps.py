from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """The user's workspace: the home page ("việc của tôi") and the navigation — the top layer, which composes the
    figures and reminders of every app below it."""

    name = "dangbo.workspace"
    label = "workspace"
    verbose_name = "Việc của tôi"
