from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dangbo.demo.synthetic import SCALES, SEED, load_synthetic


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu tổng hợp quy mô lớn (benchmark) vào cơ sở dữ liệu trống: "
        "province ≈ 250.000 đảng viên, nation ≈ 5,6 triệu đảng viên ở 34 tỉnh, thành phố."
    )

    def add_arguments(self, parser):
        parser.add_argument("scale", choices=sorted(SCALES), help="province | nation")
        parser.add_argument(
            "--members", type=int, default=None,
            help="số đảng viên (mặc định theo quy mô); số tổ chức co giãn theo cùng tỉ lệ",
        )  # fmt: skip
        parser.add_argument("--seed", type=int, default=SEED, help=f"hạt giống ngẫu nhiên (mặc định {SEED})")

    def handle(self, *args, scale, members, seed, **options):
        if members is not None and members < 1:
            raise CommandError("--members phải là số dương.")

        def out(line):
            self.stdout.write(line)
            self.stdout.flush()

        try:
            load_synthetic(scale, members=members, seed=seed, stdout=out, data_dir=settings.DATA_DIR)
        except RuntimeError as error:
            raise CommandError(str(error)) from error
