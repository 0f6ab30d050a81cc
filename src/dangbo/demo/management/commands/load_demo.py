from django.core.management.base import BaseCommand, CommandError

from dangbo.demo.loader import load_demo


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (Đảng bộ Khối các cơ quan tỉnh Nghệ An, 2013) vào cơ sở dữ liệu trống."

    def handle(self, *args, **options):
        try:
            result = load_demo()
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Đã nạp dữ liệu mẫu: {result['organizations']} tổ chức, {result['members']} đảng viên, "
            f"{len(result['users'])} tài khoản."
        )
