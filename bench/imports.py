#!/usr/bin/env python
"""Benchmark of the import framework (``core.imports``): rows per second of a dry run of each kind, through the
owning services (every rule applies), on a fresh database. Prints CPU time (process_time) and wall time with the
load average; asserts nothing.

  DANGBO_DATA_DIR=<data dir of a dangbo synth load> .venv/bin/python bench/imports.py -n 500
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangbo_<branch> .venv/bin/python bench/imports.py -n 500

``--only dang_vien`` measures the members alone (their bulk path, ``members.services.member_create_many``);
``--commit`` commits them too (the rows stay: use a synthetic database you can throw away).

``--province``: the round trip of a whole province (``dangbo synth province``, ~250,000 members) through the same
code as the pages — the export «Xuất để nhập lại (có số CCCD)» (the export job), then that file imported with the
import job the page starts (dry run, then commit): into the same database ("0 to add"), and into a copy of it whose
members were deleted (the organization tree only). Each step runs in its own process, which prints its CPU time,
wall time, memory peak (VmHWM) and the longest gap between two progress reports of the job:

  DANGBO_DATA_DIR=/tmp/bench-sqlite .venv/bin/python bench/imports.py --province --work /tmp/import-province
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangbo_x .venv/bin/python bench/imports.py --province --work …

The copy without members is ``<work>/empty`` (SQLite) or the database ``<name>_empty`` (PostgreSQL, made with
``CREATE DATABASE … TEMPLATE``); it is made again on every run. The source database keeps the audit events and jobs
of the re-import (no record changes).
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


# -- a whole province, exported and imported again (--province) -------------------------------------------------


def memory_peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run_job(job_pk: int) -> tuple[dict, float]:
    """Run the job in this process (``jobs.runner.execute``, as the worker does), watching its progress reports:
    returns the job's row and the longest time between two reports (the job's page shows nothing new meanwhile)."""
    from dangbo.jobs import runner
    from dangbo.jobs.models import Job

    calls = [time.perf_counter()]
    original = runner.Progress.__call__

    def watched(self, *args, **kwargs):
        calls.append(time.perf_counter())
        return original(self, *args, **kwargs)

    runner.Progress.__call__ = watched
    try:
        runner.execute(job_pk)
    finally:
        runner.Progress.__call__ = original
    calls.append(time.perf_counter())
    gap = max((b - a for a, b in zip(calls, calls[1:], strict=False)), default=0.0)
    job = Job.objects.values("state", "message", "error", "done", "total").get(pk=job_pk)
    return job, gap


def phase(name: str, work: Path) -> dict:
    """One step of the round trip, in this process (the parent starts one process per step)."""
    import shutil

    from django.core.files import File

    from dangbo.accounts.models import User
    from dangbo.core.registries import IMPORT_KINDS
    from dangbo.jobs.imports import EXPORT_JOB, start_import
    from dangbo.jobs.services import start_job
    from dangbo.members.models import Member, MemberEvent, MemberPeriod
    from dangbo.organizations.models import Organization

    staff = User.objects.get(username="bench.staff")
    province = Organization.objects.filter(parent__isnull=True).order_by("pk").first()
    file = work / "dang-vien-de-nhap-lai.xlsx"
    out: dict = {}
    cpu, wall = time.process_time(), time.perf_counter()
    if name == "export":  # the page's «Xuất để nhập lại (có số CCCD)» over the whole province, as a job
        job = start_job(actor=staff, kind=EXPORT_JOB, scope_org=province,
                        params={"list": "dang_vien_nhap_lai", "query": ""})  # fmt: skip
        row, out["gap"] = run_job(job.pk)
        from dangbo.jobs.choices import JobState
        from dangbo.jobs.models import Job
        from dangbo.jobs.runner import files_dir

        if row["state"] != JobState.DONE:
            sys.exit(f"export: {row}")
        shutil.copyfile(files_dir() / Job.objects.get(pk=job.pk).result_file, file)
        out.update(message=row["message"], size_mb=file.stat().st_size / 1024 / 1024)
    elif name == "empty":  # the copy without members: the organization tree only
        empty_members()
        out["members"] = Member.objects.count()
    else:  # read (the page's request), dry / commit (the job)
        kind = IMPORT_KINDS.get("dang_vien")
        before = (Member.objects.count(), MemberEvent.objects.count(), MemberPeriod.objects.count())
        with open(file, "rb") as handle:
            upload = File(handle, name=file.name)
            upload.size = file.stat().st_size
            if name == "read":  # what the job does before it checks the rows
                from dangbo.core import imports

                headers = imports.read_headers(kind, upload)
                sheet = imports.read_upload(
                    kind, upload, None if not imports.needs_mapping(kind, headers.names) else {}
                )
                out["rows"] = len(sheet.rows)
            else:
                job = start_import(actor=staff, kind=kind, upload=upload, options={}, scope_org=province,
                                   commit=name == "commit")  # fmt: skip
        if name != "read":
            row, out["gap"] = run_job(job.pk)
            out.update(message=row["message"] or row["error"], state=row["state"])
        after = (Member.objects.count(), MemberEvent.objects.count(), MemberPeriod.objects.count())
        out["records"] = f"members {before[0]:,} → {after[0]:,}, events {before[1]:,} → {after[1]:,}, periods {before[2]:,} → {after[2]:,}"  # fmt: skip
    out.update(cpu=time.process_time() - cpu, wall=time.perf_counter() - wall, peak_mb=memory_peak_mb(),
               load=os.getloadavg()[0])  # fmt: skip
    return out


def empty_members() -> None:
    """Delete every member (and what hangs on them) with plain SQL, then recount the organizations and rebuild the
    report rollups: the organization tree as it was, without members."""
    from django.db import connection, transaction

    from dangbo.members.counts import services as counts
    from dangbo.members.models import Member
    from dangbo.reports.rollups import services as rollups

    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("PRAGMA defer_foreign_keys = ON")
        for rel in Member._meta.related_objects:
            table, column = quote(rel.related_model._meta.db_table), quote(rel.field.column)
            if rel.field.null:
                cur.execute(f"UPDATE {table} SET {column} = NULL WHERE {column} IS NOT NULL")
            else:
                cur.execute(f"DELETE FROM {table}")
        cur.execute(f"DELETE FROM {quote(Member._meta.db_table)}")
    counts.recount()
    rollups.rebuild()


def round_trip(work: Path, file: Path | None = None) -> None:
    """The parent: one process per step, the figures of each."""
    import json
    import shutil
    import subprocess

    work.mkdir(parents=True, exist_ok=True)
    url = os.environ.get("DATABASE_URL", "")
    env = dict(os.environ)
    empty_env = dict(os.environ)
    if url:
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}_empty"')
            db.execute(f'CREATE DATABASE "{name}_empty" TEMPLATE "{name}"')
        empty_env["DATABASE_URL"] = f"{base}/{name}_empty"
    else:
        source = Path(os.environ["DANGBO_DATA_DIR"])
        target = work / "empty"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir()
        for item in ("dangbo.sqlite3", "secret_key"):
            shutil.copy2(source / item, target / item)
        empty_env["DANGBO_DATA_DIR"] = str(target)

    def step(name: str, label: str, environment: dict) -> dict:
        done = subprocess.run([sys.executable, __file__, "--phase", name, "--work", str(work)], env=environment,
                              capture_output=True, text=True, check=False)  # fmt: skip
        line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
        if line is None:
            sys.exit(f"{label}: failed\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        out = json.loads(line[7:])
        rows = out.get("rows") or rows_in_file
        speed = (
            f"{rows / out['cpu']:,.0f} rows/s CPU, {rows / out['wall']:,.0f} rows/s wall; " if rows else ""
        )
        gap = f"longest gap between progress reports {out['gap']:.1f} s; " if "gap" in out else ""
        print(f"{label}: {out['cpu']:.1f} s CPU, {out['wall']:.1f} s wall; {speed}{gap}memory peak "
              f"{out['peak_mb']:,.0f} MB (load {out['load']:.1f})")  # fmt: skip
        for key in ("message", "records", "size_mb"):
            if key in out:
                print(f"    {key}: {out[key]:.1f} MB" if key == "size_mb" else f"    {key}: {out[key]}")
        return out

    rows_in_file = 0
    step("empty", "copy without members (delete, recount, rebuild rollups)", empty_env)
    if file is None:
        step("export", "export «để nhập lại» (job)", env)
    else:  # a file exported before (the same synthetic province: same seed, same codes and citizen IDs)
        shutil.copyfile(file, work / "dang-vien-de-nhap-lai.xlsx")
        print(f"file: {file} (exported before, not by this run)")
    rows_in_file = step("read", "read the whole file as the job does (openpyxl, conversions)", env)["rows"]
    step("dry", "re-import into the same database: dry run (job)", env)
    step("commit", "re-import into the same database: commit (job)", env)
    step("dry", "import into the copy without members: dry run (job)", empty_env)
    step("commit", "import into the copy without members: commit (job)", empty_env)
    step("dry", "import the same file again into that copy: dry run (job)", empty_env)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=500)
    parser.add_argument("--only", choices=["to_chuc", "dang_vien"], help="measure one kind only")
    parser.add_argument("--commit", action="store_true", help="also commit (the rows stay in the database)")
    parser.add_argument(
        "--province", action="store_true", help="export and import a whole synthetic province"
    )
    parser.add_argument(
        "--work", type=Path, default=Path("/tmp/dangbo-import-province"), help="files of --province"
    )
    parser.add_argument("--file", type=Path, help="--province: import this export instead of exporting again")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    args = parser.parse_args()
    n = args.n
    import django

    django.setup()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from common import print_environment, require_synthetic  # bench/common.py

    if args.phase:
        import json

        require_synthetic()
        print("RESULT " + json.dumps(phase(args.phase, args.work)))
        return
    if args.province:
        print_environment(require_synthetic())
        from django.db import connections

        connections.close_all()  # (PostgreSQL: the copy is made from this database as a template)
        round_trip(args.work, args.file)
        return
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
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
