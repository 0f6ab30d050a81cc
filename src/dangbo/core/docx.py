"""Word documents in the party document format (Hướng dẫn 36-HD/VPTW, 2018), made with docxtpl templates.

Each document has a template ``<app>/docx_templates/<name>.docx`` that users may adapt in Word, rendered at run
time by :func:`render_docx`. The templates are built with python-docx by ``<app>/docx_templates/build_templates.py``
(the built .docx files are committed); the page setup, the party header and the other building blocks the build
scripts share are the helpers below: A4, margins 20/20/30/15 mm (top/bottom/left/right), Times New Roman 14pt.

The margins are a setting, not a rule (DOMAIN §7: sources disagree — 20/20/30/15 mm in one, 25/25/35/15 mm in a
bloc committee's handbook [U]): ``DANGBO_DOCX_MARGINS_MM`` (top, bottom, left, right) is applied to every
document when it is rendered, and the fixed-width tables and right tab stops of the template follow the text
width it leaves.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Literal

from django.conf import settings
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate

# Top, bottom, left, right, in mm: what the templates are built with, and the default of DANGBO_DOCX_MARGINS_MM.
DEFAULT_MARGINS_MM = (20, 20, 30, 15)

# --- Rendering ----------------------------------------------------------------------------------------------


def render_docx(package: str, template: str, context: Mapping[str, object]) -> bytes:
    """Render ``<package>/docx_templates/<template>`` with ``context``; the bytes of the .docx file.

    Values are XML-escaped ("&" or "<" in a name cannot break the document); a "\\n" in a text value becomes a
    line break."""
    source = resources.files(package).joinpath("docx_templates", template).read_bytes()
    document = DocxTemplate(io.BytesIO(source))
    document.render(dict(context), autoescape=True)
    set_margins(document.docx, margins_mm())
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def margins_mm() -> tuple[float, float, float, float]:
    """The page margins of the documents (top, bottom, left, right, in mm): the DANGBO_DOCX_MARGINS_MM setting."""
    return tuple(getattr(settings, "DANGBO_DOCX_MARGINS_MM", DEFAULT_MARGINS_MM))


def set_margins(doc: DocumentObject, margins: tuple[float, float, float, float]) -> None:
    """Give every section of ``doc`` these margins (mm). When the text width changes, the template's fixed table
    widths and tab stops are scaled to the new width, so a table never runs into the margin."""
    top, bottom, left, right = (Mm(v) for v in margins)
    first = doc.sections[0]  # the templates have one section (one page setup)
    old, new = first.page_width - first.left_margin - first.right_margin, first.page_width - left - right
    for section in doc.sections:
        section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = (
            top,
            bottom,
            left,
            right,
        )
    if old != new and old > 0:
        _scale_widths(doc, new / old)


def _scale_widths(doc: DocumentObject, factor: float) -> None:
    body = doc.element.body
    for tag_name, attr in (("w:tblW", "w:w"), ("w:gridCol", "w:w"), ("w:tcW", "w:w"), ("w:tab", "w:pos")):
        for el in body.iter(qn(tag_name)):
            if el.get(qn("w:type"), "dxa") == "dxa" and el.get(qn(attr)) not in (None, ""):
                el.set(qn(attr), str(round(int(el.get(qn(attr))) * factor)))


# --- Building the templates ----------------------------------------------------------------------------------

FONT = "Times New Roman"
CENTER = WD_ALIGN_PARAGRAPH.CENTER
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY

# Text width with the default margins: 210 − 30 − 15 mm = 16.5 cm (other margins scale the tables at rendering).
# Measured on LibreOffice's rendering (Liberation Serif, the metrics of Times New Roman): the superior body
# "ĐẢNG BỘ UBND TỈNH NGHỆ AN" (14pt) is 7.2 cm, "ĐẢNG CỘNG SẢN VIỆT NAM" (bold 15pt) 7.1 cm, the dated line
# "Nghệ An, ngày 07 tháng 12 năm 2026" (italic 14pt) 7.3 cm. The left column leaves such a body a margin on each
# side (in a 7.5 cm column it filled the cell edge to edge, issue 13); the right one holds the title and the date
# on one line. Both blocks are centred in their columns; a longer body wraps onto a second centred line (or takes a
# "\n" in its value, which docxtpl turns into a line break).
TEXT_WIDTH = Cm(16.5)
HEADER_WIDTHS = (Cm(8.6), Cm(7.9))
# The rule under "ĐẢNG CỘNG SẢN VIỆT NAM" is as long as the title (HD 36), not the column: the border of a paragraph
# of its own, one point high, between indents that leave the title's width (7.1 cm) — the title itself is not
# narrowed (indents on the title's own paragraph made it wrap).
TITLE_WIDTH = Cm(7.1)
TITLE_RULE_INDENT = Cm((HEADER_WIDTHS[1].cm - TITLE_WIDTH.cm) / 2)
# Body paragraphs: justified, first line indented, 6pt after, line spacing 1.15.
BODY_INDENT = Cm(1)
BODY_AFTER = 6
BODY_LINE = 1.15
# Left and right padding of the cells of a bordered table, in twentieths of a point (Word's default, 0.19 cm).
CELL_PADDING = 108


def new_document(*, title: str, subject: str) -> DocumentObject:
    """An empty document: A4, party margins, Times New Roman 14pt single-spaced, Vietnamese proofing language."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    top, bottom, left, right = (Mm(v) for v in DEFAULT_MARGINS_MM)
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = (
        top,
        bottom,
        left,
        right,
    )
    section.header_distance, section.footer_distance = Mm(10), Mm(10)

    # Document defaults point at theme fonts; make them explicit so nothing falls back to Calibri/Cambria.
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    default_rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for tag_name in ("w:rFonts", "w:lang"):
        old = default_rpr.find(qn(tag_name))
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
    for tag_name in ("w:sz", "w:szCs"):
        default_rpr.find(qn(tag_name)).set(qn("w:val"), "28")
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
    props.title = title
    props.subject = subject
    props.author = props.last_modified_by = "dangbo"
    props.comments = ""
    props.language = "vi-VN"
    props.created = props.modified = dt.datetime(2025, 1, 1)
    props.revision = 1
    return doc


