from django.core.management.base import BaseCommand

from dangbo.members.counts.services import recount


class Command(BaseCommand):
    help = "Tính lại số đảng viên (chính thức, dự bị) của mọi tổ chức từ hồ sơ đảng viên."

    def handle(self, *args, **options):
        n = recount()
        self.stdout.write(f"Đã tính lại số đảng viên của {n} tổ chức.")
