"""The review report DOCX carries the figures of the sections in its sentences and tables (read back with
python-docx), in the party format."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document

from dangbo.core import policies
from dangbo.reports import documents, selectors


def text_of(content: bytes) -> tuple[str, list[list[list[str]]]]:
    doc = Document(io.BytesIO(content))
    paragraphs = [p.text for p in doc.paragraphs]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    for t in doc.tables:  # the header and signature tables hold paragraphs too
        for row in t.rows:
            for c in row.cells:
                paragraphs += [p.text for p in c.paragraphs]
    return "\n".join(paragraphs), tables


def render(actor, org, kind="6_thang", year=2024, next_tasks=""):
    period = selectors.review_period(org, kind, year)
    sections = selectors.build(actor, org, period.start, period.end)
    context = documents.review_context(org, period, sections, next_tasks=next_tasks, day=dt.date(2024, 7, 10))
    return documents.review_docx(context)


def test_the_half_year_report_of_the_bloc_says_the_figures(tree, people, half):
    text, tables = text_of(
        render(people.staff, tree.bloc, next_tasks="Tiếp tục học tập Chỉ thị 05.\n\nKết nạp 5 đảng viên.")
    )
    assert (
        "ĐẢNG BỘ TỈNH NGHỆ AN" in text
        and "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH" in text
        and "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    )
    assert "-BC/ĐU" in text and "Nghệ An, ngày 10 tháng 7 năm 2024" in text
    assert "Sơ kết công tác xây dựng Đảng 6 tháng đầu năm 2024" in text
    assert (
        "Tính đến ngày 30/06/2024, Đảng bộ Khối các cơ quan tỉnh có 2 tổ chức cơ sở đảng (1 đảng bộ cơ sở, "
        "1 chi bộ cơ sở), 3 chi bộ với 5 đảng viên (4 đảng viên chính thức, 1 đảng viên dự bị)."
    ) in text
    assert "Đảng viên nữ 2 đồng chí (40,0%)" in text
    assert "kết nạp 1 đảng viên mới. Số đảng viên đầu kỳ 4, tăng 1, giảm 0, cuối kỳ 5 đảng viên." in text
    assert "3/18 buổi sinh hoạt chi bộ thường kỳ đã được tổ chức (16,7%) ở 3 chi bộ" in text
    assert "Cấp trên đã xếp loại chất lượng 2 buổi sinh hoạt: 1 buổi tốt, 1 buổi khá." in text
    assert (
        "1/2 lượt tổ chức đã báo cáo (50,0%)" in text
        and "1/2 tổ chức đã học tập, quán triệt «Học tập Chỉ thị 05»" in text
    )
    assert "Nghị quyết Đại hội nhiệm kỳ 2020–2025 đề ra 1 chỉ tiêu" in text
    assert "2 cơ quan, đơn vị thuộc Đảng bộ Khối các cơ quan tỉnh nhận giúp đỡ 2 xã" in text
    assert "tổng trị giá 8.000.000 đồng." in text
    assert "II. PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM 2024" in text
    assert "Tiếp tục học tập Chỉ thị 05." in text and "Kết nạp 5 đảng viên." in text
    assert "Nơi nhận:" in text and "T/M BAN THƯỜNG VỤ" in text and "BÍ THƯ" in text
    assert "{{" not in text and "{%" not in text
    movement = next(t for t in tables if t[0] == ["Nội dung", "Số đảng viên"])
    assert ["Tăng: kết nạp mới", "1"] in movement and movement[-1] == ["Đảng viên cuối kỳ", "5"]
    meetings = next(t for t in tables if t[0][0] == "Tổ chức")
    assert ["Đảng bộ Sở Y tế", "2", "3", "12", "25,0%"] in meetings
    targets = next(t for t in tables if t[0][:2] == ["Số", "Chỉ tiêu"])
    assert targets[1][:4] == ["1", "Kết nạp 50 đảng viên mới", "50", "40"]


def test_empty_next_tasks_leave_lines_to_fill_in_and_a_cell_report_has_no_organizations(tree, people, half):
    text, _ = text_of(render(people.staff, tree.b))
    assert "Chi bộ Sở Tư pháp có 1 chi bộ với 1 đảng viên" not in text
    assert "Tính đến ngày 30/06/2024, Chi bộ Sở Tư pháp có 1 đảng viên" in text
    assert "CHI BỘ SỞ TƯ PHÁP" in text and "T/M CHI BỘ" in text and "-BC/CB" in text
    assert "Chưa có số liệu chỉ tiêu nghị quyết đại hội" in text


def test_the_mid_term_report_covers_the_term_to_its_middle(tree, people, half):
    period = selectors.review_period(tree.bloc, "giua_nhiem_ky", 2023)
    assert (period.start, period.end, period.term_name) == (
        dt.date(2020, 10, 1),
        dt.date(2023, 4, 2),
        "2020–2025",
    )
    text, _ = text_of(render(people.staff, tree.bloc, "giua_nhiem_ky", 2023))
    assert (
        "Sơ kết giữa nhiệm kỳ thực hiện Nghị quyết Đại hội Đảng bộ Khối các cơ quan tỉnh, nhiệm kỳ 2020–2025"
        in text
    )


def test_a_section_registered_by_another_app_is_written_after_the_others(tree, people, half):
    from dangbo.core.registries import REPORT_SECTIONS

    def dues(actor, organization, start, end):
        policies.require(actor, policies.VIEW, organization)
        return selectors.Section("dues", "Thu, nộp đảng phí", {"lines": ["Đã thu 1.250.000 đồng đảng phí."]})

    REPORT_SECTIONS.register("dues", dues)
    try:
        text, _ = text_of(render(people.staff, tree.bloc))
    finally:
        REPORT_SECTIONS._entries.pop("dues")
    assert "7. Thu, nộp đảng phí" in text and "Đã thu 1.250.000 đồng đảng phí." in text
    assert text.index("6. Giúp đỡ các xã") < text.index("7. Thu, nộp đảng phí")
