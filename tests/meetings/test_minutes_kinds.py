"""The minutes carry their number line («Số      -BB/CB», written by hand when registered) and the headings of
their kind of meeting: a thematic meeting is its topic presented, discussed and concluded, not the monthly agenda."""

from __future__ import annotations

import dataclasses

from dangbo.meetings.documents import minutes_docx, minutes_for
from tests.meetings.test_documents import FULL, text_of
from tests.meetings.test_meetings import ALL_PRESENT, D, call, cell, complete_minutes, plan  # noqa: F401 - fixture


def test_a_regular_meeting_has_the_monthly_agenda():
    lines = text_of(minutes_docx(FULL)).splitlines()
    for heading in ("I. Thu đảng phí", "II. Kết quả thực hiện nhiệm vụ tháng trước", "VI. Nhiệm vụ tháng tới",
                    "VII. Nghị quyết (kết luận)"):  # fmt: skip
        assert heading in lines, heading


def test_a_thematic_meeting_has_its_own_headings_numbered_without_gaps():
    thematic = dataclasses.replace(FULL, kind="chuyen_de", kind_title="Sinh hoạt chuyên đề: Học tập Chỉ thị 05",
                                   dues_collected=False, last_month_results="", study_follow="")  # fmt: skip
    lines = text_of(minutes_docx(thematic)).splitlines()
    assert [x for x in lines if x[:3] in ("I. ", "II.", "III", "IV.", "V. ")] == [
        "I. Nội dung chuyên đề", "II. Thảo luận của đảng viên", "III. Nhiệm vụ, giải pháp thực hiện",
        "IV. Kết luận của đồng chí chủ trì"]  # fmt: skip
    assert "Nhiệm vụ tháng tới" not in lines and "Kết quả thực hiện nhiệm vụ tháng trước" not in lines


def test_the_minutes_of_a_meeting_have_the_number_line(cell, root_user):  # noqa: F811
    m = complete_minutes(root_user, call(root_user, plan(root_user, cell, D(2024, 3, 5)), ALL_PRESENT))
    lines = [x.replace("\u00a0", " ") for x in text_of(minutes_for(m)).splitlines()]
    assert "Số       -BB/CB" in lines
