"""Giấy giới thiệu sinh hoạt đảng: a Word document rendered from a docxtpl template.

The template (``docx_templates/giay_gioi_thieu.docx``) is built by ``docx_templates/build_templates.py``,
rendered by ``dangbo.core.docx.render_docx``, and follows the party document format (Hướng dẫn 36-HD/VPTW,
2018). Users may open it in Word and adapt it; the variables it may use are the keys of
:func:`letter_context`. A "\n" in a text value (say a long ``issuing_body``) becomes a line break in the
document.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dangbo.core.docx import render_docx
from dangbo.core.formats import ngay
from dangbo.core.formats import ngay_van_ban as _ngay_van_ban

from ..choices import TransferKind

TEMPLATE = "giay_gioi_thieu.docx"

# Shown where a value the letter must carry is missing, so it can be filled in by hand.
BLANK = "…………………"


@dataclass(frozen=True, kw_only=True)
class TransferLetter:
    """Everything printed on one transfer introduction letter, as plain Python values."""

    # The member.
    full_name: str
    birth_date: dt.date
    is_official: bool
    joined_date: dt.date
    official_date: dt.date | None = None  # required for an official member, absent for a probationary one
    card_number: str
    cv_number: str
    # The transfer.
    from_cell: str
    destination: str
    receiving_body: str
    dues_paid_to: dt.date  # only its month and year are printed
    kind: str  # a TransferKind value: "chinh_thuc", "tam_thoi", "noi_bo", "ngoai_nuoc"
    temporary_until: dt.date | None = None  # required for, and only for, kind "tam_thoi"
    valid_until: dt.date
    reason: str = ""
    # The issuing body and the signature.
    superior_body: str
    issuing_body: str
    number_symbol: str  # "15-GGT/ĐU", printed "Số 15-GGT/ĐU"
    place: str
    issued_on: dt.date
    signer_on_behalf: str  # "T/M ĐẢNG ỦY"
    signer_title: str  # "BÍ THƯ", "K/T BÍ THƯ\nPHÓ BÍ THƯ" (``organizations.selectors.signer_on``)
    signer_name: str
    recipients: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "recipients", tuple(self.recipients))
        if self.kind not in TransferKind.values:
            raise ValueError(f"Hình thức chuyển: không hợp lệ ({self.kind!r}).")
        if (self.kind == "tam_thoi") != (self.temporary_until is not None):
            raise ValueError("Chuyển đến ngày: chỉ ghi, và phải ghi, khi chuyển sinh hoạt tạm thời.")
        if self.is_official != (self.official_date is not None):
            raise ValueError("Ngày chính thức: chỉ ghi, và phải ghi, với đảng viên chính thức.")
        if self.valid_until < self.issued_on:
            raise ValueError("Có giá trị đến: không được trước ngày ký.")


def ngay_van_ban(d: dt.date, place: str) -> str:
    """The dated line of a party document: "Nghệ An, ngày 05 tháng 02 năm 2013" (core.templatetags.vn)."""
    return _ngay_van_ban(d, place)


def transfer_kind_text(letter: TransferLetter) -> str:
    """ "chuyển sinh hoạt đảng tạm thời (đến ngày 31/12/2013)" and the like."""
    label = TransferKind(letter.kind).label  # "Chuyển sinh hoạt đảng tạm thời" → in the sentence, lower case
    text = label[:1].lower() + label[1:]
    if letter.temporary_until is not None:
        text += f" (đến ngày {ngay(letter.temporary_until)})"
    return text


def recipient_lines(recipients: tuple[str, ...]) -> list[str]:
    """Recipients as printed: separated by commas, the last one closed by a full stop."""
    names = [r.strip().rstrip(",;.").strip() for r in recipients]
    names = [n for n in names if n]
    return [f"{n}{'.' if i == len(names) - 1 else ','}" for i, n in enumerate(names)]


def letter_context(letter: TransferLetter) -> dict[str, object]:
    """The template variables: every value already formatted as text (dates dd/mm/yyyy)."""
    return {
        "superior_body": letter.superior_body,
        "issuing_body": letter.issuing_body,
        "number_symbol": letter.number_symbol,
        "place_date": ngay_van_ban(letter.issued_on, letter.place),
        "full_name": letter.full_name,
        "birth_date": ngay(letter.birth_date),
        "is_official": letter.is_official,
        "membership": "chính thức" if letter.is_official else "dự bị",
        "joined_date": ngay(letter.joined_date),
        "official_date": ngay(letter.official_date),
        "card_number": letter.card_number or BLANK,
        "cv_number": letter.cv_number or BLANK,
        "from_cell": letter.from_cell,
        "destination": letter.destination,
        "receiving_body": letter.receiving_body,
        "dues_paid_to": letter.dues_paid_to.strftime("%m/%Y"),
        "transfer_kind": transfer_kind_text(letter),
        "reason": letter.reason.strip(),
        "valid_until": ngay(letter.valid_until),
        "signer_on_behalf": letter.signer_on_behalf,
        "signer_title": letter.signer_title,
        "signer_name": letter.signer_name,
        "recipients": recipient_lines(letter.recipients),
    }


def transfer_letter_docx(letter: TransferLetter) -> bytes:
    """The letter as the bytes of a .docx file."""
    return render_docx("dangbo.members", TEMPLATE, letter_context(letter))
