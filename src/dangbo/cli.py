"""The ``dangbo`` command.

dangbo serve [--host 127.0.0.1] [--port 8000] [--workers 2] [--threads 1] [--no-worker]
    migrate, load the demo on an empty database, collect static files, serve with gunicorn and run the
    background-job worker beside it (restarted if it dies, stopped with the server)
dangbo worker          run a background-job worker (more of them, or on other machines, at scale)
dangbo demo            load the demo data into an empty database
dangbo synth province|nation   bulk-load synthetic scale data (benchmarks); --users: only (re)write the bench logins
dangbo backup [--output DIR] [--keep N]   consistent online backup: database, uploads, settings (one archive)
dangbo backup --job [--keep N]   the same as a background job run by the worker (followed on /cong-viec/)
dangbo restore ARCHIVE   restore an archive into an empty database and data directory, then verify it
dangbo rollups extend|check|rebuild   the report rollups (extend: daily by cron)
dangbo home warm [--days 30]   compute today's «Việc của tôi» of recent users (daily by cron, after midnight)
dangbo <any django management command> …   e.g. dangbo migrate, dangbo createsuperuser
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
    import django

    django.setup()


class WorkerProcess:
    """The background-job worker that ``dangbo serve`` runs beside gunicorn: a ``dangbo worker`` subprocess,
    started again when it dies (after a pause that grows while it keeps dying at once), stopped with the server.
    It has a session of its own (Ctrl+C in the terminal reaches the server, which then stops it in order: the job in
    hand may finish for ``DANGBO_WORKER_STOP_SECONDS``, then is interrupted and marked failed) and stops by itself
    if this process is killed outright (``--parent-pid``)."""

    def __init__(self):
        self.owner = os.getpid()
        self.process: subprocess.Popen | None = None
        self.stopping = threading.Event()
        self.lock = threading.Lock()  # no new process once stop() has begun

    def _spawn(self) -> None:
        with self.lock:
            if self.stopping.is_set():
                return
            command = [sys.executable, "-m", "dangbo.cli", "worker", "--parent-pid", str(self.owner)]
            self.process = subprocess.Popen(command, start_new_session=True)
            self.started = time.monotonic()

    def start(self) -> None:
        self._spawn()
        threading.Thread(target=self._supervise, name="dangbo-worker-supervisor", daemon=True).start()

    def _supervise(self) -> None:
        pause = 1.0
        while not self.stopping.wait(1.0):
            if self.process.poll() is None:
                continue
            if time.monotonic() - self.started > 60:
                pause = 1.0  # it ran for a while: not a crash loop
            print(f"dangbo: tiến trình chạy nền đã dừng (mã {self.process.returncode}); chạy lại sau {pause:.0f} giây",
                  file=sys.stderr, flush=True)  # fmt: skip
            if self.stopping.wait(pause):
                return
            self._spawn()
            pause = min(pause * 2, 60.0)

    def stop(self) -> None:
        # gunicorn's workers are forks of this process and leave through the same ``finally``: only the owner stops.
        if os.getpid() != self.owner or self.process is None:
            return
        with self.lock:
            self.stopping.set()
        grace = float(os.environ.get("DANGBO_WORKER_STOP_SECONDS", "10"))
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
            if self.process.poll() is not None:
                return
            try:
                self.process.send_signal(sig)
                self.process.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
            except ProcessLookupError:
                return


def serve(argv: list[str]) -> None:
    # Files this process creates (database, uploads, secret key) are its user's only (settings does it too,
    # for servers that import dangbo.wsgi themselves).
    os.umask(0o077)
    import argparse

    parser = argparse.ArgumentParser(prog="dangbo serve", description="Chạy ứng dụng dangbo")
    parser.add_argument("--host", default=os.environ.get("DANGBO_HOST", "127.0.0.1"))
    parser.add_argument("--port", default=os.environ.get("DANGBO_PORT", "8000"))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("DANGBO_WORKERS", "2")))
    # Threads per worker (gunicorn's gthread worker; 1 = the sync worker). Chosen by bench/load.py (README
    # "Hiệu năng"): on 2 cores with PostgreSQL beside it, 2 sync workers serve as many requests per second as
    # threads do, with half the p95 at 16 clients (threads of one process wait for each other's GIL).
    parser.add_argument("--threads", type=int, default=int(os.environ.get("DANGBO_THREADS", "1")))
    parser.add_argument(
        "--no-demo", action="store_true", help="không nạp dữ liệu mẫu vào cơ sở dữ liệu trống"
    )
    parser.add_argument("--no-worker", action="store_true",
                        help="không chạy tiến trình công việc nền (khi đã chạy `dangbo worker` riêng)")  # fmt: skip
    args = parser.parse_args(argv)

    _setup()
    from django.conf import settings
    from django.core.management import call_command

    from dangbo.demo.loader import DEMO_PASSWORD, PERSONAS
    from dangbo.organizations.models import Organization

    print("dangbo: chuẩn bị cơ sở dữ liệu…", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    if not args.no_demo and not Organization.objects.exists():
        print("dangbo: nạp dữ liệu mẫu (lần chạy đầu tiên)…", flush=True)
        call_command("load_demo")
    call_command("collectstatic", interactive=False, verbosity=0)

    url = f"http://{args.host}:{args.port}"
    print(f"\ndangbo đang chạy tại {url}   (dừng: Ctrl+C)")
    print(
        f"Cơ sở dữ liệu: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}  ·  dữ liệu: {settings.DATA_DIR}"
    )
    if args.no_worker:
        print("Công việc nền: không chạy tiến trình ở đây (--no-worker) — cần `dangbo worker` ở nơi khác.")
    else:
        queue = "trong cơ sở dữ liệu" if settings.TASKS_BACKEND == "database" else "Redis"
        print(f"Công việc nền: một tiến trình chạy nền bên cạnh máy chủ web, hàng đợi {queue}")
    from dangbo.accounts.models import User

    shown = [(u, t) for u, t, _, _ in PERSONAS if User.objects.filter(username=u).exists()]
    if shown:
        print(f"\nTài khoản mẫu (mật khẩu: {DEMO_PASSWORD}):")
        for username, title in shown:
            print(f"  {username:<12} {title}")
    print(flush=True)

    from gunicorn.app.base import BaseApplication

    from dangbo.wsgi import application

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{args.host}:{args.port}")
            self.cfg.set("workers", args.workers)
            if args.threads > 1:
                self.cfg.set("worker_class", "gthread")
                self.cfg.set("threads", args.threads)
            self.cfg.set("accesslog", None)
            self.cfg.set("errorlog", "-")
            self.cfg.set("loglevel", "warning")
            self.cfg.set("timeout", 120)

        def load(self):
            return application

    worker = WorkerProcess()
    if not args.no_worker:
        worker.start()
    # The database connection this process opened (migrate, the demo accounts) must not pass to gunicorn's
    # workers: they are forks, and two workers reading one PostgreSQL socket get each other's rows.
    from django.db import connections

    connections.close_all()
    try:
        Server().run()
    finally:
        worker.stop()


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return
    command, rest = argv[0], argv[1:]
    if command == "serve":
        serve(rest)
        return
    _setup()
    from django.core.management import execute_from_command_line

    if command == "demo":
        command = "load_demo"
    elif command == "synth":
        command = "load_synthetic"
    execute_from_command_line(["dangbo", command, *rest])


if __name__ == "__main__":
    main()
