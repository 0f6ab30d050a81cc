"""Spreadsheet helpers (openpyxl). Text typed by users is written as text, never as a formula: openpyxl turns
any string starting with "=" into a formula, which Excel would run when the file is opened."""

from __future__ import annotations


def as_text(cell) -> None:
    """Keep a string cell a string even when it looks like a formula."""
    if isinstance(cell.value, str) and cell.data_type == "f":
        cell.data_type = "s"


def put(ws, ref: str, value) -> None:
    ws[ref] = value
    as_text(ws[ref])


def append(ws, values) -> None:
    """``ws.append(values)`` with every text cell kept as text."""
    ws.append(values)
    for cell in ws[ws.max_row]:
        as_text(cell)
