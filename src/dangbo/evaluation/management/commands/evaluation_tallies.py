from django.core.management.base import BaseCommand, CommandError

from dangbo.evaluation import selectors, services


class Command(BaseCommand):
    help = (
        "Đánh giá, xếp loại: đối chiếu (--check) hoặc tính lại số phiếu theo mức của từng đợt đánh giá và tổ chức "
        "từ các phiếu đánh giá."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="chỉ đối chiếu, không ghi; sai lệch thì mã lỗi 1"
        )

    def handle(self, *args, check=False, **options):
        if check:
            diffs = selectors.tally_differences()
            for (campaign, whole, org, path, members, not_rated, decided, proposed), have, want in diffs[:50]:
                what = "đảng viên" if members else "tổ chức"
                where = f"cả đợt, đường dẫn {path}" if whole else f"tổ chức {org}, đường dẫn {path}"
                self.stdout.write(f"đợt {campaign}, {where} ({what}), chưa xếp loại «{not_rated}», "
                                  f"quyết định «{decided}», đề xuất «{proposed}»: đang lưu {have}, tính lại {want}")  # fmt: skip
            if diffs:
                raise CommandError(f"{len(diffs)} dòng số phiếu theo mức lệch với số tính lại.")
            self.stdout.write("Số phiếu theo mức khớp với số tính lại.")
            return
        n = services.tally_rebuild()
        self.stdout.write(f"Đã tính lại {n} dòng số phiếu theo mức (đợt đánh giá × tổ chức × mức).")
