"""How values are written for people: Vietnamese numbers, money, percentages and dates.

Plain functions, for messages, documents and spreadsheets; templates get the same functions as filters
(``core/templatetags/vn.py``, a builtin library) — domain code imports this module, never the template library.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone


def group_thousands(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def so(value) -> str:
    """1234567 → "1.234.567"."""
    if value is None or value == "":
        return ""
    return group_thousands(int(value))


def tien(value) -> str:
    """2150000000 → "2.150.000.000 đ"."""
    if value is None or value == "":
        return ""
    return f"{group_thousands(int(Decimal(value)))} đ"


def phantram(value, digits: int = 1) -> str:
    """85.43 → "85,4%"."""
    if value is None or value == "":
        return ""
    return f"{float(value):.{int(digits)}f}%".replace(".", ",")


def ty_le(part, whole) -> str:
    """Share of a whole as a Vietnamese percentage: 3 of 8 → "37,5%"; nothing when the whole is 0."""
    if not whole:
        return ""
    return phantram(100 * float(part) / float(whole))


def ngay(value) -> str:
    """A date (or aware datetime, shown in Asia/Ho_Chi_Minh) as dd/mm/yyyy."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


def ngay_van_ban(value, place: str = "") -> str:
    """The dated line of a party document: "Nghệ An, ngày 10 tháng 7 năm 2013", "ngày 05 tháng 02 năm 2013".

    Days 1–9 and months 1–2 take a leading zero (HD 36-HD/VPTW) so that they cannot be altered by hand."""
    if not value:
        return ""
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    line = f"ngày {value.day:02d} tháng {month} năm {value.year}"
    return f"{place}, {line}" if place else line.capitalize()
