from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangbo.core import backup


class Command(BaseCommand):
    help = (
        "Khôi phục một bản sao lưu của dangbo vào CSDL và thư mục dữ liệu trống; kiểm tra mã kiểm tra, phiên bản, "
        "rồi đối chiếu số dòng từng bảng và nhật ký thay đổi với bản kê."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="tệp sao lưu dangbo-….tar.gz / .tar")

    def handle(self, *args, archive, **options):
        try:
            restored = backup.restore(archive)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        manifest = restored.manifest
        self.stdout.write(
            f"Đã khôi phục {archive} (sao lưu lúc {manifest['created_at']}, dangbo {manifest['version']}).\n"
            f"  Đã đối chiếu với bản kê: {backup.describe(manifest)} — khớp."
        )
        if restored.pending_migrations:
            self.stdout.write(
                f"  Bản sao lưu của phiên bản cũ hơn: chạy 'dangbo migrate' ({len(restored.pending_migrations)} "
                "migration chưa áp dụng) trước khi phục vụ."
            )
        for line in restored.settings_differences:
            self.stdout.write(f"  Thiết lập khác lúc sao lưu — {line}")
        self.stdout.write(
            "  Khóa bí mật không nằm trong bản sao lưu: người dùng cần đăng nhập lại; liên kết đặt lại mật khẩu cũ "
            "hết hiệu lực."
        )
