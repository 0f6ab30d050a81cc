from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "dangbo.meetings"
    label = "meetings"
    verbose_name = "Sinh hoạt chi bộ"

    def ready(self):
        from dangbo.core.registries import EXPORT_LISTS, PATH_TABLES

        from . import exports

        EXPORT_LISTS.register(exports.MEETINGS.key, exports.MEETINGS)
        from dangbo.organizations.tree.services import PathTable

        # Meetings on or after a move are held in the organization's new place; earlier ones stay where it was.
        PATH_TABLES.register("meetings.Meeting", PathTable("meetings.Meeting", dated_by="planned_at__date"))
        from dangbo.members.history.selectors import register_removal_signal

        from .selectors import absence_alerts

        register_removal_signal(absence_alerts)
