"""Filling a downloaded import template (``core.imports``) and reading an exported table back, for the tests of
every import kind and export."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook


def filled(template: bytes, rows: list[dict], name: str = "tep-nhap.xlsx") -> SimpleUploadedFile:
    """The template with its example row replaced by ``rows`` ({header: value})."""
    wb = load_workbook(io.BytesIO(template))
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    unknown = {h for row in rows for h in row if not h.startswith("_")} - set(headers)
    assert not unknown, f"not in the template: {unknown}"
    for col in range(1, len(headers) + 1):
        ws.cell(row=2, column=col).value = None
    for r, row in enumerate(rows, start=2):
        for c, header in enumerate(headers, start=1):
            ws.cell(row=r, column=c).value = row.get(header)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def table_rows(content: bytes) -> tuple[list[str], list[list]]:
    """(headers, rows) of the table of an export (``core.xlsx.table_xlsx``): the row starting with "STT" and the
    numbered rows under it; the notes under the table as a last element of ``rows`` are left out."""
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    start = next(i for i, row in enumerate(values) if row and row[0] == "STT")
    body = []
    for row in values[start + 1 :]:
        if not isinstance(row[0], int):
            break
        body.append(row[1:])
    return values[start][1:], body


def all_text(content: bytes) -> str:
    wb = load_workbook(io.BytesIO(content))
    return "\n".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None)
