"""Build the Word templates of the members app with python-docx; the built .docx files are committed.

    .venv/bin/python src/dangbo/members/docx_templates/build_templates.py

giay_gioi_thieu.docx: Giấy giới thiệu sinh hoạt đảng, in the party document format (Hướng dẫn 36-HD/VPTW,
2018): A4, margins 20/20/30/15 mm (top/bottom/left/right), Times New Roman 14pt. It holds docxtpl tags
(``{{ full_name }}``, ``{%p if is_official %}`` …); the variables are the keys of
``dangbo.members.letters.documents.letter_context``. Users may edit the file in Word as long as each tag stays in one
piece of formatting (retype a tag rather than formatting part of it).

The page setup, the party header and the other building blocks are shared with the other templates
(``dangbo.core.docx``).
"""

from __future__ import annotations

from pathlib import Path

from docx.shared import Cm

from dangbo.core.docx import CENTER, borderless_table, field, new_document, para, party_header, tag

HERE = Path(__file__).resolve().parent
SIGNATURE_WIDTHS = (Cm(8.0), Cm(8.5))


def build_giay_gioi_thieu(path: Path) -> None:
    """Giấy giới thiệu sinh hoạt đảng."""
    doc = new_document(
        title="Giấy giới thiệu sinh hoạt đảng",
        subject="Mẫu docxtpl: các biến xem dangbo.members.letters.documents.letter_context",
    )
    party_header(doc, number="required")

    para(doc, "GIẤY GIỚI THIỆU SINH HOẠT ĐẢNG", size=16, bold=True, align=CENTER, before=24, after=18)

    field(doc, "Giới thiệu đồng chí: ", "{{ full_name }}", bold_value=True)
    field(doc, "Sinh ngày: ", "{{ birth_date }}")
    field(doc, "Là đảng viên: ", "{{ membership }}")
    field(doc, "Ngày vào Đảng: ", "{{ joined_date }}")
    tag(doc, "{%p if is_official %}")
    field(doc, "Ngày chính thức: ", "{{ official_date }}")
    tag(doc, "{%p endif %}")
    field(doc, "Số thẻ đảng viên: ", "{{ card_number }}")
    field(doc, "Số lý lịch đảng viên: ", "{{ cv_number }}")
    field(doc, "Đang sinh hoạt tại: ", "{{ from_cell }}")
    field(doc, "Được chuyển đến sinh hoạt đảng tại: ", "{{ destination }}")
    field(doc, "Đã đóng đảng phí đến hết tháng ", "{{ dues_paid_to }}")
    field(doc, "Hình thức chuyển: ", "{{ transfer_kind }}")
    tag(doc, "{%p if reason %}")
    field(doc, "Lý do: ", "{{ reason }}")
    tag(doc, "{%p endif %}")
    field(
        doc,
        "Đề nghị {{ receiving_body }} tiếp nhận và quản lý đảng viên. ",
        "Giấy giới thiệu có giá trị đến hết ngày {{ valid_until }}./.",
    )

    # Recipients (left) and signature (right), side by side.
    left, right = borderless_table(doc, SIGNATURE_WIDTHS).rows[0].cells
    para(left, "Nơi nhận:", size=12, bold=True, italic=True, before=12, first=True)
    tag(left, "{%p for r in recipients %}")
    para(left, "- {{ r }}", size=12)
    tag(left, "{%p endfor %}")

    para(right, "{{ signer_on_behalf }}", bold=True, align=CENTER, before=12, first=True)
    para(right, "{{ signer_title }}", align=CENTER)
    para(right, "{{ signer_name }}", bold=True, align=CENTER, before=84)

    doc.save(path)


def main() -> None:
    build_giay_gioi_thieu(HERE / "giay_gioi_thieu.docx")


if __name__ == "__main__":
    main()
