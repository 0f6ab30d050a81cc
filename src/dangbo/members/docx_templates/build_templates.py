"""Build the Word templates of the members app with python-docx; the built .docx files are committed.

    .venv/bin/python src/dangbo/members/docx_templates/build_templates.py

giay_gioi_thieu.docx: Giấy giới thiệu sinh hoạt đảng, in the party document format (Hướng dẫn 36-HD/VPTW,
2018): A4, margins 20/20/30/15 mm (top/bottom/left/right), Times New Roman 14pt. It holds docxtpl tags
(``{{ full_name }}``, ``{%p if is_official %}`` …); the variables are the keys of
``dangbo.members.letters.letter_context``. Users may edit the file in Word as long as each tag stays in one
piece of formatting (retype a tag rather than formatting part of it).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

HERE = Path(__file__).resolve().parent
FONT = "Times New Roman"
CENTER = WD_ALIGN_PARAGRAPH.CENTER

# Text width: 210 − 30 − 15 mm = 16.5 cm. The header's left column must hold "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH"
# (bold 14pt: 8.77 cm) on one line, the right one "ĐẢNG CỘNG SẢN VIỆT NAM" (bold 15pt: 7.28 cm). Both are
# centred in their column, so the gap between them is (16.5 − 7.28 − 8.77) / 2 ≈ 0.2 cm whatever the split;
# a longer issuing body wraps (or takes a "\n" in its value, which docxtpl turns into a line break).
HEADER_WIDTHS = (Cm(9.0), Cm(7.5))
SIGNATURE_WIDTHS = (Cm(8.0), Cm(8.5))
# Indents of the title "ĐẢNG CỘNG SẢN VIỆT NAM" so that the rule under it is as long as the title.
TITLE_RULE_INDENT = Cm(0.05)


def _setup(doc: DocumentObject) -> None:
    """A4, party margins, Times New Roman 14pt single-spaced, Vietnamese proofing language."""
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)

    # Document defaults point at theme fonts; make them explicit so nothing falls back to Calibri/Cambria.
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    default_rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for tag in ("w:rFonts", "w:lang"):
        old = default_rpr.find(qn(tag))
        if old is not None:
            default_rpr.remove(old)
    fonts = OxmlElement("w:rFonts")
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    default_rpr.insert(0, fonts)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "vi-VN")
    lang.set(qn("w:eastAsia"), "vi-VN")
    lang.set(qn("w:bidi"), "ar-SA")
    default_rpr.append(lang)
    for tag in ("w:sz", "w:szCs"):
        default_rpr.find(qn(tag)).set(qn("w:val"), "28")
    default_spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    for attr, value in (("w:after", "0"), ("w:line", "240")):
        default_spacing.set(qn(attr), value)

    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.element.rPr.rFonts.set(qn("w:cs"), FONT)
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(0), 1.0
    fmt.widow_control = True

    props = doc.core_properties
    props.title = "Giấy giới thiệu sinh hoạt đảng"
    props.subject = "Mẫu docxtpl: các biến xem dangbo.members.letters.letter_context"
    props.author = props.last_modified_by = "dangbo"
    props.comments = ""
    props.language = "vi-VN"
    props.created = props.modified = dt.datetime(2025, 1, 1)
    props.revision = 1


def _run(p: Paragraph, text: str, *, size: float = 14, bold: bool = False, italic: bool = False) -> None:
    run = p.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold or None
    run.font.italic = italic or None


def _para(
    where: DocumentObject | _Cell,
    text: str = "",
    *,
    size: float = 14,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    before: float = 0,
    after: float = 0,
    first: bool = False,
) -> Paragraph:
    """A paragraph with one run; ``first`` reuses the empty paragraph a new table cell starts with."""
    p = where.paragraphs[0] if first else where.add_paragraph()
    if text:
        _run(p, text, size=size, bold=bold, italic=italic)
    fmt = p.paragraph_format
    fmt.alignment = align
    if before:
        fmt.space_before = Pt(before)
    if after:
        fmt.space_after = Pt(after)
    return p


def _tag(where: DocumentObject | _Cell, tag: str) -> None:
    """A paragraph-level docxtpl tag ({%p … %}): the whole paragraph is replaced by the tag when rendering."""
    where.add_paragraph(tag)


def _borderless_table(doc: DocumentObject, widths: tuple[int, ...]) -> Table:
    """One row, fixed column widths, no borders, no cell padding."""
    table = doc.add_table(rows=1, cols=len(widths))
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        border = OxmlElement(f"w:{edge}")
        border.set(qn("w:val"), "nil")
        borders.append(border)
    tbl_pr.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        margin = OxmlElement(f"w:{edge}")
        margin.set(qn("w:w"), "0")
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    tbl_pr.append(margins)
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(sum(widths) // 635))  # EMU → twentieths of a point
    width.set(qn("w:type"), "dxa")
    old = tbl_pr.find(qn("w:tblW"))
    if old is not None:
        tbl_pr.remove(old)
    tbl_pr.append(width)
    # CT_TblPr children must stay in schema order: tblStyle, …, tblW, jc, …, tblBorders, …, tblLayout, tblCellMar.
    order = [qn(t) for t in ("w:tblStyle", "w:tblW", "w:jc", "w:tblInd", "w:tblBorders", "w:tblLayout")]
    order += [qn("w:tblCellMar"), qn("w:tblLook")]
    children = sorted(tbl_pr, key=lambda el: order.index(el.tag) if el.tag in order else len(order))
    for child in children:
        tbl_pr.append(child)
    for column, cell, w in zip(table.columns, table.rows[0].cells, widths, strict=True):
        column.width = w
        cell.width = w
    return table


def _rule_below(p: Paragraph) -> None:
    """A thin line under the paragraph (as long as the paragraph's text area between its indents)."""
    p_pr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for attr, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "auto")):
        bottom.set(qn(attr), value)
    borders.append(bottom)
    # pBdr comes before spacing, ind and jc in CT_PPr.
    p_pr.insert_element_before(borders, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr")


def _field(doc: DocumentObject, label: str, value: str, *, bold_value: bool = False) -> Paragraph:
    """A body line "Label: {{ value }}", justified, first line indented."""
    p = doc.add_paragraph()
    _run(p, label)
    _run(p, value, bold=bold_value)
    fmt = p.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.first_line_indent = Cm(1)
    fmt.space_after = Pt(6)
    fmt.line_spacing = 1.15
    return p


def build_giay_gioi_thieu(path: Path) -> None:
    """Giấy giới thiệu sinh hoạt đảng."""
    doc = Document()
    _setup(doc)

    # Header: issuing body (left), party title with its rule and the dated line (right).
    left, right = _borderless_table(doc, HEADER_WIDTHS).rows[0].cells
    _para(left, "{{ superior_body }}", align=CENTER, first=True)
    _para(left, "{{ issuing_body }}", bold=True, align=CENTER)
    _para(left, "*", align=CENTER)
    _para(left, "Số {{ number_symbol }}", align=CENTER)

    title = _para(right, "ĐẢNG CỘNG SẢN VIỆT NAM", size=15, bold=True, align=CENTER, first=True)
    title.paragraph_format.left_indent = title.paragraph_format.right_indent = TITLE_RULE_INDENT
    _rule_below(title)
    _para(right, "{{ place_date }}", italic=True, align=CENTER, before=8)

    _para(doc, "GIẤY GIỚI THIỆU SINH HOẠT ĐẢNG", size=16, bold=True, align=CENTER, before=24, after=18)

    _field(doc, "Giới thiệu đồng chí: ", "{{ full_name }}", bold_value=True)
    _field(doc, "Sinh ngày: ", "{{ birth_date }}")
    _field(doc, "Là đảng viên: ", "{{ membership }}")
    _field(doc, "Ngày vào Đảng: ", "{{ joined_date }}")
    _tag(doc, "{%p if is_official %}")
    _field(doc, "Ngày chính thức: ", "{{ official_date }}")
    _tag(doc, "{%p endif %}")
    _field(doc, "Số thẻ đảng viên: ", "{{ card_number }}")
    _field(doc, "Số lý lịch đảng viên: ", "{{ cv_number }}")
    _field(doc, "Đang sinh hoạt tại: ", "{{ from_cell }}")
    _field(doc, "Được chuyển đến sinh hoạt đảng tại: ", "{{ destination }}")
    _field(doc, "Đã đóng đảng phí đến hết tháng ", "{{ dues_paid_to }}")
    _field(doc, "Hình thức chuyển: ", "{{ transfer_kind }}")
    _tag(doc, "{%p if reason %}")
    _field(doc, "Lý do: ", "{{ reason }}")
    _tag(doc, "{%p endif %}")
    _field(
        doc,
        "Đề nghị {{ receiving_body }} tiếp nhận và quản lý đảng viên. ",
        "Giấy giới thiệu có giá trị đến hết ngày {{ valid_until }}./.",
    )

    # Recipients (left) and signature (right), side by side.
    left, right = _borderless_table(doc, SIGNATURE_WIDTHS).rows[0].cells
    _para(left, "Nơi nhận:", size=12, bold=True, italic=True, before=12, first=True)
    _tag(left, "{%p for r in recipients %}")
    _para(left, "- {{ r }}", size=12)
    _tag(left, "{%p endfor %}")

    _para(right, "{{ signer_on_behalf }}", bold=True, align=CENTER, before=12, first=True)
    _para(right, "{{ signer_title }}", align=CENTER)
    _para(right, "{{ signer_name }}", bold=True, align=CENTER, before=84)

    doc.save(path)


def main() -> None:
    build_giay_gioi_thieu(HERE / "giay_gioi_thieu.docx")


if __name__ == "__main__":
    main()
