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
            "--users", action="store_true",
            help="chỉ ghi lại các tài khoản benchmark (bí thư chi bộ bench.cell01…) vào CSDL tổng hợp đã nạp",
        )  # fmt: skip
        parser.add_argument(
            "--members", type=int, default=None,
            help="số đảng viên (mặc định theo quy mô); số tổ chức co giãn theo cùng tỉ lệ",
        )  # fmt: skip
        parser.add_argument("--seed", type=int, default=SEED, help=f"hạt giống ngẫu nhiên (mặc định {SEED})")

    def handle(self, *args, scale, members, seed, users=False, **options):
        if members is not None and members < 1:
            raise CommandError("--members phải là số dương.")
        if users:
            self._users()
            return

        def out(line):
            self.stdout.write(line)
            self.stdout.flush()

        try:
            load_synthetic(scale, members=members, seed=seed, stdout=out, data_dir=settings.DATA_DIR)
        except RuntimeError as error:
            raise CommandError(str(error)) from error

    def _users(self):
        """The benchmark's cell secretaries, added to a database ``dangbo synth`` loaded before they existed."""
        from dangbo.accounts.models import RoleAssignment
        from dangbo.demo.synthetic import create_cell_secretaries, synthetic_mark

        if synthetic_mark() is None:
            raise CommandError("Cơ sở dữ liệu không được đánh dấu là dữ liệu tổng hợp (dangbo synth).")
        grassroots = RoleAssignment.objects.filter(user__username="bench.grassroots").first()
        if grassroots is None:
            raise CommandError("Không có tài khoản bench.grassroots trong cơ sở dữ liệu này.")
        for username, role, code in create_cell_secretaries(grassroots.organization_id):
            self.stdout.write(f"{username}  {role}  {code}")
