from django.core.management.base import BaseCommand, CommandError

from dangbo.dues import selectors, services


class Command(BaseCommand):
    help = (
        "Đảng phí: đối chiếu (--check) hoặc tính lại bảng tổng thu theo tổ chức và tháng từ các bảng thu tháng "
        "của chi bộ."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="chỉ đối chiếu, không ghi; sai lệch thì mã lỗi 1"
        )

    def handle(self, *args, check=False, **options):
        if check:
            diffs = selectors.totals_differences()
            for org, month, have, want in diffs[:50]:
                self.stdout.write(f"tổ chức {org}, tháng {month:%m/%Y}: đang lưu {have}, tính lại {want}")
            if diffs:
                raise CommandError(f"{len(diffs)} dòng tổng thu đảng phí lệch với số tính lại.")
            self.stdout.write("Bảng tổng thu đảng phí khớp với số tính lại.")
            return
        n = services.totals_rebuild()
        self.stdout.write(f"Đã tính lại {n} dòng tổng thu đảng phí (tổ chức × tháng).")
