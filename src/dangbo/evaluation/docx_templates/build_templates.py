"""Build the Word template of the evaluation app with python-docx; the built .docx file is committed.

    .venv/bin/python src/dangbo/evaluation/docx_templates/build_templates.py

quyet_dinh_xep_loai.docx: Quyết định công nhận kết quả đánh giá, xếp loại chất lượng, in the party document format
(Hướng dẫn 36-HD/VPTW, 2018). It holds docxtpl tags; the variables are the keys of
``dangbo.evaluation.documents.decision_context``. Users may edit the file in Word as long as each tag stays in
one piece of formatting.
"""

from __future__ import annotations

from pathlib import Path

from docx.shared import Cm, Pt

from dangbo.core.docx import CENTER, body, borderless_table, grid_table, new_document, para, party_header, tag

HERE = Path(__file__).resolve().parent
SIGNATURE_WIDTHS = (Cm(8.0), Cm(8.5))
# STT | Họ và tên | Chi bộ | Xếp loại: 16.5 cm, the text width.
LIST_WIDTHS = (Cm(1.3), Cm(5.7), Cm(5.0), Cm(4.5))
LIST_SIZE = 13


def _cell(cell, text: str, *, bold: bool = False, align=None) -> None:
    p = para(cell, text, size=LIST_SIZE, bold=bold, align=align, first=True)
    p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(2)


def build_quyet_dinh(path: Path) -> None:
    doc = new_document(title="Quyết định công nhận kết quả đánh giá, xếp loại chất lượng",
                       subject="Mẫu docxtpl: các biến xem dangbo.evaluation.documents.decision_context")  # fmt: skip
    party_header(doc, number="required")
    para(doc, "QUYẾT ĐỊNH", size=16, bold=True, align=CENTER, before=18)
    para(doc, "công nhận kết quả đánh giá, xếp loại chất lượng {{ subject_plural }} {{ period }}", bold=True,
         align=CENTER, after=6)  # fmt: skip
    para(doc, "-----", align=CENTER, after=6)
    para(doc, "{{ deciding_body }}", bold=True, align=CENTER, after=6)
    tag(doc, "{%p for line in grounds %}")
    body(doc, ("{{ line }}", False)).runs[0].italic = True
    tag(doc, "{%p endfor %}")
    para(doc, "QUYẾT ĐỊNH", bold=True, align=CENTER, before=12, after=6)
    body(doc, ("Điều 1. ", True), "Công nhận kết quả đánh giá, xếp loại chất lượng {{ subject_plural }} {{ period }} "
                                  "của {{ issuing_body_name }} ({{ total_rated }} {{ unit }} được xếp loại):")  # fmt: skip
    tag(doc, "{%p for lv in levels %}")
    body(doc, "- {{ lv.label }}: {{ lv.count }} {{ unit }} ({{ lv.share }});")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if not_rated %}")
    body(doc, "- Chưa xếp loại: {{ not_rated }} {{ unit }}.")
    tag(doc, "{%p endif %}")
    body(doc, "(Có danh sách kèm theo)")
    body(doc, ("Điều 2. ", True), "Các chi bộ, tổ chức đảng trực thuộc và {{ subject_plural }} có tên tại Điều 1 "
                                  "căn cứ Quyết định thi hành.")  # fmt: skip
    left, right = borderless_table(doc, SIGNATURE_WIDTHS).rows[0].cells
    para(left, "Nơi nhận:", size=12, bold=True, italic=True, before=12, first=True)
    para(left, "- Như Điều 2,", size=12)
    para(left, "- Lưu Văn phòng cấp ủy.", size=12)
    para(right, "{{ signer_on_behalf }}", bold=True, align=CENTER, before=12, first=True)
    para(right, "{{ signer_title }}", bold=True, align=CENTER)
    para(right, "{{ signer_name }}", bold=True, align=CENTER, before=72)

    # The list attached to the decision starts its own page: after the signature block its title was left alone
    # at the foot of the first page, the table on the next (seen rendered, issue 13).
    para(
        doc,
        "DANH SÁCH KÈM THEO QUYẾT ĐỊNH SỐ {{ number_symbol }}",
        bold=True,
        align=CENTER,
        after=6,
    ).paragraph_format.page_break_before = True
    table = grid_table(doc, LIST_WIDTHS, rows=4)
    header, loop, row, end = table.rows
    for cell, title in zip(header.cells, ("STT", "Họ và tên / tổ chức", "Chi bộ", "Xếp loại"), strict=True):
        _cell(cell, title, bold=True, align=CENTER)
    _cell(loop.cells[0], "{%tr for r in rows %}")
    _cell(row.cells[0], "{{ r.stt }}", align=CENTER)
    _cell(row.cells[1], "{{ r.name }}")
    _cell(row.cells[2], "{{ r.cell }}")
    _cell(row.cells[3], "{{ r.level }}")
    _cell(end.cells[0], "{%tr endfor %}")
    doc.save(path)


def main() -> None:
    build_quyet_dinh(HERE / "quyet_dinh_xep_loai.docx")


if __name__ == "__main__":
    main()
