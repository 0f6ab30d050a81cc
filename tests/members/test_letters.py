"""Giấy giới thiệu sinh hoạt đảng: the rendered .docx, read back with python-docx (no database)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import zipfile

import pytest
from docx import Document

from dangbo.members.letters.documents import TransferLetter, ngay_van_ban, transfer_letter_docx

OFFICIAL = TransferLetter(
    full_name="Nguyễn Văn An",
    birth_date=dt.date(1985, 2, 5),
    is_official=True,
    joined_date=dt.date(2008, 3, 19),
    official_date=dt.date(2009, 3, 19),
    card_number="52.012345",
    cv_number="NA-104827",
    from_cell="Chi bộ Văn phòng, Đảng bộ Sở Y tế",
    destination="Chi bộ Phòng Tổ chức, Đảng bộ Sở Nội vụ",
    receiving_body="Đảng ủy Sở Nội vụ",
    dues_paid_to=dt.date(2013, 7, 1),
    kind="chinh_thuc",
    valid_until=dt.date(2013, 8, 21),
    superior_body="ĐẢNG BỘ TỈNH NGHỆ AN",
    issuing_body="ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH",
    number_symbol="15-GGT/ĐU",
    place="Nghệ An",
    issued_on=dt.date(2013, 7, 10),
    signer_on_behalf="T/M ĐẢNG ỦY",
    signer_title="PHÓ BÍ THƯ",
    signer_name="Trần Thị Bình",
    recipients=("Như trên", "Đồng chí Nguyễn Văn An", "Lưu Văn phòng Đảng ủy"),
)

PROBATIONARY_TEMPORARY = dataclasses.replace(
    OFFICIAL,
    is_official=False,
    official_date=None,
    card_number="",
    kind="tam_thoi",
    temporary_until=dt.date(2013, 12, 31),
    reason="Đi học tập trung tại Học viện Chính trị khu vực I",
)


def text_of(docx: bytes) -> str:
    """All paragraph text of a .docx, tables included (in document order), one paragraph a line."""
    doc = Document(io.BytesIO(docx))
    lines: list[str] = []
    body = doc.element.body
    for block in body.iterchildren():
        paragraphs = block.iter(block.tag.rsplit("}", 1)[0] + "}p")
        for p in paragraphs if block.tag.endswith("}tbl") else [block]:
            if p.tag.endswith("}p"):
                lines.append("".join(t.text or "" for t in p.iter() if t.tag.endswith("}t")))
    return "\n".join(lines)


@pytest.fixture(scope="module")
def official_text() -> str:
    return text_of(transfer_letter_docx(OFFICIAL))


@pytest.fixture(scope="module")
def temporary_text() -> str:
    return text_of(transfer_letter_docx(PROBATIONARY_TEMPORARY))


def test_header_and_document_name(official_text: str) -> None:
    lines = official_text.splitlines()
    for expected in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "ĐẢNG BỘ TỈNH NGHỆ AN",
        "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH",
        "*",
        "Số 15-GGT/ĐU",
        "Nghệ An, ngày 10 tháng 7 năm 2013",
        "GIẤY GIỚI THIỆU SINH HOẠT ĐẢNG",
    ):
        assert expected in lines


def test_member_and_transfer_fields(official_text: str) -> None:
    lines = official_text.splitlines()
    for expected in (
        "Giới thiệu đồng chí: Nguyễn Văn An",
        "Sinh ngày: 05/02/1985",
        "Là đảng viên: chính thức",
        "Ngày vào Đảng: 19/03/2008",
        "Ngày chính thức: 19/03/2009",
        "Số thẻ đảng viên: 52.012345",
        "Số lý lịch đảng viên: NA-104827",
        "Đang sinh hoạt tại: Chi bộ Văn phòng, Đảng bộ Sở Y tế",
        "Được chuyển đến sinh hoạt đảng tại: Chi bộ Phòng Tổ chức, Đảng bộ Sở Nội vụ",
        "Đã đóng đảng phí đến hết tháng 07/2013",
        "Hình thức chuyển: chuyển sinh hoạt đảng chính thức",
        "Đề nghị Đảng ủy Sở Nội vụ tiếp nhận và quản lý đảng viên. "
        "Giấy giới thiệu có giá trị đến hết ngày 21/08/2013./.",
    ):
        assert expected in lines
    assert not any(line.startswith("Lý do") for line in lines)


def test_signature_and_recipients(official_text: str) -> None:
    lines = official_text.splitlines()
    for expected in ("T/M ĐẢNG ỦY", "PHÓ BÍ THƯ", "Trần Thị Bình", "Nơi nhận:"):
        assert expected in lines
    start = lines.index("Nơi nhận:") + 1
    assert lines[start : start + 3] == [
        "- Như trên,",
        "- Đồng chí Nguyễn Văn An,",
        "- Lưu Văn phòng Đảng ủy.",
    ]


def test_probationary_member_has_no_official_date_line(temporary_text: str) -> None:
    assert "Là đảng viên: dự bị" in temporary_text
    assert "Ngày chính thức" not in temporary_text
    assert "Số thẻ đảng viên: …" in temporary_text  # no card yet: a blank to fill in by hand


def test_temporary_transfer_wording(temporary_text: str) -> None:
    lines = temporary_text.splitlines()
    assert "Hình thức chuyển: chuyển sinh hoạt đảng tạm thời (đến ngày 31/12/2013)" in lines
    assert "Lý do: Đi học tập trung tại Học viện Chính trị khu vực I" in lines


@pytest.mark.parametrize("letter", [OFFICIAL, PROBATIONARY_TEMPORARY], ids=["official", "temporary"])
def test_no_template_tag_left(letter: TransferLetter) -> None:
    docx = transfer_letter_docx(letter)
    text = text_of(docx)
    for tag in ("{{", "}}", "{%", "%}"):
        assert tag not in text
    # Nowhere in the package either (headers, footers, properties, text split across runs).
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        for name in package.namelist():
            if name.endswith(".xml"):
                xml = re.sub(r"<[^>]+>", "", package.read(name).decode("utf-8"))
                assert "{{" not in xml and "{%" not in xml, name


def test_markup_characters_are_escaped() -> None:
    letter = dataclasses.replace(OFFICIAL, destination="Chi bộ <Kế hoạch & Đầu tư>")
    assert "Được chuyển đến sinh hoạt đảng tại: Chi bộ <Kế hoạch & Đầu tư>" in text_of(
        transfer_letter_docx(letter)
    )


def test_newline_in_a_value_is_a_line_break() -> None:
    letter = dataclasses.replace(OFFICIAL, issuing_body="ĐẢNG ỦY KHỐI CÁC CƠ QUAN\nTỈNH NGHỆ AN")
    with zipfile.ZipFile(io.BytesIO(transfer_letter_docx(letter))) as package:
        xml = package.read("word/document.xml").decode("utf-8")
    assert re.search(r"ĐẢNG ỦY KHỐI CÁC CƠ QUAN</w:t><w:br/><w:t[^>]*>TỈNH NGHỆ AN", xml)


def test_page_setup() -> None:
    section = Document(io.BytesIO(transfer_letter_docx(OFFICIAL))).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [20, 20, 30, 15]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2013, 7, 10), "Nghệ An, ngày 10 tháng 7 năm 2013"),
        (dt.date(2013, 2, 5), "Nghệ An, ngày 05 tháng 02 năm 2013"),
        (dt.date(2013, 1, 31), "Nghệ An, ngày 31 tháng 01 năm 2013"),
        (dt.date(2013, 12, 1), "Nghệ An, ngày 01 tháng 12 năm 2013"),
        (dt.date(2013, 3, 9), "Nghệ An, ngày 09 tháng 3 năm 2013"),
    ],
)
def test_ngay_van_ban(day: dt.date, expected: str) -> None:
    assert ngay_van_ban(day, "Nghệ An") == expected


@pytest.mark.parametrize(
    "changes",
    [
        {"kind": "chuyen_di"},
        {"kind": "tam_thoi"},  # without temporary_until
        {"temporary_until": dt.date(2013, 12, 31)},  # on an official transfer
        {"official_date": None},  # official member without the date
        {"is_official": False},  # probationary member with an official date
        {"valid_until": dt.date(2013, 7, 9)},
    ],
)
def test_inconsistent_letters_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        dataclasses.replace(OFFICIAL, **changes)


def test_transfer_abroad_wording() -> None:
    letter = dataclasses.replace(OFFICIAL, kind="ngoai_nuoc", destination="Chi bộ Đại sứ quán Việt Nam tại Lào",
                                 receiving_body="Chi ủy Đại sứ quán Việt Nam tại Lào")  # fmt: skip
    lines = text_of(transfer_letter_docx(letter)).splitlines()
    assert "Hình thức chuyển: chuyển sinh hoạt đảng ra ngoài nước" in lines
    assert "Được chuyển đến sinh hoạt đảng tại: Chi bộ Đại sứ quán Việt Nam tại Lào" in lines
    with pytest.raises(ValueError):  # a date of return belongs to a temporary transfer only
        dataclasses.replace(letter, temporary_until=dt.date(2014, 7, 1))
