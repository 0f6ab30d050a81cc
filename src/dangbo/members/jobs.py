"""Long member work in the background (``dangbo.jobs``): importing a file with more rows than a page should wait
for (``documents.sync_rows()``). The page stores the upload in the job files directory and starts the job; the
job runs the same ``services.member_import`` (dry run or commit, all or nothing), reports progress row by row,
and leaves a table of the rows' errors to download. The stored upload is deleted when the job ends."""

from __future__ import annotations

import re
import secrets
from pathlib import Path, PurePath

from django.core.files import File

from dangbo.core import policies
from dangbo.core.errors import ApplicationError
from dangbo.core.xlsx import Column, Letterhead, Table, table_xlsx
from dangbo.jobs.registry import JobResult, job
from dangbo.jobs.runner import files_dir, result_path
from dangbo.jobs.services import start_job

from . import documents, services

KIND = "nhap_dang_vien"
_STAGED = re.compile(r"^nhap-[a-z]{32}\.(xlsx|csv)$")
# Letters only: the job's parameters refuse long runs of digits (they could be a citizen ID or a phone number).
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _may_import(actor, scope_org) -> bool:
    return scope_org is not None and policies.can(actor, "place_members", scope_org)


def start_import(*, actor, upload, cell, scope_org, commit: bool):
    """Store ``upload`` (already checked by ``documents.read_upload``) and queue its import; returns the job."""
    directory = files_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    token = "".join(secrets.choice(_LETTERS) for _ in range(32))
    name = f"nhap-{token}{PurePath(upload.name).suffix.lower()}"
    upload.seek(0)
    with open(directory / name, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    try:
        return start_job(actor=actor, kind=KIND, scope_org=scope_org,
                         params={"file": name, "commit": commit, "cell": cell.pk if cell else None})  # fmt: skip
    except ApplicationError:
        (directory / name).unlink(missing_ok=True)
        raise


@job(KIND, "Nhập đảng viên từ tệp", allowed=_may_import, scoped=True,
     description="Kiểm tra hoặc nhập tệp đảng viên lớn (trang Đảng viên → Nhập từ tệp).")  # fmt: skip
def import_members(job, progress):
    from dangbo.organizations.models import Organization

    name = str(job.params.get("file", ""))
    path = files_dir() / name
    if not _STAGED.match(name) or not path.is_file():
        raise ApplicationError("Không còn tệp cần nhập: hãy tải tệp lên lại ở trang Đảng viên → Nhập từ tệp.")
    commit = bool(job.params.get("commit"))
    try:
        progress(0, None, "Đang đọc tệp")
        with open(path, "rb") as handle:
            upload = File(handle, name=name)
            sheet = documents.read_upload(upload)
        cell = None
        if job.params.get("cell"):
            cells = policies.scope(job.started_by, "place_members", Organization.objects.all())
            cell = cells.filter(pk=job.params["cell"]).first()
        result = services.member_import(actor=job.started_by, sheet=sheet, cell=cell, commit=commit,
                                        source=f"Nhập từ tệp (công việc #{job.pk})", progress=progress)  # fmt: skip
    finally:
        Path(path).unlink(missing_ok=True)
    skipped = f", {len(result.existing)} dòng đã có (trùng Số CCCD) bỏ qua" if result.existing else ""
    if result.errors:
        message = (
            f"Có {len(result.errors)} lỗi trong {result.total} dòng — chưa ghi gì. Tải bảng lỗi để sửa tệp."
        )
    elif result.committed:
        message = f"Đã nhập {result.created} đảng viên{skipped}."
    else:
        message = f"Kiểm tra xong, không có lỗi: {result.created} đảng viên sẽ được thêm{skipped}. Tải tệp lên lại và bấm «Nhập»."
    if not result.errors:
        return message
    table = Table(
        title="Lỗi của tệp nhập đảng viên", columns=[Column("Dòng", 8, "int"), Column("Cột", 26), Column("Lỗi", 70)],
        rows=result.errors, lines=[f"{result.total} dòng, {len(result.errors)} lỗi"], landscape=True, sheet="Lỗi",
    )  # fmt: skip
    out = result_path(job, ".xlsx")
    out.write_bytes(
        table_xlsx(table, letterhead=Letterhead(issuer=job.scope_org.name if job.scope_org else ""))
    )
    return JobResult(message, file=out, filename="Lỗi nhập đảng viên.xlsx")
