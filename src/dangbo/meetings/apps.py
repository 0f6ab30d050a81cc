from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "dangbo.meetings"
    label = "meetings"
    verbose_name = "Sinh hoạt chi bộ"

    def ready(self):
        from dangbo.members.selectors_history import register_removal_signal

        from .selectors import absence_alerts

        register_removal_signal(absence_alerts)
