"""Biên bản sinh hoạt chi bộ: the rendered .docx, read back with python-docx (no database)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import zipfile

import pytest
from docx import Document
from docx.enum.text import WD_TAB_LEADER
from docx.oxml.ns import qn
from docx.shared import Mm

from dangbo.meetings.documents import Minutes, clock, duration, minutes_docx, paragraphs
from tests.members.test_letters import text_of

FULL = Minutes(
    superior_body="ĐẢNG BỘ SỞ Y TẾ",
    issuing_body="CHI BỘ VĂN PHÒNG",
    place="Nghệ An",
    date=dt.date(2013, 7, 10),
    kind_title="Sinh hoạt chi bộ thường kỳ tháng 07/2013",
    started_at=dt.datetime(2013, 7, 10, 14, 0),
    ended_at=dt.datetime(2013, 7, 10, 16, 0),
    location="Phòng họp tầng 2, Sở Y tế",
    chair="Nguyễn Văn An",
    secretary="Trần Thị Bình",
    total_members=24,
    expected=22,
    present=19,
    late=1,
    excused=(("Lê Văn Cường", "ốm"), ("Phạm Thị Dung", "đi công tác")),
    unexcused=("Hoàng Văn Em",),
    exempted=1,
    away=1,
    attached=1,
    dues_collected=True,
    dues_amount=250_000,
    last_month_results="Hoàn thành 100% kế hoạch tháng 6.\n\nKhông có đảng viên vi phạm.\n",
    news_guidance="Quán triệt Kết luận số 51-KL/TW.",
    study_follow="Mỗi đảng viên đăng ký một việc làm cụ thể.",
    opinions="Đề nghị quan tâm tạo nguồn phát triển đảng viên.",
    tasks=(
        ("Hoàn thành hồ sơ kết nạp quần chúng Nguyễn Thị Giang", "Trần Thị Bình", dt.date(2013, 7, 31)),
        ("Triển khai học tập chuyên đề năm 2013", "Nguyễn Văn An", dt.date(2013, 7, 20)),
        ("Đôn đốc nộp bản kiểm điểm giữa năm", "Vũ Văn Hải", dt.date(2013, 7, 15)),
        ("Duy trì tiếp công dân đúng quy định", "Đỗ Thị Lan", None),
    ),
    resolution="Chi bộ hoàn thành tốt nhiệm vụ tháng 6/2013.\nTập trung thực hiện các nhiệm vụ ở mục VI.",
    votes_for=19,
    votes_against=0,
    votes_abstain=0,
)

EMPTY = Minutes(
    superior_body="ĐẢNG BỘ SỞ Y TẾ",
    issuing_body="CHI BỘ VĂN PHÒNG",
    number_symbol="05-BB/CB",
    place="Nghệ An",
    date=dt.date(2013, 2, 5),
    kind_title="Sinh hoạt chuyên đề: Học tập và làm theo tư tưởng Hồ Chí Minh",
    total_members=9,
    expected=9,
    present=9,
)

HEADINGS = [
    "I. Thu đảng phí",
    "II. Kết quả thực hiện nhiệm vụ tháng trước",
    "III. Thông tin thời sự, văn bản, hướng dẫn của cấp trên",
    "IV. Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "V. Ý kiến của đảng viên, phản ánh của quần chúng",
    "VI. Nhiệm vụ tháng tới",
    "VII. Nghị quyết (kết luận)",
]


@pytest.fixture(scope="module")
def full_docx() -> bytes:
    return minutes_docx(FULL)


@pytest.fixture(scope="module")
def empty_docx() -> bytes:
    return minutes_docx(EMPTY)


@pytest.fixture(scope="module")
def full_lines(full_docx: bytes) -> list[str]:
    return text_of(full_docx).splitlines()


@pytest.fixture(scope="module")
def empty_lines(empty_docx: bytes) -> list[str]:
    return text_of(empty_docx).splitlines()


def test_header_title_and_subtitle(full_lines: list[str]) -> None:
    for expected in (
        "ĐẢNG BỘ SỞ Y TẾ",
        "CHI BỘ VĂN PHÒNG",
        "*",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Nghệ An, ngày 10 tháng 7 năm 2013",
    ):
        assert expected in full_lines
    title = full_lines.index("BIÊN BẢN")
    assert full_lines[title + 1] == "Sinh hoạt chi bộ thường kỳ tháng 07/2013"
    assert not any(line.startswith("Số ") for line in full_lines)  # no number: no number line


def test_optional_number_line_and_thematic_title(empty_lines: list[str]) -> None:
    assert "Số 05-BB/CB" in empty_lines
    assert "Nghệ An, ngày 05 tháng 02 năm 2013" in empty_lines
    title = empty_lines.index("BIÊN BẢN")
    assert empty_lines[title + 1] == "Sinh hoạt chuyên đề: Học tập và làm theo tư tưởng Hồ Chí Minh"


def test_opening_lines(full_lines: list[str]) -> None:
    for expected in (
        "Thời gian: bắt đầu lúc 14 giờ 00 ngày 10/07/2013.",
        "Địa điểm: Phòng họp tầng 2, Sở Y tế.",
        "Chủ trì: đồng chí Nguyễn Văn An.",
        "Thư ký: đồng chí Trần Thị Bình.",
    ):
        assert expected in full_lines


def test_attendance_line(full_lines: list[str]) -> None:
    assert (
        "Thành phần: tổng số đảng viên của chi bộ: 24; phải dự: 22; có mặt: 19 (đi muộn: 1); "
        "vắng có lý do: 2 (Lê Văn Cường – ốm, Phạm Thị Dung – đi công tác); "
        "vắng không lý do: 1 (Hoàng Văn Em); được miễn công tác và sinh hoạt đảng: 1; "
        "đang sinh hoạt tạm thời nơi khác: 1; sinh hoạt tạm thời tại chi bộ: 1."
    ) in full_lines


def test_attendance_line_without_absentees(empty_lines: list[str]) -> None:
    assert (
        "Thành phần: tổng số đảng viên của chi bộ: 9; phải dự: 9; có mặt: 9; vắng có lý do: 0; "
        "vắng không lý do: 0; được miễn công tác và sinh hoạt đảng: 0; đang sinh hoạt tạm thời nơi khác: 0; "
        "sinh hoạt tạm thời tại chi bộ: 0."
    ) in empty_lines


def test_sections_in_order(full_lines: list[str]) -> None:
    positions = [full_lines.index(h) for h in HEADINGS]
    assert positions == sorted(positions)
    attendance = next(i for i, line in enumerate(full_lines) if line.startswith("Thành phần:"))
    assert attendance < positions[0]


def test_dues(full_lines: list[str], empty_lines: list[str]) -> None:
    assert full_lines[full_lines.index("I. Thu đảng phí") + 1] == (
        "Chi bộ đã thu đảng phí của đảng viên; số tiền thu được: 250.000 đ."
    )
    assert (
        empty_lines[empty_lines.index("I. Thu đảng phí") + 1]
        == "Chi bộ chưa thu đảng phí tại buổi sinh hoạt này."
    )


def test_free_texts_one_paragraph_a_line(full_lines: list[str]) -> None:
    start = full_lines.index("II. Kết quả thực hiện nhiệm vụ tháng trước") + 1
    assert full_lines[start : start + 3] == [
        "Hoàn thành 100% kế hoạch tháng 6.",
        "Không có đảng viên vi phạm.",
        "III. Thông tin thời sự, văn bản, hướng dẫn của cấp trên",
    ]
    start = full_lines.index("VII. Nghị quyết (kết luận)") + 1
    assert full_lines[start : start + 2] == [
        "Chi bộ hoàn thành tốt nhiệm vụ tháng 6/2013.",
        "Tập trung thực hiện các nhiệm vụ ở mục VI.",
    ]
    for text in (FULL.news_guidance, FULL.study_follow, FULL.opinions):
        assert text in full_lines


def test_empty_sections_show_lines_of_dots(empty_docx: bytes) -> None:
    doc = Document(io.BytesIO(empty_docx))
    section = doc.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    body = doc.paragraphs
    texts = [p.text for p in body]
    for heading in HEADINGS[1:5] + HEADINGS[6:]:
        i = texts.index(heading)
        for p in body[i + 1 : i + 4]:
            assert p.text == "\t"  # a tab up to a right tab stop with a dot leader: a line of dots
            (stop,) = p.paragraph_format.tab_stops
            assert stop.leader == WD_TAB_LEADER.DOTS
            assert text_width - Mm(2) < stop.position <= text_width
        assert body[i + 4].text in HEADINGS or body[i + 4].text.startswith("Biểu quyết")
    lines = text_of(empty_docx).splitlines()
    assert "Địa điểm: …………………." in lines
    assert "Chủ trì: đồng chí …………………." in lines
    assert "Thời gian: bắt đầu lúc …… giờ …… ngày 05/02/2013." in lines


def test_tasks_table(full_docx: bytes) -> None:
    doc = Document(io.BytesIO(full_docx))
    header, tasks, signatures = doc.tables
    rows = [[cell.text for cell in row.cells] for row in tasks.rows]
    assert rows == [
        ["STT", "Nhiệm vụ", "Người thực hiện", "Thời hạn"],
        ["1", "Hoàn thành hồ sơ kết nạp quần chúng Nguyễn Thị Giang", "Trần Thị Bình", "31/07/2013"],
        ["2", "Triển khai học tập chuyên đề năm 2013", "Nguyễn Văn An", "20/07/2013"],
        ["3", "Đôn đốc nộp bản kiểm điểm giữa năm", "Vũ Văn Hải", "15/07/2013"],
        ["4", "Duy trì tiếp công dân đúng quy định", "Đỗ Thị Lan", ""],
    ]
    borders = tasks._tbl.tblPr.find(qn("w:tblBorders"))
    assert [edge.get(qn("w:val")) for edge in borders] == ["single"] * 6


def test_empty_tasks_table_has_blank_rows_to_fill_in(empty_docx: bytes) -> None:
    tasks = Document(io.BytesIO(empty_docx)).tables[1]
    rows = [[cell.text for cell in row.cells] for row in tasks.rows]
    assert rows[0] == ["STT", "Nhiệm vụ", "Người thực hiện", "Thời hạn"]
    assert rows[1:] == [["", "", "", ""]] * 3


def test_vote_and_closing_lines(full_lines: list[str], empty_lines: list[str]) -> None:
    assert "Biểu quyết: tán thành 19/19, không tán thành 0, không biểu quyết 0." in full_lines
    assert "Buổi sinh hoạt kết thúc lúc 16 giờ 00 cùng ngày (thời gian sinh hoạt: 2 giờ)." in full_lines
    assert "Biểu quyết: tán thành ……/……, không tán thành ……, không biểu quyết ……." in empty_lines
    assert "Buổi sinh hoạt kết thúc lúc …… giờ …… cùng ngày." in empty_lines
    resolution = full_lines.index("VII. Nghị quyết (kết luận)")
    assert resolution < full_lines.index(
        "Biểu quyết: tán thành 19/19, không tán thành 0, không biểu quyết 0."
    )


def test_meeting_ending_another_day() -> None:
    minutes = dataclasses.replace(FULL, ended_at=dt.datetime(2013, 7, 11, 8, 30))
    assert "Buổi sinh hoạt kết thúc lúc 08 giờ 30 ngày 11/07/2013 (thời gian sinh hoạt: 18 giờ 30 phút)." in (
        text_of(minutes_docx(minutes)).splitlines()
    )


def test_signatures(full_docx: bytes, empty_docx: bytes) -> None:
    left, right = Document(io.BytesIO(full_docx)).tables[2].rows[0].cells
    assert [p.text for p in left.paragraphs] == ["THƯ KÝ", "Trần Thị Bình"]
    assert [p.text for p in right.paragraphs] == ["CHỦ TRÌ", "Nguyễn Văn An"]
    assert all(r.bold for p in left.paragraphs + right.paragraphs for r in p.runs)
    left, right = Document(io.BytesIO(empty_docx)).tables[2].rows[0].cells
    assert [p.text for p in left.paragraphs] == ["THƯ KÝ", ""]  # the name written by hand
    assert [p.text for p in right.paragraphs] == ["CHỦ TRÌ", ""]


@pytest.mark.parametrize("minutes", [FULL, EMPTY], ids=["full", "empty"])
def test_no_template_tag_left(minutes: Minutes) -> None:
    docx = minutes_docx(minutes)
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        for name in package.namelist():
            if name.endswith(".xml"):
                xml = re.sub(r"<[^>]+>", "", package.read(name).decode("utf-8"))
                for tag in ("{{", "}}", "{%", "%}"):
                    assert tag not in xml, name


def test_markup_and_control_characters_are_harmless() -> None:
    minutes = dataclasses.replace(
        FULL, location="Hội trường <A> & B", opinions="Ý kiến \x07một & <hai>\r\nÝ kiến hai\x00"
    )
    lines = text_of(minutes_docx(minutes)).splitlines()
    assert "Địa điểm: Hội trường <A> & B." in lines
    start = lines.index("V. Ý kiến của đảng viên, phản ánh của quần chúng") + 1
    assert lines[start : start + 2] == ["Ý kiến một & <hai>", "Ý kiến hai"]


def test_page_setup(full_docx: bytes) -> None:
    section = Document(io.BytesIO(full_docx)).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [20, 20, 30, 15]


def test_title_and_body_fonts(full_docx: bytes) -> None:
    doc = Document(io.BytesIO(full_docx))
    assert doc.styles["Normal"].font.name == "Times New Roman"
    assert doc.styles["Normal"].font.size.pt == 14
    title = next(p for p in doc.paragraphs if p.text == "BIÊN BẢN")
    assert title.runs[0].bold and title.runs[0].font.size.pt == 16
    subtitle = next(p for p in doc.paragraphs if p.text == FULL.kind_title)
    assert subtitle.runs[0].bold


def test_aware_times_are_shown_in_vietnam_time() -> None:
    utc = dt.UTC
    minutes = dataclasses.replace(
        FULL,
        started_at=dt.datetime(2013, 7, 10, 7, 0, tzinfo=utc),
        ended_at=dt.datetime(2013, 7, 10, 9, 15, tzinfo=utc),
    )
    lines = text_of(minutes_docx(minutes)).splitlines()
    assert "Thời gian: bắt đầu lúc 14 giờ 00 ngày 10/07/2013." in lines
    assert "Buổi sinh hoạt kết thúc lúc 16 giờ 15 cùng ngày (thời gian sinh hoạt: 2 giờ 15 phút)." in lines


def test_helpers() -> None:
    assert paragraphs("  a \n\n\n b\r\n") == ["a", "b"]
    assert paragraphs("") == []
    assert clock(dt.datetime(2013, 7, 10, 8, 5)) == "08 giờ 05"
    assert clock(None) == "…… giờ ……"
    start = dt.datetime(2013, 7, 10, 14, 0)
    assert duration(start, start + dt.timedelta(minutes=50)) == "50 phút"
    assert duration(start, start + dt.timedelta(minutes=125)) == "2 giờ 05 phút"
    assert duration(start, None) == ""


@pytest.mark.parametrize(
    "changes",
    [
        {"present": -1},
        {"late": 20},  # more late arrivals than people present
        {"dues_amount": -5},
        {"votes_against": -1},
        {"ended_at": dt.datetime(2013, 7, 10, 13, 0)},  # before the start
        {"votes_for": 18, "votes_against": 2},  # 20 votes, 19 present
        {"present": 20},  # present and absent do not add up to those expected
        {"expected": None},  # a roll call with a present count but no expected count
        {"expected": None, "present": None},  # no roll call, but absentees and a vote
    ],
)
def test_inconsistent_minutes_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        dataclasses.replace(FULL, **changes)


def test_lists_are_accepted_and_stored_as_tuples() -> None:
    minutes = dataclasses.replace(
        FULL, excused=[["A", "ốm"]], unexcused=["B"], tasks=[["Việc", "C", None]], present=20
    )
    assert minutes.excused == (("A", "ốm"),)
    assert minutes.unexcused == ("B",)
    assert minutes.tasks == (("Việc", "C", None),)


def test_before_the_roll_call_the_counts_are_left_to_fill_in() -> None:
    minutes = dataclasses.replace(EMPTY, expected=None, present=None)
    assert (
        "Thành phần: tổng số đảng viên của chi bộ: 9; phải dự: ……; có mặt: ……; vắng có lý do: ……; "
        "vắng không lý do: ……; được miễn công tác và sinh hoạt đảng: 0; đang sinh hoạt tạm thời nơi khác: 0; "
        "sinh hoạt tạm thời tại chi bộ: 0."
    ) in text_of(minutes_docx(minutes)).splitlines()
    with pytest.raises(ValueError):
        dataclasses.replace(minutes, votes_for=3)  # no vote is possible before the roll call


def _widths(doc) -> list[int]:
    """The width of each table (twentieths of a point), from its grid."""
    return [sum(int(c.get(qn("w:w"))) for c in t._tbl.tblGrid.iter(qn("w:gridCol"))) for t in doc.tables]


def test_margins_are_a_setting_and_the_tables_follow_the_text_width(settings) -> None:
    """HD 36 sources disagree on the margins (DOMAIN §7): DANGBO_DOCX_MARGINS_MM sets them, and the header,
    task and signature tables and the dotted lines fit the text width they leave."""
    default = Document(io.BytesIO(minutes_docx(EMPTY)))
    assert [round(m.mm) for m in _margins_of(default)] == [20, 20, 30, 15]
    settings.DANGBO_DOCX_MARGINS_MM = (25, 25, 35, 15)
    doc = Document(io.BytesIO(minutes_docx(EMPTY)))
    assert [round(m.mm) for m in _margins_of(doc)] == [25, 25, 35, 15]
    section = doc.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin  # 16.0 cm instead of 16.5
    for before, after in zip(_widths(default), _widths(doc), strict=True):
        assert abs(after - before * 160 / 165) <= 3  # scaled with the text width
        assert Mm(after * 25.4 / 1440) <= text_width + Mm(0.1)
    stops = [s.position for p in doc.paragraphs for s in p.paragraph_format.tab_stops]
    assert stops and all(text_width - Mm(2) < stop <= text_width for stop in stops)


def _margins_of(doc):
    s = doc.sections[0]
    return (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)


@pytest.mark.parametrize("text", ["20,20,30", "0,20,30,15", "a,b,c,d", "nan,20,30,15", "20,20,30,150"])
def test_a_bad_margins_setting_is_refused_at_start(text: str) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from dangbo.settings import _margins

    with pytest.raises(ImproperlyConfigured):
        _margins(text)
    assert _margins("25; 25; 35; 15") == (25, 25, 35, 15)
