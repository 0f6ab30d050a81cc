from django.apps import AppConfig


class SteeringConfig(AppConfig):
    name = "dangbo.steering"
    label = "steering"
    verbose_name = "Công tác lãnh đạo, chỉ đạo"

    def ready(self):
        from dangbo.members.selectors_history import register_alert_source

        from .tasks import task_alerts

        register_alert_source(task_alerts)
