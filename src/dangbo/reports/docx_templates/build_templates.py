"""Build the Word templates of the reports app with python-docx; the built .docx files are committed.

    .venv/bin/python src/dangbo/reports/docx_templates/build_templates.py

bao_cao_so_ket.docx: Báo cáo sơ kết (6 tháng, năm, giữa nhiệm kỳ) and tổng kết nhiệm kỳ — and the headcount,
composition and movement reports, with the same blocks and no next period — in the party document
format (Hướng dẫn 36-HD/VPTW, 2018): the header blocks (superior body, issuing committee, "*", "Số …-BC/…" —
"ĐẢNG CỘNG SẢN VIỆT NAM", the place and date line), the type name "BÁO CÁO" and the summary line, the parts of
the report (a heading, narrative paragraphs and, for some parts, a table), the tasks of the next period typed by
staff, then "Nơi nhận" and the signature side by side. The variables are the keys of
``dangbo.reports.documents.review_context``. Users may edit the file in Word as long as each tag stays in one piece
of formatting (retype a tag rather than formatting part of it).
"""

from __future__ import annotations

from pathlib import Path

from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from dangbo.core.docx import (
    CENTER,
    body,
    dotted_line,
    grid_table,
    new_document,
    para,
    party_header,
    recipients_and_signature,
    rule_below,
    tag,
)

HERE = Path(__file__).resolve().parent
CELL_SIZE = 12
# The tables of the parts (16.5 cm, the text width), by ``part.table``: column titles and widths.
TABLES = {
    "movement": (("Nội dung", Cm(12.5)), ("Số đảng viên", Cm(4.0))),
    "meetings": (("Tổ chức", Cm(7.3)), ("Số chi bộ", Cm(2.2)), ("Đã họp", Cm(2.2)), ("Phải họp", Cm(2.4)),
                 ("Tỷ lệ", Cm(2.4))),
    "targets": (("Số", Cm(1.0)), ("Chỉ tiêu", Cm(5.8)), ("Mục tiêu", Cm(3.4)), ("Thực hiện", Cm(3.4)),
                ("Đánh giá", Cm(2.9))),
    "support": (("Xã được giúp đỡ", Cm(5.5)), ("Huyện", Cm(4.5)), ("Số cơ quan, đơn vị", Cm(2.8)),
                ("Trị giá (đồng)", Cm(3.7))),
    "composition": (("Cơ cấu", Cm(4.5)), ("Nhóm", Cm(6.5)), ("Số đảng viên", Cm(3.0)), ("Tỷ lệ", Cm(2.5))),
}  # fmt: skip
SIGNATURE_WIDTHS = (Cm(8.25), Cm(8.25))
RULE_INDENT = Cm(5.75)  # a 5 cm rule in the 16.5 cm text width
DOTTED_LINES = 4


def _cell(cell, text: str, *, bold: bool = False, align: WD_ALIGN_PARAGRAPH | None = None) -> None:
    p = para(cell, text, size=CELL_SIZE, bold=bold, align=align, first=True)
    p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(2)


def _table(doc: DocumentObject, key: str) -> None:
    """The table of one kind of part: a header row, one row per ``part.rows`` item (a list of texts)."""
    columns = TABLES[key]
    table = grid_table(doc, [w for _, w in columns], rows=4)
    header, loop, row, end = table.rows
    for cell, (title, _) in zip(header.cells, columns, strict=True):
        _cell(cell, title, bold=True, align=CENTER)
    _cell(loop.cells[0], "{%tr for r in part.rows %}")
    for i, cell in enumerate(row.cells):
        # The first column is text (left), the others figures (centred); "Chỉ tiêu" is text too.
        left = i == 0 or (key in ("targets", "support", "composition") and i == 1)
        _cell(cell, f"{{{{ r[{i}] }}}}", align=None if left else CENTER)
    _cell(end.cells[0], "{%tr endfor %}")
    para(doc, "", after=6)


def build_bao_cao_so_ket(path: Path) -> None:
    doc = new_document(
        title="Báo cáo sơ kết, tổng kết",
        subject="Mẫu docxtpl: các biến xem dangbo.reports.documents.review_context",
    )
    party_header(doc, number="required")

    para(doc, "BÁO CÁO", size=16, bold=True, align=CENTER, before=24)
    summary = para(doc, "{{ subtitle }}", bold=True, align=CENTER)
    summary.paragraph_format.left_indent = summary.paragraph_format.right_indent = Cm(1)
    # A short rule under the summary line, centred (HD 36: a third to a half of the line).
    rule = para(doc, "", size=6, align=CENTER)
    rule.paragraph_format.left_indent = rule.paragraph_format.right_indent = RULE_INDENT
    rule_below(rule)
    para(doc, "{{ period_line }}", italic=True, align=CENTER, before=6, after=12)

    tag(doc, "{%p for line in intro %}")
    body(doc, "{{ line }}")
    tag(doc, "{%p endfor %}")

    heading = body(doc, ("{{ results_heading }}", True), indent=False)
    heading.paragraph_format.keep_with_next = True
    tag(doc, "{%p for part in parts %}")
    h = body(doc, ("{{ part.heading }}", True))
    h.paragraph_format.space_before = Pt(6)
    h.paragraph_format.keep_with_next = True
    tag(doc, "{%p for line in part.lines %}")
    body(doc, "{{ line }}")
    tag(doc, "{%p endfor %}")
    for key in TABLES:
        tag(doc, f'{{%p if part.table == "{key}" and part.rows %}}')
        _table(doc, key)
        tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")

    tag(doc, "{%p if next_heading %}")  # a statistics report (headcount, movement) has no next period
    heading = body(doc, ("{{ next_heading }}", True), indent=False)
    heading.paragraph_format.space_before = Pt(6)
    heading.paragraph_format.keep_with_next = True
    tag(doc, "{%p if next_tasks %}")
    tag(doc, "{%p for line in next_tasks %}")
    body(doc, "{{ line }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p else %}")
    for _ in range(DOTTED_LINES):
        dotted_line(doc)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endif %}")

    # "Nơi nhận" (left) and the signature (right), never split across pages.
    recipients_and_signature(doc, SIGNATURE_WIDTHS)

    doc.save(path)


def main() -> None:
    build_bao_cao_so_ket(HERE / "bao_cao_so_ket.docx")


if __name__ == "__main__":
    main()
