from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangbo.core import backup


class Command(BaseCommand):
    help = (
        "Sao lưu trực tuyến CSDL, tệp tải lên và các thiết lập vào một tệp lưu trữ có ngày, bản kê và mã kiểm tra "
        "(không kèm khóa bí mật). Chạy được khi máy chủ đang phục vụ."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="thư mục ghi bản sao lưu (mặc định DANGBO_BACKUP_DIR hoặc <thư mục dữ liệu>/backups)",
        )
        parser.add_argument(
            "--keep", type=int, help="giữ lại N bản mới nhất trong thư mục, xóa các bản cũ hơn"
        )

    def handle(self, *args, output=None, keep=None, **options):
        try:
            result = backup.backup(directory=output, keep=keep)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Đã sao lưu: {result.path}\n  {backup.describe(result.manifest)}")
        for path in result.removed:
            self.stdout.write(f"  đã xóa bản cũ: {path.name}")
