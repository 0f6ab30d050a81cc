"""Build the Word templates of the meetings app with python-docx; the built .docx files are committed.

    .venv/bin/python src/dangbo/meetings/docx_templates/build_templates.py

bien_ban_sinh_hoat.docx: Biên bản sinh hoạt chi bộ, in the party document format (Hướng dẫn 36-HD/VPTW, 2018):
A4, margins 20/20/30/15 mm (top/bottom/left/right), Times New Roman 14pt. It holds docxtpl tags
(``{{ kind_title }}``, ``{%p for line in resolution %}``, ``{%tr for t in tasks %}`` …); the variables are the
keys of ``dangbo.meetings.documents.minutes_context``. Users may edit the file in Word as long as each tag
stays in one piece of formatting (retype a tag rather than formatting part of it).

The page setup, the party header and the other building blocks are shared with the other templates
(``dangbo.core.docx``).
"""

from __future__ import annotations

from pathlib import Path

from docx.document import Document as DocumentObject
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.shared import Cm, Pt

from dangbo.core.docx import (
    CENTER,
    body,
    borderless_table,
    dotted_line,
    grid_table,
    new_document,
    para,
    party_header,
    tag,
)

HERE = Path(__file__).resolve().parent
# STT | Nhiệm vụ | Người thực hiện | Thời hạn: 16.5 cm, the text width.
TASK_WIDTHS = (Cm(1.3), Cm(8.2), Cm(4.2), Cm(2.8))
TASK_SIZE = 13
SIGNATURE_WIDTHS = (Cm(8.25), Cm(8.25))
# Lines of dots printed for an empty free text.
DOTTED_LINES = 3


def _heading(doc: DocumentObject, text: str, *, before: float = 6) -> None:
    """A section heading "I. Thu đảng phí": bold, kept with what follows."""
    p = body(doc, (text, True))
    p.paragraph_format.space_before = Pt(before)
    p.paragraph_format.keep_with_next = True


def _free_text(doc: DocumentObject, variable: str) -> None:
    """The paragraphs of a free text, or lines of dots to fill in by hand when it is empty."""
    tag(doc, f"{{%p if {variable} %}}")
    tag(doc, f"{{%p for line in {variable} %}}")
    body(doc, "{{ line }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p else %}")
    for _ in range(DOTTED_LINES):
        dotted_line(doc)
    tag(doc, "{%p endif %}")


def _cell_text(cell, text: str, *, bold: bool = False, align: WD_ALIGN_PARAGRAPH | None = None) -> None:
    p = para(cell, text, size=TASK_SIZE, bold=bold, align=align, first=True)
    p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(3)


def _tasks_table(doc: DocumentObject) -> None:
    """STT | Nhiệm vụ | Người thực hiện | Thời hạn, one row a task (``{%tr for t in tasks %}``)."""
    table = grid_table(doc, TASK_WIDTHS, rows=4)
    header, loop, row, end = table.rows
    for cell, title in zip(header.cells, ("STT", "Nhiệm vụ", "Người thực hiện", "Thời hạn"), strict=True):
        _cell_text(cell, title, bold=True, align=CENTER)
    _cell_text(loop.cells[0], "{%tr for t in tasks %}")
    _cell_text(row.cells[0], "{{ t.stt }}", align=CENTER)
    _cell_text(row.cells[1], "{{ t.content }}")
    _cell_text(row.cells[2], "{{ t.person }}")
    _cell_text(row.cells[3], "{{ t.due }}", align=CENTER)
    # Room to write a task by hand in the blank rows of an empty table.
    row.height, row.height_rule = Cm(1.0), WD_ROW_HEIGHT_RULE.AT_LEAST
    _cell_text(end.cells[0], "{%tr endfor %}")


def build_bien_ban_sinh_hoat(path: Path) -> None:
    """Biên bản sinh hoạt chi bộ."""
    doc = new_document(
        title="Biên bản sinh hoạt chi bộ",
        subject="Mẫu docxtpl: các biến xem dangbo.meetings.documents.minutes_context",
    )
    party_header(doc, number="optional")

    para(doc, "BIÊN BẢN", size=16, bold=True, align=CENTER, before=24)
    para(doc, "{{ kind_title }}", bold=True, align=CENTER, after=18)

    body(doc, "Thời gian: bắt đầu lúc {{ start_time }} ngày {{ start_date }}.")
    body(doc, "Địa điểm: {{ location }}.")
    body(doc, "Chủ trì: đồng chí {{ chair }}.")
    body(doc, "Thư ký: đồng chí {{ secretary }}.")
    body(
        doc,
        "Thành phần: tổng số đảng viên của chi bộ: {{ total_members }}; phải dự: {{ expected }}; "
        "có mặt: {{ present }}{% if late %} (đi muộn: {{ late }}){% endif %}; "
        "vắng có lý do: {{ excused_count }}{% if excused_names %} ({{ excused_names }}){% endif %}; "
        "vắng không lý do: {{ unexcused_count }}{% if unexcused_names %} ({{ unexcused_names }}){% endif %}; "
        "được miễn công tác và sinh hoạt đảng: {{ exempted }}; đang sinh hoạt tạm thời nơi khác: {{ away }}; "
        "sinh hoạt tạm thời tại chi bộ: {{ attached }}.",
    )

    # The sections' headings depend on the meeting's kind (``h``: numbered headings, an empty one leaves its
    # section out — see ``dangbo.meetings.documents.HEADINGS``).
    tag(doc, "{%p if h.dues %}")
    _heading(doc, "{{ h.dues }}")
    tag(doc, "{%p if dues_collected %}")
    body(doc, "Chi bộ đã thu đảng phí của đảng viên; số tiền thu được: {{ dues_amount }}.")
    tag(doc, "{%p else %}")
    body(doc, "Chi bộ chưa thu đảng phí tại buổi sinh hoạt này.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endif %}")
    for key, variable in (("last_month", "last_month_results"), ("news", "news_guidance"),
                          ("study", "study_follow"), ("opinions", "opinions")):  # fmt: skip
        tag(doc, f"{{%p if h.{key} %}}")
        _heading(doc, f"{{{{ h.{key} }}}}")
        _free_text(doc, variable)
        tag(doc, "{%p endif %}")
    _heading(doc, "{{ h.tasks }}")
    _tasks_table(doc)
    _heading(doc, "{{ h.resolution }}", before=12)
    _free_text(doc, "resolution")
    body(
        doc,
        "Biểu quyết: tán thành {{ votes_for }}/{{ votes_total }}, không tán thành {{ votes_against }}, "
        "không biểu quyết {{ votes_abstain }}.",
    )
    end = body(
        doc,
        "Buổi sinh hoạt kết thúc lúc {{ end_time }} {{ end_day }}"
        "{% if duration %} (thời gian sinh hoạt: {{ duration }}){% endif %}.",
    )
    end.paragraph_format.keep_with_next = True  # not the signatures alone on the last page

    # Signatures: the secretary (left) and the chair (right).
    table = borderless_table(doc, SIGNATURE_WIDTHS)
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # never split across pages
    left, right = table.rows[0].cells
    for cell, title, name in ((left, "THƯ KÝ", "secretary_name"), (right, "CHỦ TRÌ", "chair_name")):
        para(cell, title, bold=True, align=CENTER, before=12, first=True)
        para(cell, f"{{{{ {name} }}}}", bold=True, align=CENTER, before=84)

    doc.save(path)


def main() -> None:
    build_bien_ban_sinh_hoat(HERE / "bien_ban_sinh_hoat.docx")


if __name__ == "__main__":
    main()
