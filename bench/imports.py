#!/usr/bin/env python
"""Benchmark of the import framework (``core.imports``): rows per second of a dry run of each kind, through the
owning services (every rule applies), on a fresh database. Prints CPU time (process_time) and wall time with the
load average; asserts nothing.

  DANGBO_DATA_DIR=<data dir of a dangbo synth load> .venv/bin/python bench/imports.py -n 500
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangbo_<branch> .venv/bin/python bench/imports.py -n 500

``--only dang_vien`` measures the members alone (their bulk path, ``members.services.member_create_many``);
``--commit`` commits them too (the rows stay: use a synthetic database you can throw away).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def csv_file(name: str, header: list[str], rows: list[list]):
    from django.core.files.uploadedfile import SimpleUploadedFile

    lines = [";".join(header)] + [";".join(str(v) for v in row) for row in rows]
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode())


def timed(kind, actor, upload, commit: bool = False) -> None:
    from dangbo.core import imports

    cpu, wall = time.process_time(), time.perf_counter()
    sheet = imports.read_upload(kind, upload)
    read_cpu = time.process_time() - cpu
    result = imports.run(kind, actor=actor, sheet=sheet, commit=commit)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    n = len(sheet.rows)
    print(f"{kind.key:>18} {'commit' if commit else 'dry run'}: {n} rows, {len(result.errors)} errors; read {read_cpu:.2f} s CPU; "
          f"{n / cpu:,.0f} rows/s CPU, {n / wall:,.0f} rows/s wall (load {os.getloadavg()[0]:.1f})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=500)
    parser.add_argument("--only", choices=["to_chuc", "dang_vien"], help="measure one kind only")
    parser.add_argument("--commit", action="store_true", help="also commit (the rows stay in the database)")
    args = parser.parse_args()
    n = args.n
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from common import print_environment, require_synthetic  # bench/common.py

    print_environment(require_synthetic())
    from dangbo.accounts.models import User
    from dangbo.members.imports import MEMBERS
    from dangbo.organizations import services
    from dangbo.organizations.imports import ORGANIZATIONS
    from dangbo.organizations.models import Organization

    root = User.objects.get(username="bench.staff")  # the first province's staff, written by dangbo synth
    tag = str(time.time_ns())[-6:]
    province = Organization.objects.filter(parent__isnull=True).order_by("pk").first()
    bloc = services.organization_create(
        actor=root, parent=province, data={"name": f"Khối {tag}", "code": f"K{tag}", "kind": "truc_thuoc"}
    )
    cell = services.organization_create(actor=root, parent=bloc, data={"name": f"Chi bộ {tag}", "code": f"C{tag}", "kind": "chi_bo_co_so"})  # fmt: skip
    orgs = [[f"B{tag}-{i}", bloc.code, "Chi bộ cơ sở", f"Chi bộ Cơ quan {i}", "01/01/2010"] for i in range(n)]
    if args.only != "dang_vien":
        timed(ORGANIZATIONS, root, csv_file("to-chuc.csv", ["Mã tổ chức", "Mã tổ chức cấp trên", "Loại tổ chức",
                                                            "Tên tổ chức", "Ngày thành lập"], orgs))  # fmt: skip
    members = [[cell.code, f"Nguyễn Văn Thử {i}", "Nam", "17/05/1980", f"0{tag[-5:]}{i:06d}",
                "01/01/2015", "Chính thức", "02/03/2005", "02/03/2006"] for i in range(n)]  # fmt: skip
    header = ["Mã chi bộ", "Họ và tên", "Giới tính", "Ngày sinh", "Số CCCD", "Sinh hoạt tại chi bộ từ ngày",
              "Tình trạng", "Ngày vào Đảng", "Ngày chính thức"]  # fmt: skip
    if args.only != "to_chuc":
        timed(MEMBERS, root, csv_file("dang-vien.csv", header, members))
        if args.commit:
            timed(MEMBERS, root, csv_file("dang-vien.csv", header, members), commit=True)
    print(f"({dt.datetime.now():%H:%M}, {'PostgreSQL' if os.environ.get('DATABASE_URL') else 'SQLite'})")


if __name__ == "__main__":
    main()
