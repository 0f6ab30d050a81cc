import argparse

from django.core.management.base import BaseCommand

from dangbo.jobs import worker


class Command(BaseCommand):
    help = (
        "Chạy tiến trình thực hiện công việc nền (nhập dữ liệu, xuất tệp lớn, báo cáo, sao lưu…). `dangbo serve` "
        "tự chạy một tiến trình; chạy thêm lệnh này trên các máy khác khi cần nhiều tiến trình."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0,
                            help="số giây chờ giữa hai lần xem hàng đợi khi không có việc (mặc định 1)")  # fmt: skip
        parser.add_argument("--worker-id", help="tên riêng của tiến trình (mặc định: máy-pid-ngẫu nhiên)")
        # dangbo serve passes its pid: the worker stops when serve is gone.
        parser.add_argument("--parent-pid", type=int, help=argparse.SUPPRESS)

    def handle(self, *args, interval=1.0, worker_id=None, parent_pid=None, **options):
        worker.run(worker_id=worker_id, interval=interval, parent_pid=parent_pid)
