"""Uploaded documents: accepted only when they are what they claim to be, within the size limit, and stored
under a random name; served back only through a scoped view, as a download.

A file is accepted when its extension is in ``ALLOWED`` **and** its first bytes match that kind (a renamed
executable or HTML page is refused). The limit is the setting ``DANGBO_UPLOAD_MAX_MB`` (default 20).
"""

from __future__ import annotations

import io
import mimetypes
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.http import FileResponse, Http404

from .errors import ApplicationError
from .text import nfc

PDF, OLE, ZIP, PNG, JPEG = (
    b"%PDF-",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    b"PK\x03\x04",
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
)
# extension → (magic bytes, what the zip must contain for the Office Open XML / OpenDocument kinds)
ALLOWED: dict[str, tuple[bytes, str | None]] = {
    ".pdf": (PDF, None),
    ".doc": (OLE, None),
    ".xls": (OLE, None),
    ".docx": (ZIP, "word/document.xml"),
    ".xlsx": (ZIP, "xl/workbook.xml"),
    ".odt": (ZIP, "content.xml"),
    ".ods": (ZIP, "content.xml"),
    ".png": (PNG, None),
    ".jpg": (JPEG, None),
    ".jpeg": (JPEG, None),
}
KINDS_TEXT = (
    "PDF, Word (.doc, .docx), Excel (.xls, .xlsx), OpenDocument (.odt, .ods) hoặc ảnh chụp (.jpg, .png)"
)


def max_bytes() -> int:
    return int(getattr(settings, "DANGBO_UPLOAD_MAX_MB", 20)) * 1024 * 1024


def check_upload(
    upload, *, field: str = "attachment", label: str = "Tệp đính kèm", limit: int | None = None
) -> str:
    """Validate an uploaded file; return its cleaned original name. Raises ApplicationError naming the field.
    ``limit``: the most bytes (default ``max_bytes()``)."""
    limit = max_bytes() if limit is None else limit

    def refuse(problem: str):
        raise ApplicationError(f"{label}: {problem}", field_errors={field: f"{label}: {problem}"})

    name = nfc(PurePath(upload.name or "").name)[:200]
    suffix = PurePath(name).suffix.lower()
    if suffix not in ALLOWED:
        refuse(f"chỉ nhận tệp văn bản {KINDS_TEXT}.")
    if upload.size is None or upload.size == 0:
        refuse("tệp rỗng.")
    if upload.size > limit:
        refuse(
            f"tệp lớn {upload.size / 1024 / 1024:.1f} MB, vượt giới hạn {limit // 1024 // 1024} MB.".replace(
                ".", ",", 1
            )
        )
    magic, member = ALLOWED[suffix]
    upload.seek(0)
    head = upload.read(len(magic))
    if head != magic:
        refuse(f"nội dung tệp không phải là tệp {suffix[1:].upper()} thật (có thể đã bị đổi tên).")
    if member is not None:
        upload.seek(0)
        try:
            with zipfile.ZipFile(
                io.BytesIO(upload.read()) if upload.size < 64 * 1024 * 1024 else upload
            ) as z:
                if member not in z.namelist():
                    refuse(f"nội dung tệp không phải là tệp {suffix[1:].upper()} thật.")
        except zipfile.BadZipFile:
            refuse(f"tệp {suffix[1:].upper()} bị hỏng, không mở được.")
    upload.seek(0)
    return name


def download(field_file, original_name: str) -> FileResponse:
    """The stored file as an attachment download (never rendered inline by the browser)."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = mimetypes.guess_type(original_name)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=original_name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
