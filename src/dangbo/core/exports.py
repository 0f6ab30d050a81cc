"""Exports of lists to XLSX: what you see is what you export.

An app registers an ``ExportList`` in ``core.registries.EXPORT_LISTS`` from its ``AppConfig.ready()``: the rows are
read from the *same* FilterSet (or selector) as the list page, bound to the same request parameters and the
actor's scope, and written in the project's print style (``core.xlsx.table_xlsx``). Every file says under its
table who exported it and when; the page (``jobs/views_data.py``) records the export in the audit log, and runs a
list longer than ``DANGBO_EXPORT_SYNC_ROWS`` rows as a background job (``jobs.imports.export_list``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from .dates import now
from .formats import ngay
from .spool import Spool
from .xlsx import Column, Letterhead, Table, table_xlsx


@dataclass(frozen=True)
class ExportList:
    key: str  # the URL key: "dang_vien"
    title: str  # the table's title: "Danh sách đảng viên"
    columns: Sequence[Column]  # after the "STT" column
    queryset: Callable[[Any, dict], Any]  # (actor, params) → the page's filtered rows, in the page's order
    row: Callable[[Any], Sequence]  # one object → its cells
    filename: str = "danh-sach.xlsx"
    lines: Callable[[Any, dict], list[str]] | None = None  # lines under the title (the filters applied)
    landscape: bool = True
    # May the actor export this list: the page's own test. The list pages are open to every signed-in user with a
    # role and show the rows of their scope; so does the export (the page answers 404 to a user with no role).
    allowed: Callable[[Any], bool] = lambda actor: True
    # The page's defaults made explicit, once per export (the task list's year when none is given), so that the
    # count, the rows and the lines under the title read the same parameters.
    resolve: Callable[[Any, dict], dict] = lambda actor, params: params
    # Called once per file built (on the page and in the background), as ``on_build(actor=, count=, params=)``: a
    # list that carries personal data records who took it, and how many rows, in its own words.
    on_build: Callable[..., None] | None = None


def sync_rows() -> int:
    """Lists longer than this are exported in the background."""
    return int(getattr(settings, "DANGBO_EXPORT_SYNC_ROWS", 5000))


def count(spec: ExportList, *, actor, params) -> int:
    return spec.queryset(actor, params).count()


def stamp(actor) -> str:
    """The footer line of every export: who exported it, and when."""
    moment = now()
    name = str(actor) if actor is not None else "Hệ thống"
    return f"Người xuất: {name}; thời điểm xuất: {moment:%H:%M} ngày {ngay(moment.date())}."


def build(spec: ExportList, *, actor, params, issuer: str = "", progress=None) -> tuple[bytes, int]:
    """The workbook of the list as the page shows it for ``params`` (all pages), and its number of rows.

    The rows are read once, in the page's order, into a temporary file (``core.spool``), then
    written from it into the write-only workbook of ``table_xlsx``: the line «Tổng số» above the table needs the
    count before the first row is written, and neither step keeps the rows in memory (a province: 250,000)."""
    queryset = spec.queryset(actor, params)
    items: Iterable = queryset.iterator(chunk_size=2000) if hasattr(queryset, "iterator") else queryset
    with Spool() as spool:
        count = 0
        for count, obj in enumerate(items, start=1):
            spool.append([count, *spec.row(obj)])
            if progress is not None and count % 1000 == 0:
                progress(count, None, f"Đã đọc {count} dòng")
        if spec.on_build is not None:
            spec.on_build(actor=actor, count=count, params=params)

        def written(n: int) -> None:
            if progress is not None:
                progress(n, count, f"Đang ghi tệp Excel: {n} của {count} dòng")

        written(0)
        table = Table(
            title=spec.title, columns=[Column("STT", 6, "stt"), *spec.columns], rows=iter(spool),
            lines=[*(spec.lines(actor, params) if spec.lines else []), f"Tổng số: {count} dòng"],
            notes=[stamp(actor)], landscape=spec.landscape, sheet=spec.title[:31],
        )  # fmt: skip
        # No signature block: the line under the table says who exported it (and an import reads the file back).
        content = table_xlsx(table, letterhead=Letterhead(issuer=issuer, day=now().date()), progress=written)
    return content, count
