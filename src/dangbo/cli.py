"""The ``dangbo`` command.

  dangbo serve [--host 127.0.0.1] [--port 8000] [--workers 2]
      migrate, load the demo on an empty database, collect static files, serve with gunicorn
  dangbo demo            load the demo data into an empty database
  dangbo synth province|nation   bulk-load synthetic scale data (benchmarks)
  dangbo backup [--output DIR] [--keep N]   consistent online backup: database, uploads, settings (one archive)
  dangbo restore ARCHIVE   restore an archive into an empty database and data directory, then verify it
  dangbo <any django management command> …   e.g. dangbo migrate, dangbo createsuperuser
"""

from __future__ import annotations

import os
import sys


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
    import django

    django.setup()


def serve(argv: list[str]) -> None:
    # Files this process creates (database, uploads, secret key) are its user's only (settings does it too,
    # for servers that import dangbo.wsgi themselves).
    os.umask(0o077)
    import argparse

    parser = argparse.ArgumentParser(prog="dangbo serve", description="Chạy ứng dụng dangbo")
    parser.add_argument("--host", default=os.environ.get("DANGBO_HOST", "127.0.0.1"))
    parser.add_argument("--port", default=os.environ.get("DANGBO_PORT", "8000"))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("DANGBO_WORKERS", "2")))
    parser.add_argument("--no-demo", action="store_true", help="không nạp dữ liệu mẫu vào cơ sở dữ liệu trống")
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
    print(f"Cơ sở dữ liệu: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}  ·  dữ liệu: {settings.DATA_DIR}")
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
            self.cfg.set("accesslog", None)
            self.cfg.set("errorlog", "-")
            self.cfg.set("loglevel", "warning")
            self.cfg.set("timeout", 120)

        def load(self):
            return application

    Server().run()


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
