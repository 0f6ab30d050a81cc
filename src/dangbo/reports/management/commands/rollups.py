"""``dangbo rollups check|rebuild|extend``: the report rollups against a live recount (reports/rollups/services.py)."""

from django.core.management.base import BaseCommand, CommandError

from dangbo.core.formats import so
from dangbo.reports.rollups import selectors as rolled
from dangbo.reports.rollups import services as rollups


class Command(BaseCommand):
    help = (
        "Số liệu tổng hợp của báo cáo (đảng viên, sinh hoạt chi bộ theo chi bộ và theo mọi cấp): check (đếm lại từ dữ liệu gốc và liệt kê chỗ "
        "khác), rebuild (dựng lại toàn bộ), extend (thêm các tháng mới đến tháng này)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["check", "rebuild", "extend"])

    def handle(self, *args, action, **options):
        if action == "rebuild":
            written = rollups.rebuild()
            rollups.vacuum()  # the visibility map of the rows just written (the reports' index-only reads)
            self.stdout.write(
                f"Đã dựng lại: {so(written['member_month'])} dòng chi bộ-tháng, "
                f"{so(written['member_move'])} dòng biến động, {so(written['meeting_month'])} dòng sinh hoạt chi bộ-tháng, "
                f"{so(written['meeting_total'])} dòng sinh hoạt tổ chức-tháng (mọi cấp)."
            )
        elif action == "extend":
            self.stdout.write(f"Đã thêm {rollups.extend()} tháng.")
        else:
            problems = rollups.check()
            for line in problems[:200]:
                self.stdout.write(line)
            if problems:
                raise CommandError(f"Số liệu tổng hợp khác đếm lại: {so(problems.total)} chỗ.")
            c = rolled.coverage()
            months = f" (tháng {c['first']:%m/%Y} – {c['through']:%m/%Y})" if c["first"] else ""
            self.stdout.write(f"Số liệu tổng hợp khớp với đếm lại{months}.")
