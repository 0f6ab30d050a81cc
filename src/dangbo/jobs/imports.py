"""Imports and exports too large for a page, in the background: one job kind per import kind (``nhap_<key>``,
``core.imports``) and one for the exports of lists (``xuat_danh_sach``, ``core.exports``).

The import page stores the upload in the job files directory and starts the job; the job reads the file again,
runs the same ``core.imports.run`` (dry run or commit, all or nothing) as the page, reports progress row by row,
and leaves a table of the rows' errors to download. The stored upload is deleted when the job ends."""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path, PurePath
from urllib.parse import parse_qs

from django.core.files import File

from dangbo.core import exports, imports
from dangbo.core.errors import ApplicationError
from dangbo.core.registries import EXPORT_LISTS, IMPORT_KINDS

from .registry import JobResult, job
from .runner import files_dir, result_path
from .services import start_job

_STAGED = re.compile(r"^nhap-[a-z]{32}\.(xlsx|csv)$")
# Letters only: the job's parameters refuse long runs of digits (they could be a citizen ID or a phone number).
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
EXPORT_JOB = "xuat_danh_sach"


def start_import(*, actor, kind: imports.ImportKind, upload, options: dict, scope_org, commit: bool,
                 mapping: dict[str, str] | None = None):  # fmt: skip
    """Store ``upload`` (already checked by ``core.imports.read_upload``) and queue its import; returns the job.
    ``options``: the page's choices, plain JSON (ids); ``mapping``: the user's column mapping (file headers)."""
    directory = files_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    token = "".join(secrets.choice(_LETTERS) for _ in range(32))
    name = f"nhap-{token}{PurePath(upload.name).suffix.lower()}"
    upload.seek(0)
    with open(directory / name, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    try:
        return start_job(actor=actor, kind=kind.job_key, scope_org=scope_org,
                         params={"file": name, "commit": commit, "options": options, "mapping": mapping})  # fmt: skip
    except ApplicationError:
        (directory / name).unlink(missing_ok=True)
        raise


# -- a file kept between the steps of the import page (column mapping → dry run → commit) ----------------------

STAGE_HOURS = 24  # a file left on the page longer than this is deleted
_KEPT = re.compile(r"^tam-[a-z]{32}\.(xlsx|csv)$")


def _session_key(kind: imports.ImportKind) -> str:
    return f"import-staged-{kind.key}"


def stage_upload(session, kind: imports.ImportKind, upload, *, options: dict, mapping=None) -> dict:
    """Keep ``upload`` in the job files directory for the next step of the page; the session holds its name, the
    page's options and the mapping (never the file's content). Older kept files are deleted."""
    unstage(session, kind)
    directory = files_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    limit = time.time() - STAGE_HOURS * 3600
    for old in directory.glob("tam-*"):
        if old.stat().st_mtime < limit:
            old.unlink(missing_ok=True)
    name = f"tam-{''.join(secrets.choice(_LETTERS) for _ in range(32))}{PurePath(upload.name).suffix.lower()}"
    upload.seek(0)
    with open(directory / name, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    staged = {"file": name, "name": PurePath(upload.name).name[:100], "options": options, "mapping": mapping}
    session[_session_key(kind)] = staged
    return staged


def staged_upload(session, kind: imports.ImportKind) -> dict | None:
    """The file this session kept for ``kind`` (``stage_upload``), or None when there is none any more."""
    staged = session.get(_session_key(kind))
    if not isinstance(staged, dict) or not _KEPT.match(str(staged.get("file", ""))):
        return None
    return staged if (files_dir() / staged["file"]).is_file() else None


def open_staged(staged: dict) -> File:
    """The kept file, opened (the caller closes it)."""
    return File(open(files_dir() / staged["file"], "rb"), name=staged["name"])  # noqa: SIM115


def unstage(session, kind: imports.ImportKind) -> None:
    staged = session.pop(_session_key(kind), None)
    if isinstance(staged, dict) and _KEPT.match(str(staged.get("file", ""))):
        (files_dir() / staged["file"]).unlink(missing_ok=True)


def run_import(kind: imports.ImportKind, job, progress):
    name = str(job.params.get("file", ""))
    path = files_dir() / name
    if not _STAGED.match(name) or not path.is_file():
        raise ApplicationError(f"Không còn tệp cần nhập: hãy tải tệp lên lại ở trang «{kind.title}».")
    commit = bool(job.params.get("commit"))
    try:
        progress(0, None, "Đang đọc tệp")
        with open(path, "rb") as handle:
            sheet = imports.read_upload(
                kind, File(handle, name=name), job.params.get("mapping") or None, progress
            )
        result = imports.run(kind, actor=job.started_by, sheet=sheet, commit=commit, progress=progress,
                             source=f"Nhập từ tệp (công việc #{job.pk})", options=job.params.get("options") or {})  # fmt: skip
    finally:
        Path(path).unlink(missing_ok=True)
    message = imports.summary(kind, result)
    if not result.errors:
        return message
    out = result_path(job, ".xlsx")
    out.write_bytes(imports.errors_xlsx(kind, result, issuer=job.scope_org.name if job.scope_org else ""))
    return JobResult(message, file=out, filename=f"Lỗi nhập {kind.noun}.xlsx")


def register_import_jobs() -> None:
    """One job kind per registered import kind (called once every app has registered its kinds)."""
    for kind in IMPORT_KINDS:

        def run(job, progress, kind=kind):
            return run_import(kind, job, progress)

        run.__qualname__ = f"import_{kind.key}"
        job(kind.job_key, kind.title, allowed=kind.allowed, scoped=True,
            description=f"Kiểm tra hoặc nhập tệp {kind.noun} lớn (trang «{kind.title}»).")(run)  # fmt: skip


# -- exports ---------------------------------------------------------------------------------------------------


def _may_export(actor, scope_org) -> bool:
    return actor is not None and scope_org is not None


@job(EXPORT_JOB, "Xuất danh sách ra Excel", allowed=_may_export, scoped=True, one_at_a_time=False,
     description="Xuất một danh sách lớn (đảng viên, tổ chức, văn bản …) theo đúng bộ lọc của trang.")  # fmt: skip
def export_list(job, progress):
    spec = EXPORT_LISTS.get(str(job.params.get("list", "")))
    if spec is None or job.started_by is None or not spec.allowed(job.started_by):
        raise ApplicationError("Danh sách: không xuất được danh sách này.")
    params = {k: v[-1] for k, v in parse_qs(str(job.params.get("query", ""))).items()}
    progress(0, None, "Đang đọc danh sách")
    content, count = exports.build(spec, actor=job.started_by, params=params, progress=progress)
    out = result_path(job, ".xlsx")
    out.write_bytes(content)
    return JobResult(f"Đã xuất {count} dòng.", file=out, filename=spec.filename)
