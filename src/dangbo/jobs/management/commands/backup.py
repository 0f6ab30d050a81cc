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
        parser.add_argument(
            "--job", action="store_true",
            help="không sao lưu ngay mà xếp một công việc nền (tiến trình chạy nền làm; xem ở trang Công việc nền)",
        )  # fmt: skip

    def handle(self, *args, output=None, keep=None, job=False, **options):
        if job:
            from dangbo.core.errors import ApplicationError
            from dangbo.jobs.services import start_job

            if output is not None:
                raise CommandError(
                    "--output không dùng cùng --job: công việc nền ghi vào thư mục sao lưu mặc định."
                )
            if keep is not None and keep < 1:
                raise CommandError("Số bản giữ lại (--keep) phải từ 1 trở lên.")
            try:
                queued = start_job(actor=None, kind="sao_luu", params={"keep": keep} if keep else {})
            except ApplicationError as error:
                raise CommandError(error.message) from None
            self.stdout.write(f"Đã xếp công việc nền {queued}: theo dõi tại /cong-viec/{queued.pk}/")
            return
        try:
            result = backup.backup(directory=output, keep=keep)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Đã sao lưu: {result.path}\n  {backup.describe(result.manifest)}")
        for path in result.removed:
            self.stdout.write(f"  đã xóa bản cũ: {path.name}")