def run(p: Paragraph, text: str, *, size: float = 14, bold: bool = False, italic: bool = False) -> None:
    r = p.add_run(text)
    r.font.size = Pt(size)
    r.font.bold = bold or None
    r.font.italic = italic or None


def para(
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
        run(p, text, size=size, bold=bold, italic=italic)
    fmt = p.paragraph_format
    fmt.alignment = align
    if before:
        fmt.space_before = Pt(before)
    if after:
        fmt.space_after = Pt(after)
    return p


def tag(where: DocumentObject | _Cell, text: str) -> None:
    """A paragraph-level docxtpl tag ({%p … %}): the whole paragraph is replaced by the tag when rendering."""
    where.add_paragraph(text)


def body(where: DocumentObject | _Cell, *parts: str | tuple[str, bool], indent: bool = True) -> Paragraph:
    """A body paragraph, justified, first line indented; each part is a text or a (text, bold) pair."""
    p = where.add_paragraph()
    for part in parts:
        text, bold = (part, False) if isinstance(part, str) else part
        run(p, text, bold=bold)
    fmt = p.paragraph_format
    fmt.alignment = JUSTIFY
    if indent:
        fmt.first_line_indent = BODY_INDENT
    fmt.space_after = Pt(BODY_AFTER)
    fmt.line_spacing = BODY_LINE
    return p


def field(doc: DocumentObject, label: str, value: str, *, bold_value: bool = False) -> Paragraph:
    """A body line "Label: {{ value }}", justified, first line indented."""
    return body(doc, label, (value, bold_value))


def dotted_line(where: DocumentObject | _Cell) -> Paragraph:
    """A line of dots across the text width, to be filled in by hand (a tab with a dot leader)."""
    p = body(where, indent=False)
    # A hair short of the right margin: LibreOffice drops a tab stop that sits exactly on the margin.
    p.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH - Mm(1), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    p.add_run().add_tab()
    return p


def _order_table_properties(tbl_pr) -> None:
    # CT_TblPr children must stay in schema order: tblStyle, …, tblW, jc, …, tblBorders, …, tblLayout, tblCellMar.
    order = [qn(t) for t in ("w:tblStyle", "w:tblW", "w:jc", "w:tblInd", "w:tblBorders", "w:tblLayout")]
    order += [qn("w:tblCellMar"), qn("w:tblLook")]
    children = sorted(tbl_pr, key=lambda el: order.index(el.tag) if el.tag in order else len(order))
    for child in children:
        tbl_pr.append(child)


def _table(doc: DocumentObject, widths: Iterable[Length], *, rows: int, border: str, padding: bool) -> Table:
    widths = tuple(widths)
    table = doc.add_table(rows=rows, cols=len(widths))
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), border)
        if border != "nil":
            for attr, value in (("w:sz", "4"), ("w:space", "0"), ("w:color", "auto")):
                line.set(qn(attr), value)
        borders.append(line)
    tbl_pr.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        margin = OxmlElement(f"w:{edge}")
        margin.set(qn("w:w"), str(CELL_PADDING if padding else 0))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    tbl_pr.append(margins)
    if padding:
        # The document is in Word 2010 compatibility mode (python-docx's default template), where the indent is
        # measured to the text of the first cell: indent by the padding so the left border is on the margin.
        indent = OxmlElement("w:tblInd")
        indent.set(qn("w:w"), str(CELL_PADDING))
        indent.set(qn("w:type"), "dxa")
        tbl_pr.append(indent)
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(sum(widths) // 635))  # EMU → twentieths of a point
    width.set(qn("w:type"), "dxa")
    old = tbl_pr.find(qn("w:tblW"))
    if old is not None:
        tbl_pr.remove(old)
    tbl_pr.append(width)
    _order_table_properties(tbl_pr)
    for column, w in zip(table.columns, widths, strict=True):
        column.width = w
    for row in table.rows:
        for cell, w in zip(row.cells, widths, strict=True):
            cell.width = w
    return table


def borderless_table(doc: DocumentObject, widths: Iterable[Length]) -> Table:
    """One row, fixed column widths, no borders, no cell padding (headers, signatures)."""
    return _table(doc, widths, rows=1, border="nil", padding=False)


def grid_table(doc: DocumentObject, widths: Iterable[Length], *, rows: int) -> Table:
    """Fixed column widths, thin single borders around every cell, the first row a header repeated on each page."""
    table = _table(doc, widths, rows=rows, border="single", padding=True)
    for i, row in enumerate(table.rows):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        if i == 0:
            tr_pr.append(OxmlElement("w:tblHeader"))
        for cell in row.cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    return table


def rule_below(p: Paragraph) -> None:
    """A thin line under the paragraph (as long as the paragraph's text area between its indents)."""
    p_pr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for attr, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "auto")):
        bottom.set(qn(attr), value)
    borders.append(bottom)
    # pBdr comes before spacing, ind and jc in CT_PPr.
    p_pr.insert_element_before(borders, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr")


def party_header(
    doc: DocumentObject, *, number: Literal["required", "optional", "none"] = "required"
) -> Table:
    """The header of a party document, a borderless two-column table.

    Left: ``{{ superior_body }}``, the issuing body ``{{ issuing_body }}`` bold, "*", and the line
    "Số {{ number_symbol }}" (``optional``: only when ``number_symbol`` is not empty). Right: "ĐẢNG CỘNG SẢN VIỆT
    NAM" bold with a rule under it, then the italic dated line ``{{ place_date }}``."""
    table = borderless_table(doc, HEADER_WIDTHS)
    left, right = table.rows[0].cells
    para(left, "{{ superior_body }}", align=CENTER, first=True)
    para(left, "{{ issuing_body }}", bold=True, align=CENTER)
    para(left, "*", align=CENTER)
    if number == "optional":
        tag(left, "{%p if number_symbol %}")
    if number != "none":
        para(left, "Số {{ number_symbol }}", align=CENTER)
    if number == "optional":
        tag(left, "{%p endif %}")

    para(right, "ĐẢNG CỘNG SẢN VIỆT NAM", size=15, bold=True, align=CENTER, first=True)
    rule = para(right, align=CENTER)
    fmt = rule.paragraph_format
    fmt.left_indent = fmt.right_indent = TITLE_RULE_INDENT
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(1)
    rule_below(rule)
    para(right, "{{ place_date }}", italic=True, align=CENTER, before=8)
    return table


def recipients_and_signature(doc: DocumentObject, widths: Iterable[Length]) -> Table:
    """ "Nơi nhận" (left: ``{{ recipients }}``, one line each) and the signature (right: ``{{ signer_on_behalf }}``,
    ``{{ signer_title }}``, room to sign, ``{{ signer_name }}``), side by side and never split across pages."""
    table = borderless_table(doc, widths)
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    left, right = table.rows[0].cells
    para(left, "Nơi nhận:", size=12, bold=True, italic=True, before=12, first=True)
    tag(left, "{%p for r in recipients %}")
    para(left, "{{ r }}", size=11)
    tag(left, "{%p endfor %}")
    para(right, "{{ signer_on_behalf }}", bold=True, align=CENTER, before=12, first=True)
    para(right, "{{ signer_title }}", bold=True, align=CENTER)
    para(right, "{{ signer_name }}", bold=True, align=CENTER, before=72)
    return table
