"""``dangbo home warm``: compute today's «Việc của tôi» reminders of the users who sign in, before they do.

The reminders are kept per user and day (``workspace.selectors.my_alerts``), so without this the first visit of the
day pays for the whole computation (about a second for a province's staff at national scale). Run it by cron soon
after midnight, Việt Nam time, e.g. ``CRON_TZ=Asia/Ho_Chi_Minh`` and ``30 0 * * * … dangbo home warm``."""

import datetime as dt
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from dangbo.accounts.models import User
from dangbo.core.dates import today
from dangbo.core.formats import so
from dangbo.workspace.selectors import my_alerts


class Command(BaseCommand):
    help = (
        "Trang «Việc của tôi»: warm tính trước các việc cần làm hôm nay của những người dùng đã đăng nhập trong "
        "--days ngày gần đây (chạy bằng cron sau nửa đêm), để lần mở trang đầu tiên trong ngày không phải chờ."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["warm"])
        parser.add_argument(
            "--days", type=int, default=30, help="người đã đăng nhập trong ngần này ngày (mặc định 30)"
        )

    def handle(self, *args, action, days, **options):
        on = today()
        since = timezone.now() - dt.timedelta(days=days)
        users = User.objects.filter(is_active=True, last_login__gte=since).order_by("pk")
        started, count, items = time.monotonic(), 0, 0
        for user in users.iterator(chunk_size=200):
            items += len(my_alerts(user, on))
            count += 1
        seconds = f"{time.monotonic() - started:.1f}".replace(".", ",")
        self.stdout.write(
            f"Đã tính trước trang «Việc của tôi» ngày {on:%d/%m/%Y} của {so(count)} người dùng "
            f"({so(items)} việc) trong {seconds} giây."
        )
