from django.core.management.base import BaseCommand, CommandError

from dangbo.core.formats import so
from dangbo.demo.loader import load_demo


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (Đảng bộ Khối các cơ quan tỉnh Nghệ An, 2013) vào cơ sở dữ liệu trống."

    def handle(self, *args, **options):
        self.stdout.write("Nạp dữ liệu mẫu 2010 → nay (khoảng 1–3 phút); từng bước:")
        try:
            result = load_demo(stdout=self.stdout)
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Đã nạp dữ liệu mẫu: {so(result['organizations'])} tổ chức, {so(result['members'])} đảng viên, "
            f"{len(result['users'])} tài khoản."
        )
