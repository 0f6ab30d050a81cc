"""Build the Word template of the dues app with python-docx; the built .docx file is committed.

    .venv/bin/python src/dangbo/dues/docx_templates/build_templates.py

bao_cao_dang_phi.docx: Báo cáo thu, nộp đảng phí of a level for a month, a quarter or a year, in the party
document format (Hướng dẫn 36-HD/VPTW, 2018): the header blocks ("Số …-BC/…" — "ĐẢNG CỘNG SẢN VIỆT NAM", place
and date), "BÁO CÁO" and its summary line, the collection (I), the share kept and the remittances (II), the table
by child organization, then "Nơi nhận" and the signature side by side. The variables are the keys of
``dangbo.dues.documents.report_context``. Users may edit the file in Word as long as each tag stays in one piece
of formatting.
"""

from __future__ import annotations

from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from dangbo.core.docx import (
    CENTER,
    body,
    grid_table,
    new_document,
    para,
    party_header,
    recipients_and_signature,
    rule_below,
    tag,
)

HERE = Path(__file__).resolve().parent
RIGHT = WD_ALIGN_PARAGRAPH.RIGHT
# The table's text (9 pt: the figures of a province's year, hundreds of billions of đồng, fit on one line) and its
# cells' left and right padding (57 twips ≈ 1 mm instead of the grid's 1.9 mm).
CELL_SIZE = 9
CELL_PADDING = 57
# STT | Tổ chức | Đảng viên | Phải thu | Đã thu | Tỷ lệ | Đã nộp lên | Cấp trên đã nhận: 16.5 cm, the text width.
# An amount column holds "999.999.999.999" in bold 9 pt Times (≈ 2.14 cm) plus the padding; "Số đảng viên" a
# province's count ("200.579"), "Tỷ lệ" "100,0%".
COLUMNS = (("STT", Cm(0.9)), ("Tổ chức đảng", Cm(3.4)), ("Số đảng viên", Cm(1.5)), ("Phải thu (đồng)", Cm(2.35)),
           ("Đã thu (đồng)", Cm(2.35)), ("Tỷ lệ", Cm(1.3)), ("Đã nộp lên (đồng)", Cm(2.35)),
           ("Đã nhận (đồng)", Cm(2.35)))  # fmt: skip
# Names left, counts and amounts right (their digits in columns), STT and the rate centred.
ALIGN = (CENTER, None, RIGHT, RIGHT, RIGHT, CENTER, RIGHT, RIGHT)
SIGNATURE_WIDTHS = (Cm(8.25), Cm(8.25))
RULE_INDENT = Cm(5.75)


def _narrow_padding(table) -> None:
    """The cells' left and right padding of ``table`` set to ``CELL_PADDING`` (and the table's indent with it, so
    that its left border stays on the margin — see ``core.docx._table``)."""
    tbl_pr = table._tbl.tblPr
    for margin in tbl_pr.find(qn("w:tblCellMar")):
        margin.set(qn("w:w"), str(CELL_PADDING))
    tbl_pr.find(qn("w:tblInd")).set(qn("w:w"), str(CELL_PADDING))


def _cell(cell, text: str, *, bold: bool = False, align=None) -> None:
    p = para(cell, text, size=CELL_SIZE, bold=bold, align=align, first=True)
    p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(2)


def build_bao_cao_dang_phi(path: Path) -> None:
    doc = new_document(title="Báo cáo thu, nộp đảng phí",
                       subject="Mẫu docxtpl: các biến xem dangbo.dues.documents.report_context")  # fmt: skip
    party_header(doc, number="required")
    para(doc, "BÁO CÁO", size=16, bold=True, align=CENTER, before=24)
    para(doc, "thu, nộp đảng phí {{ period }}", bold=True, align=CENTER)
    rule = para(doc, "", size=6, align=CENTER)
    rule.paragraph_format.left_indent = rule.paragraph_format.right_indent = RULE_INDENT
    rule_below(rule)
    para(doc, "{{ period_line }}", italic=True, align=CENTER, before=6, after=12)
    body(doc, "{{ intro }}")

    body(doc, ("I. TÌNH HÌNH THU ĐẢNG PHÍ", True), indent=False).paragraph_format.keep_with_next = True
    tag(doc, "{%p for line in collection %}")
    body(doc, "{{ line }}")
    tag(doc, "{%p endfor %}")
    heading = body(doc, ("II. TRÍCH GIỮ LẠI VÀ NỘP CẤP TRÊN", True), indent=False)
    heading.paragraph_format.space_before = Pt(6)
    heading.paragraph_format.keep_with_next = True
    tag(doc, "{%p for line in remittance %}")
    body(doc, "{{ line }}")
    tag(doc, "{%p endfor %}")

    tag(doc, "{%p if rows %}")
    heading = body(doc, ("III. SỐ LIỆU THEO TỔ CHỨC ĐẢNG TRỰC THUỘC", True), indent=False)
    heading.paragraph_format.space_before = Pt(6)
    heading.paragraph_format.keep_with_next = True
    table = grid_table(doc, [w for _, w in COLUMNS], rows=5)
    _narrow_padding(table)
    header, loop, row, end, total = table.rows
    for cell, (title, _) in zip(header.cells, COLUMNS, strict=True):
        _cell(cell, title, bold=True, align=CENTER)
    _cell(loop.cells[0], "{%tr for r in rows %}")
    for i, cell in enumerate(row.cells):
        _cell(cell, f"{{{{ r[{i}] }}}}", align=ALIGN[i])
    _cell(end.cells[0], "{%tr endfor %}")
    for i, cell in enumerate(total.cells):
        _cell(cell, f"{{{{ total[{i}] }}}}", bold=True, align=ALIGN[i])
    para(doc, "{{ rows_note }}", size=12, italic=True, before=3, after=6)
    tag(doc, "{%p endif %}")

    recipients_and_signature(doc, SIGNATURE_WIDTHS)
    doc.save(path)


def main() -> None:
    build_bao_cao_dang_phi(HERE / "bao_cao_dang_phi.docx")


if __name__ == "__main__":
    main()
