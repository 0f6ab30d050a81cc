"""The signed dues report of a level (DOCX) and the grassroots organization's dues book (XLSX)."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from dangbo.dues import services

MARCH, APRIL = dt.date(2026, 3, 1), dt.date(2026, 4, 1)


@pytest.fixture
def dues(tree, people, root_user, clock):
    clock.set(dt.date(2026, 5, 20))
    for m, basis in ((people.m_a1, 8_000_000), (people.m_a1b, 6_000_000), (people.m_a2, 9_000_000)):
        services.set_basis(
            actor=root_user, member=m, valid_from=dt.date(2025, 1, 1), group="luong_bhxh", basis=basis
        )
    for month in (MARCH, APRIL):
        services.record_month(actor=root_user, organization=tree.a1, month=month, version=0, rows=[
            {"member": people.m_a1.pk, "paid": 80_000, "paid_on": month + dt.timedelta(days=4), "way": "tien_mat"},
            {"member": people.m_a1b.pk, "paid": 60_000, "paid_on": month + dt.timedelta(days=4), "way": "tien_mat"}])  # fmt: skip
    services.record_month(actor=root_user, organization=tree.a2, month=MARCH, version=0, rows=[
        {"member": people.m_a2.pk, "paid": 0}])  # fmt: skip
    # Chi bộ Văn phòng keeps 30% of 140.000 and sends 98.000 for March; Sở Y tế confirms it.
    r = services.record_remittance(actor=root_user, organization=tree.a1, month=MARCH, amount=98_000,
                                   sent_on=dt.date(2026, 4, 3))  # fmt: skip
    services.confirm_received(actor=root_user, remittance=r, received_on=dt.date(2026, 4, 5))
    return people


def _text(content: bytes) -> str:
    doc = Document(BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def test_report_of_a_grassroots_committee_for_a_month(client, dues, tree):
    client.force_login(dues.secretary_a)
    response = client.get(reverse("dues:report", args=[tree.a.pk]), {"thang": "03/2026"})
    assert response.status_code == 200 and response["Content-Disposition"].endswith('-2026-03.docx"')
    text = _text(response.content)
    assert "ĐẢNG ỦY SỞ Y TẾ" in text and "BÁO CÁO" in text and "thu, nộp đảng phí tháng 03/2026" in text
    assert "Đảng phí phải thu tháng 03/2026: 230.000 đ; đã thu: 140.000 đ, đạt 60,9%" in text
    # The committee took 98.000 from its cell, keeps 70% (68.600) and owes 29.400 to the bloc, none sent yet.
    assert "nhận của các tổ chức đảng cấp dưới (đã xác nhận): 98.000 đ" in text
    assert "Trích giữ lại (70% theo quy định của từng tháng): 68.600 đ; phải nộp cấp trên: 29.400 đ" in text
    assert "còn phải nộp: 29.400 đ" in text
    assert "1 | Chi bộ Văn phòng | 2 | 140.000 | 140.000 | 100,0% | 98.000 | 98.000" in text
    assert "2 | Chi bộ Khoa Nội | 1 | 90.000 | 0 | 0,0% | 0 | 0" in text
    assert " | Cộng | 3 | 230.000 | 140.000 | 60,9% | 98.000 | 98.000" in text
    assert "T/M ĐẢNG ỦY" in text and "BÍ THƯ" in text


def test_report_of_a_cell_for_a_quarter_and_a_year(client, dues, tree):
    client.force_login(dues.cell_secretary)
    url = reverse("dues:report", args=[tree.a1.pk])
    quarter = _text(client.get(url, {"nam": "2026", "quy": "2"}).content)
    assert (
        "thu, nộp đảng phí quý II năm 2026" in quarter and "từ ngày 01/04/2026 đến ngày 30/06/2026" in quarter
    )
    assert "đã thu: 140.000 đ" in quarter and "T/M CHI BỘ" in quarter
    assert "STT | Tổ chức đảng" not in quarter  # a cell has no table of child organizations
    year = _text(client.get(url, {"nam": "2026"}).content)
    assert "thu trực tiếp của đảng viên: 280.000 đ" in year
    assert (
        "Đã nộp lên Đảng ủy Sở Y tế: 98.000 đ (cấp trên đã xác nhận nhận 98.000 đ); còn phải nộp: 98.000 đ"
        in year
    )


def test_grassroots_book_lists_every_cell_by_month(client, dues, tree):
    client.force_login(dues.secretary_a)
    response = client.get(reverse("dues:grassroots_book", args=[tree.a.pk]), {"nam": "2026"})
    assert response.status_code == 200
    ws = load_workbook(BytesIO(response.content)).active
    rows = {r[1]: r for r in ws.iter_rows(values_only=True) if r and isinstance(r[1], str)}
    office = rows["Chi bộ Văn phòng"]
    assert office[2:7] == ("—", "—", 140_000, 140_000, "—") and office[14:18] == (
        280_000,
        280_000,
        100,
        98_000,
    )
    assert rows["Chi bộ Khoa Nội"][4] == 0 and rows["Chi bộ Khoa Nội"][16] == 0
    assert rows["Cộng các chi bộ"][14:16] == (280_000, 370_000)
    assert rows["Đảng ủy nhận của chi bộ (đã xác nhận)"][4] == 98_000
    assert rows["Đảng ủy trích giữ lại"][4] == 68_600
    # A cell has no grassroots book (its own book is dues:book); a sibling sees nothing.
    assert client.get(reverse("dues:grassroots_book", args=[tree.a1.pk])).status_code == 404
    client.force_login(dues.secretary_b)
    assert client.get(reverse("dues:grassroots_book", args=[tree.a.pk])).status_code == 404
    assert client.get(reverse("dues:report", args=[tree.a.pk])).status_code == 404


def test_report_table_fits_a_province_year_on_one_line(client, dues, tree):
    """The table's amount columns hold "999.999.999.999" (a province's year: hundreds of billions of đồng) in bold
    at the table's size on one line; the count column "5.600.000". Times New Roman: a digit is half an em, a dot a
    quarter. (Rendered by LibreOffice and looked at: bench notes in the CHANGELOG.)"""
    from docx.oxml.ns import qn

    client.force_login(dues.secretary_a)
    doc = Document(
        BytesIO(client.get(reverse("dues:report", args=[tree.a.pk]), {"thang": "03/2026"}).content)
    )
    table = next(t for t in doc.tables if len(t.columns) == 8)
    widths = [int(c.get(qn("w:w"))) / 20 for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]  # points
    padding = sum(int(m.get(qn("w:w"))) / 20 for m in table._tbl.tblPr.find(qn("w:tblCellMar")))
    sizes = {r.font.size.pt for row in table.rows[1:] for c in row.cells for p in c.paragraphs for r in p.runs
             if r.font.size}  # fmt: skip
    assert len(sizes) == 1
    size = sizes.pop()

    def width(text: str) -> float:
        return sum(size * (0.25 if ch == "." else 0.5) for ch in text)

    for column in (3, 4, 6, 7):
        assert width("999.999.999.999") + padding <= widths[column], column
    assert width("5.600.000") + padding <= widths[2]
    assert sum(widths) <= 16.5 / 2.54 * 72 + 1  # the text width of the page
    assert "140.000" in table.rows[1].cells[4].text


def test_the_letterhead_sits_in_its_columns_and_the_rule_is_as_long_as_the_title(client, dues, tree):
    """Issue 13, seen rendered: «ĐẢNG BỘ UBND TỈNH NGHỆ AN» (7,2 cm at 14pt) filled its 7,5 cm column edge to edge,
    and the rule under «ĐẢNG CỘNG SẢN VIỆT NAM» (7,1 cm) ran the whole width of its cell (8,9 cm). The left column
    leaves such a body a margin each side; the rule is a paragraph of its own as long as the title, which keeps
    its line (HD 36)."""
    from docx.oxml.ns import qn

    client.force_login(dues.secretary_a)
    doc = Document(
        BytesIO(client.get(reverse("dues:report", args=[tree.a.pk]), {"thang": "03/2026"}).content)
    )
    header = doc.tables[0]
    widths = [int(c.get(qn("w:w"))) / 567 for c in header._tbl.tblGrid.findall(qn("w:gridCol"))]  # cm
    assert widths[0] - 7.2 >= 1.0  # «ĐẢNG BỘ UBND TỈNH NGHỆ AN»: at least half a centimetre each side
    assert widths[1] >= 7.4  # the title and «Nghệ An, ngày 07 tháng 12 năm 2026» (7,3 cm) on one line each
    right = header.rows[0].cells[1].paragraphs
    title = next(p for p in right if p.text == "ĐẢNG CỘNG SẢN VIỆT NAM")
    assert title._p.pPr.find(qn("w:pBdr")) is None  # not a border of the title's own paragraph
    rule = right[[p._p for p in right].index(title._p) + 1]
    assert rule.text == "" and rule._p.pPr.find(qn("w:pBdr")) is not None
    fmt = rule.paragraph_format
    length = widths[1] - fmt.left_indent.cm - fmt.right_indent.cm
    assert 6.9 <= length <= 7.4, length  # the title's width, not the cell's
